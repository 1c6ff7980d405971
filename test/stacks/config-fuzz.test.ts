// The config fuzz harness as a property (issue 16): seeded mutations of the shipped stacks go
// through the path `npm run plan` takes — stack-file text → YAML loader → the runtime's JSON config
// → schema + catalog + plan → gateway schema + fleet check + design (pools, ids, policy XML) and the
// network plan — all in-process. It asserts: no crash (only FleetConfigError may escape), every
// rejection names a path and prints clean, every accepted plan keeps the invariants below, every generated policy is
// well-formed (schema check, one parser, render round trip, size). The full Pulumi mock program
// (`runOfflinePlan`, seconds per run) is run for a bounded subset of accepted configs only.
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it, vi } from "vitest";
import { main } from "../../cli/main";
import { parseStackConfigText } from "../../cli/plan/stack-config";
import { runOfflinePlan } from "../../cli/plan/runner";
import { designGateway, designRoutePolicies, type GatewayDesign, type PolicyDocumentDesign } from "../../components/gateway/design";
import { loadCatalog } from "../../core/catalog/catalog";
import { planFromRawConfig, type FleetPlan } from "../../core/plan/index";
import { gatewayNetworkInput, networkOf } from "../../core/plan/network/from-config";
import { MAX_DEPLOYMENTS_PER_ACCOUNT } from "../../core/plan/plan";
import { checkPolicyXml, LIMITS, parsePolicy, renderPolicy } from "../../gateway-policy/index";
import { APIM_LIMITS, type GatewayConfig } from "../../stacks/config/gateway";
import { FleetConfigError, formatIssues, isFleetConfigError, MAX_PRINTED_ISSUES, type ConfigIssue } from "../../stacks/config/errors";
import { DEPLOYMENT_SKUS, UPGRADE_OPTIONS } from "../../stacks/config/fleet";
import { tagProblems } from "../../stacks/config/naming";
import { plannedTargets, validateGatewayConfig } from "../../stacks/gateway";
import { fuzzCaseArb, type FuzzCase } from "../support/config-fuzz";
import { expectSingleChainPerAccount, TODAY } from "../support/plan";

const CASES = Number(process.env.AOAI_FLEET_FUZZ_CASES ?? 2000);
const FULL_PROGRAM_RUNS = Number(process.env.AOAI_FLEET_FUZZ_FULL_RUNS ?? 4);
const SEED = 20261207;
const catalog = loadCatalog();

/** What Pulumi hands the program: every config value through JSON (`config.getObject` parses strings). */
function runtimeValue(value: unknown, key: string): unknown {
  if (value === undefined) return undefined;
  try {
    return typeof value === "string" ? (JSON.parse(value) as unknown) : (JSON.parse(JSON.stringify(value)) as unknown);
  } catch (error) {
    // The program reports exactly this as a config error (stacks/program.ts).
    return { __unreadable: `${key}: ${(error as Error).message}` };
  }
}

/** The invariants of an accepted fleet plan. */
function checkPlan(plan: FleetPlan): void {
  for (const account of plan.accounts) {
    expect(account.deployments.length).toBeLessThanOrEqual(MAX_DEPLOYMENTS_PER_ACCOUNT);
    const lower = account.deployments.map((d) => d.name.toLowerCase());
    expect(new Set(lower).size, `deployment names in ${account.region}`).toBe(lower.length);
    for (const d of account.deployments) {
      expect(DEPLOYMENT_SKUS).toContain(d.sku);
      expect(UPGRADE_OPTIONS).toContain(d.upgrade);
      expect(Number.isInteger(d.capacity) && d.capacity > 0, `${d.name} capacity ${d.capacity}`).toBe(true);
      expect(d.version.trim()).not.toBe("");
      expect(d.version.toLowerCase()).not.toBe("latest");
      expect(catalog.version(d.model, d.version), `${d.model} ${d.version}`).toBeDefined();
    }
  }
  for (const q of plan.quota) if (q.limit !== null) expect(q.used, `${q.region} ${q.key}`).toBeLessThanOrEqual(q.limit);
  expect(tagProblems(plan.tags, "tags")).toEqual([]);
}

