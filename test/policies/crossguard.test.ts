import type { PolicyResource, ResourceValidationArgs, ResourceValidationPolicy, StackValidationArgs, StackValidationPolicy } from "@pulumi/policy";
import { describe, expect, it } from "vitest";
import { configSchemaOf, knownInputs, toCrossGuardPolicy } from "../../policies/crossguard";
import { allRules } from "../../policies/rules";
import { aoaiDeploymentDisallowRetiringVersion } from "../../policies/rules/aoai-deployment-disallow-retiring-version";
import { aoaiDeploymentEnforceCapacityQuota } from "../../policies/rules/aoai-deployment-enforce-capacity-quota";
import { aoaiDeploymentMissingModelVersion } from "../../policies/rules/aoai-deployment-missing-model-version";
import { aoaiGatewayDisallowPlaintextSecret } from "../../policies/rules/aoai-gateway-disallow-plaintext-secret";
import { account, backend, deployment, testContext, withInput } from "./support/resources";
import type { PlannedResource } from "../../policies/rules";

// Hand-built CrossGuard arguments, as compliance-policies' unit-test helpers do: no policy server.
function resourceArgs(r: PlannedResource, config: Record<string, unknown> = {}): ResourceValidationArgs {
  return {
    type: r.type,
    name: r.name,
    urn: r.urn as string,
    props: r.inputs,
    opts: { protect: false, ignoreChanges: [], aliases: [], customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 }, additionalSecretOutputs: [] },
    getConfig: <T extends object>() => config as T,
  } as unknown as ResourceValidationArgs;
}

function policyResource(r: PlannedResource, dependencies: PolicyResource[] = []): PolicyResource {
  return { type: r.type, name: r.name, urn: r.urn as string, props: r.inputs, dependencies, propertyDependencies: {} } as unknown as PolicyResource;
}

/** The single validateResource function our adapter installs (CrossGuard's type also allows arrays). */
function validatorOf(policy: ResourceValidationPolicy): (args: ResourceValidationArgs, report: (message: string, urn?: string) => void) => unknown {
  const validate = policy.validateResource;
  if (typeof validate !== "function") throw new Error(`${policy.name} has no single validateResource function`);
  return validate;
}

function collect(run: (report: (message: string, urn?: string) => void) => unknown): { message: string; urn?: string }[] {
  const reports: { message: string; urn?: string }[] = [];
  run((message, urn) => reports.push(urn === undefined ? { message } : { message, urn }));
  return reports;
}

describe("CrossGuard adapter", () => {
  it("exposes every rule with its name, description, level, severity and config schema", () => {
    for (const rule of allRules) {
      const policy = toCrossGuardPolicy(rule, () => testContext);
      expect(policy).toMatchObject({ name: rule.name, description: rule.description, enforcementLevel: rule.enforcementLevel, severity: rule.severity });
      expect("validateStack" in policy).toBe(rule.kind === "stack");
    }
  });

  it("derives configSchema (properties with defaults) from the rule's zod options", () => {
    expect(configSchemaOf(aoaiDeploymentDisallowRetiringVersion)).toEqual({
      properties: {
        withinDays: { type: "integer", minimum: 1, maximum: 3650, default: 90, description: "Flag versions retiring within this many days." },
      },
    });
  });

  it("reports a raw Deployment without a version through validateResource", () => {
    const policy = toCrossGuardPolicy(aoaiDeploymentMissingModelVersion, () => testContext) as ResourceValidationPolicy;
    const raw = withInput(deployment("raw"), "properties.model.version", undefined);
    const reports = collect((report) => validatorOf(policy)(resourceArgs(raw), report));
    expect(reports).toEqual([
      { message: 'Deployment "raw" does not set properties.model.version, so Azure deploys whatever version is the default and may swap it later; pin an explicit version from the model catalog, e.g. properties.model.version: "2024-11-20".' },
    ]);
    expect(collect((report) => validatorOf(policy)(resourceArgs(deployment()), report))).toEqual([]);
    expect(collect((report) => validatorOf(policy)(resourceArgs(account()), report))).toEqual([]);
  });

  it("reads options from getConfig, ignoring an enforcementLevel key", () => {
    const policy = toCrossGuardPolicy(aoaiDeploymentDisallowRetiringVersion, () => testContext) as ResourceValidationPolicy;
    const soon = withInput(deployment(), "properties.model.version", "2024-08-06");
    expect(collect((report) => validatorOf(policy)(resourceArgs(soon, { enforcementLevel: "mandatory", withinDays: 30 }), report))).toEqual([]);
    expect(collect((report) => validatorOf(policy)(resourceArgs(soon, { withinDays: 60 }), report))).toHaveLength(1);
  });

  it("reports stack findings against the offending resource's URN, resolving accounts through dependencies", () => {
    const policy = toCrossGuardPolicy(aoaiDeploymentEnforceCapacityQuota, () => testContext) as StackValidationPolicy;
    const acct = account();
    const unknownName = withInput(deployment("chat"), "accountName", undefined);
    const args = {
      resources: [policyResource(acct), policyResource(unknownName, [policyResource(acct)])],
      getConfig: <T extends object>() => ({ quotas: [{ region: "eastus2", model: "gpt-4o", sku: "DataZoneStandard", capacity: 50 }] }) as T,
    } as unknown as StackValidationArgs;
    expect(collect((report) => policy.validateStack(args, report))).toEqual([
      {
        message: "Deployments of gpt-4o DataZoneStandard in eastus2 request 100 capacity units (chat: 100), above the declared quota of 50; lower sku.capacity or raise the declared quota after Azure grants it.",
        urn: unknownName.urn,
      },
    ]);
  });
});