/** The invariants of an accepted gateway design and its policies. */
function checkDesign(config: GatewayConfig, design: GatewayDesign, routePolicies: readonly PolicyDocumentDesign[]): void {
  const singles = new Set(design.singles.map((s) => s.id));
  for (const pool of design.pools) {
    expect(pool.members.length).toBeGreaterThan(0);
    expect(pool.members.length).toBeLessThanOrEqual(APIM_LIMITS.poolMembers);
    for (const m of pool.members) {
      expect(singles.has(m.backendId), `${pool.id} → ${m.backendId}`).toBe(true);
      if (m.priority !== undefined) expect(m.priority >= LIMITS.priority.min && m.priority <= LIMITS.priority.max).toBe(true);
      if (m.weight !== undefined) expect(m.weight >= LIMITS.weight.min && m.weight <= LIMITS.weight.max).toBe(true);
    }
  }
  const ids = [...design.singles.map((s) => s.id), ...design.pools.map((p) => p.id)].map((id) => id.toLowerCase());
  expect(new Set(ids).size, "APIM backend ids").toBe(ids.length);
  const named = design.namedValues.map((v) => v.id.toLowerCase());
  expect(new Set(named).size, "named value ids").toBe(named.length);
  const limit = config.sku === "Consumption" ? APIM_LIMITS.consumptionPolicyBytes : APIM_LIMITS.policyBytes;
  for (const policy of [design.apiPolicy, ...routePolicies]) {
    expect(checkPolicyXml(policy.xml), `schema of ${policy.scope}`).toEqual([]);
    expect(renderPolicy(parsePolicy(policy.xml)), `round trip of ${policy.scope}`).toBe(policy.xml);
    if (policy === design.apiPolicy) expect(Buffer.byteLength(policy.xml)).toBeLessThanOrEqual(limit);
  }
}

/** Every rejection: paths under the config roots (or the stack file), and clean printable text. */
function checkRejection(issues: readonly { path: string; message: string }[]): void {
  expect(issues.length).toBeGreaterThan(0);
  for (const issue of issues) {
    expect(issue.path, issue.message).toMatch(/^(aoai-fleet:(fleet|gateway)(\.|$)|Pulumi\.fuzz\.yaml)/);
    expect(issue.message.trim()).not.toBe("");
  }
  const printed = formatIssues(issues);
  expect(printed).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
  expect(printed.split("\n").length).toBeLessThanOrEqual(MAX_PRINTED_ISSUES + 2);
}

type Outcome = { kind: "rejected" } | { kind: "accepted"; config: Record<string, unknown>; gateway: boolean };

function runCase(c: FuzzCase): Outcome {
  try {
    const file = c.text === undefined ? c.config : parseStackConfigText(c.text, "Pulumi.fuzz.yaml");
    const fleetRaw = runtimeValue(file["aoai-fleet:fleet"], "aoai-fleet:fleet");
    const gatewayRaw = runtimeValue(file["aoai-fleet:gateway"], "aoai-fleet:gateway");
    const plan = planFromRawConfig(fleetRaw, { catalog, today: TODAY });
    checkPlan(plan);
    // As stacks/program.ts: gateway and network problems are collected together.
    const problems: ConfigIssue[] = [];
    let config: GatewayConfig | undefined;
    try {
      config = gatewayRaw === undefined ? undefined : validateGatewayConfig(gatewayRaw, plan);
    } catch (error) {
      if (!isFleetConfigError(error)) throw error;
      problems.push(...error.issues);
    }
    problems.push(...networkOf(plan, gatewayNetworkInput(config, gatewayRaw)).errors);
    if (problems.length > 0) throw new FleetConfigError(problems);
    if (!config) return { kind: "accepted", config: { "aoai-fleet:fleet": fleetRaw }, gateway: false };
    const inventory = plannedTargets(plan).map((t) => ({ ...t, accountOpenAiUrl: `https://${plan.name}-${t.region}.openai.azure.com/openai` }));
    checkDesign(config, designGateway(config, inventory), designRoutePolicies(config, inventory));
    return { kind: "accepted", config: { "aoai-fleet:fleet": fleetRaw, "aoai-fleet:gateway": gatewayRaw }, gateway: true };
  } catch (error) {
    if (!isFleetConfigError(error)) throw error; // a crash, or a failed invariant (expect throws)
    checkRejection(error.issues);
    return { kind: "rejected" };
  }
}