describe("CrossGuard adapter and values unknown during a preview", () => {
  // The same proxy CrossGuard wraps props in (internal to @pulumi/policy, used here to stay faithful).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { unknownCheckingProxy, unknownStringValue, UnknownValueError } = require("@pulumi/policy/proxy") as {
    unknownCheckingProxy: <T extends object>(o: T) => T;
    unknownStringValue: string;
    UnknownValueError: new (...args: unknown[]) => Error;
  };

  it("lets a resource rule's read of an unknown version surface as CrossGuard's UnknownValueError (reported as advisory)", () => {
    const policy = toCrossGuardPolicy(aoaiDeploymentMissingModelVersion, () => testContext) as ResourceValidationPolicy;
    const pending = withInput(deployment("pending"), "properties.model.version", unknownStringValue);
    const args = { ...resourceArgs(pending), props: unknownCheckingProxy(pending.inputs) } as ResourceValidationArgs;
    expect(() => validatorOf(policy)(args, () => undefined)).toThrow(UnknownValueError);
  });

  it("reports a backend's literal credential through validateResource, and leaves one unknown during a preview to CrossGuard's advisory note", () => {
    const policy = toCrossGuardPolicy(aoaiGatewayDisallowPlaintextSecret, () => testContext) as ResourceValidationPolicy;
    const key = "0123456789abcdef0123456789abcdef";
    const literal = withInput(backend("partner"), "credentials", { header: { "api-key": [key] } });
    const args = { ...resourceArgs(literal), props: unknownCheckingProxy(literal.inputs) } as ResourceValidationArgs;
    expect(collect((report) => validatorOf(policy)(args, report))).toEqual([
      {
        message:
          "Backend \"partner\" has what looks like an Azure AI services key (32 hex characters) in plain text at credentials.header.api-key[0]; move it to a secret or Key Vault named value and reference it there as {{name}}, or omit credentials and authenticate with managed identity (authentication-managed-identity in the API policy, as aoai-fleet's generated backends do).",
      },
    ]);
    const pending = withInput(backend("partner"), "credentials", { header: { "api-key": [unknownStringValue] } });
    const reports: string[] = [];
    const pendingArgs = { ...resourceArgs(pending), props: unknownCheckingProxy(pending.inputs) } as ResourceValidationArgs;
    expect(() => validatorOf(policy)(pendingArgs, (message) => reports.push(message))).toThrow(UnknownValueError);
    expect(reports).toEqual([]);
    const reference = withInput(backend("partner"), "credentials", { header: { "api-key": ["{{openai-key}}"] } });
    expect(collect((report) => validatorOf(policy)({ ...resourceArgs(reference), props: unknownCheckingProxy(reference.inputs) } as ResourceValidationArgs, report))).toEqual([]);
  });

  it("drops unknown values for stack rules, so the account is found through dependencies", () => {
    const policy = toCrossGuardPolicy(aoaiDeploymentEnforceCapacityQuota, () => testContext) as StackValidationPolicy;
    const acct = account();
    const pending = withInput(deployment("chat"), "accountName", unknownStringValue);
    const proxied = (r: PlannedResource, deps: PolicyResource[] = []) => ({ ...policyResource(r, deps), props: unknownCheckingProxy(r.inputs) }) as PolicyResource;
    const args = {
      resources: [proxied(acct), proxied(pending, [policyResource(acct)])],
      getConfig: <T extends object>() => ({ quotas: [{ region: "eastus2", model: "gpt-4o", sku: "DataZoneStandard", capacity: 50 }] }) as T,
    } as unknown as StackValidationArgs;
    expect(collect((report) => policy.validateStack(args, report))).toEqual([
      {
        message: "Deployments of gpt-4o DataZoneStandard in eastus2 request 100 capacity units (chat: 100), above the declared quota of 50; lower sku.capacity or raise the declared quota after Azure grants it.",
        urn: pending.urn,
      },
    ]);
  });

  it("knownInputs copies plain values and leaves out every unknown sentinel", () => {
    expect(knownInputs(unknownCheckingProxy({ a: 1, b: unknownStringValue, c: { d: [unknownStringValue, "x"], e: null } }))).toEqual({ a: 1, c: { d: ["x"], e: null } });
  });
});