describe("config fuzz property (seeded; the config → plan → gateway → policy path in-process)", () => {
  it(`${CASES} mutated stack files: no crash, rejections name a path, accepted plans keep the invariants, policies are well-formed`, async () => {
    const counts = { rejected: 0, acceptedFleetOnly: 0, acceptedWithGateway: 0 };
    const mutationKinds = new Map<string, number>();
    const fullRuns: Array<Record<string, unknown>> = [];
    const started = Date.now();
    fc.assert(
      fc.property(fuzzCaseArb, (c) => {
        for (const m of c.mutations) mutationKinds.set(m, (mutationKinds.get(m) ?? 0) + 1);
        const outcome = runCase(c);
        if (outcome.kind === "rejected") counts.rejected++;
        else if (outcome.gateway) {
          counts.acceptedWithGateway++;
          if (fullRuns.length < FULL_PROGRAM_RUNS && c.mutations.some((m) => m !== "none" && m !== "text-none")) fullRuns.push(outcome.config);
        } else counts.acceptedFleetOnly++;
      }),
      { numRuns: CASES, seed: SEED, endOnFailure: true },
    );
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    console.log(
      `config fuzz: ${CASES} cases (seed ${SEED}) in ${seconds} s — ${counts.rejected} rejected with a path, ${counts.acceptedWithGateway} accepted with a gateway, ${counts.acceptedFleetOnly} accepted fleet-only; 0 crashes; mutations: ${[...mutationKinds].map(([k, n]) => `${k} ${n}`).join(", ")}`,
    );
    // The generator must exercise both outcomes, or the property proves little.
    expect(counts.rejected).toBeGreaterThan(CASES / 10);
    expect(counts.acceptedWithGateway).toBeGreaterThan(CASES / 20);

    // The expensive path (the real stacks/index.ts under Pulumi mocks) for a bounded subset of accepted, mutated configs.
    for (const config of fullRuns) {
      const plan = await runOfflinePlan("fuzz", { config, today: TODAY });
      expectSingleChainPerAccount(plan);
      const urns = plan.resources.map((r) => r.urn.toLowerCase());
      expect(new Set(urns).size).toBe(urns.length);
    }
    console.log(`config fuzz: ${fullRuns.length} accepted mutated configs also ran through the full Pulumi mock program`);
  });
});

describe("the nastiest stack files, through npm run plan (exit 2, a path, nothing written, nothing polluted)", () => {
  const fleetBlock = "  aoai-fleet:fleet:\n    name: contoso-ai\n    regions: { eastus2: {} }\n    deployments:\n";
  const files: Record<string, string> = {
    "100k-deep nesting": `config:\n  aoai-fleet:fleet: ${"[".repeat(100_000)}${"]".repeat(100_000)}\n`,
    "alias bomb": ["config:", '  a: &a ["x","x","x","x","x","x","x","x","x"]', "  b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]", "  c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]", "  aoai-fleet:fleet: [*c,*c,*c,*c,*c,*c,*c,*c,*c]", ""].join("\n"),
    "!!js/function": `config:\n${fleetBlock}      chat: { model: gpt-4o, version: !!js/function "function () { process.exit(9) }", sku: GlobalStandard, capacity: 1, upgrade: NoAutoUpgrade }\n`,
    "NUL, ESC and RTL in a key": `config:\n${fleetBlock}      "c\\0h\\e[31ma\\u202et": { model: gpt-4o, version: "2024-11-20", sku: GlobalStandard, capacity: 1, upgrade: NoAutoUpgrade }\n`,
    "__proto__ keys": `config:\n${fleetBlock}      __proto__: { polluted: true }\n      chat: { model: gpt-4o, version: "2024-11-20", sku: GlobalStandard, capacity: 1, upgrade: NoAutoUpgrade, __proto__: { polluted: true } }\n`,
  };
  it.each(Object.keys(files).map((k) => [k]))("%s", async (name) => {
    const dir = mkdtempSync(join(tmpdir(), "aoai-nasty-"));
    writeFileSync(join(dir, "Pulumi.nasty.yaml"), files[name]!);
    let stderr = "";
    vi.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => ((stderr += String(chunk)), true));
    vi.spyOn(process.stdout, "write").mockImplementation(() => true);
    const code = await main(["plan", "nasty", "--config", join(dir, "Pulumi.nasty.yaml"), "--out", join(dir, "out"), "--today", "2026-11-23"]);
    vi.restoreAllMocks();
    process.exitCode = undefined;
    expect(code, stderr).toBe(2);
    expect(stderr).toMatch(/^Invalid stack config \(\d+ problems?\):\n {2}- (aoai-fleet:fleet|Pulumi\.nasty\.yaml)/);
    expect(stderr).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u202e]/);
    expect(stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(join(dir, "out")) ? readdirSync(join(dir, "out")) : []).toEqual([]);
    expect(({} as { polluted?: boolean }).polluted).toBeUndefined();
  });
});
