/**
 * Gateway wiring of the stack program: `aoai-fleet:gateway` (optional) → validated config →
 * `AiGateway` in front of the fleet. `validateGatewayConfig` runs before any resource is declared, so a
 * bad gateway config fails like a bad fleet config: one error, every path, nothing created.
 */
import * as pulumi from "@pulumi/pulumi";
import { AiGateway } from "../components/gateway";
import type { AiGatewayArgs } from "../components/gateway/args";
import { designGateway } from "../components/gateway/design";
import type { AoaiFleet } from "../components/fleet";
import { loadCatalog } from "../core/catalog/catalog";
import { embeddingsDeployments, gatewayDeploymentFacts, plannedInventory, type FleetPlan } from "../core/plan/types";
import { configIssuesOf, FleetConfigError, type ConfigIssue } from "./config/errors";
import { GATEWAY_CONFIG_KEY, parseGatewayConfig, type GatewayConfig } from "./config/gateway";
import { checkGatewayAgainstFleet, mixedReasoningWarnings } from "./config/gateway-fleet-check";
import { apimBackendIdCollisions } from "./config/naming";
import { abBypassedBackendWarnings } from "./config/gateway-route-warnings";

/** Deployment → regions it is planned in. */
export function fleetDeploymentRegions(plan: FleetPlan): Map<string, string[]> {
  const regions = new Map<string, string[]>();
  for (const account of plan.accounts) {
    for (const deployment of account.deployments) regions.set(deployment.name, [...(regions.get(deployment.name) ?? []), account.region]);
  }
  return regions;
}

const fleetFacts = (plan: FleetPlan) => gatewayDeploymentFacts(plannedInventory(plan), loadCatalog());

/** Warnings of a valid gateway config against the fleet (a route mixing reasoning and chat models, backends an A/B test bypasses). */
export function gatewayFleetWarnings(config: GatewayConfig, plan: FleetPlan): ConfigIssue[] {
  return [...mixedReasoningWarnings(config, fleetFacts(plan)), ...abBypassedBackendWarnings(config)];
}

/** Plain inventory entries (no endpoints) of every planned deployment × region, in plan order. */
export function plannedTargets(plan: FleetPlan): Omit<AiGatewayArgs["backends"][number], "endpoint">[] {
  const embeddings = embeddingsDeployments(plannedInventory(plan), loadCatalog());
  return plan.accounts.flatMap((account) =>
    account.deployments.map((deployment) => ({
      deployment: deployment.name,
      region: account.region,
      capacity: deployment.capacity,
      tokensPerMinute: deployment.tpm,
      sku: deployment.sku,
      embeddings: embeddings.has(deployment.name),
    })),
  );
}

/**
 * Validates a raw `aoai-fleet:gateway` value against the schema, the fleet and the policy engine's
 * limits (pool sizes, percents, policy size). Throws `FleetConfigError`; pure.
 */
export function validateGatewayConfig(raw: unknown, plan: FleetPlan): GatewayConfig {
  const config = parseGatewayConfig(raw);
  checkGatewayAgainstFleet(config, fleetDeploymentRegions(plan), fleetFacts(plan));
  // Endpoints do not change what is validated; a placeholder host stands in for them here.
  const design = designGateway(
    config,
    plannedTargets(plan).map((target) => ({ ...target, accountOpenAiUrl: `https://${target.region}-account.invalid/openai` })),
  );
  const collisions = apimBackendIdCollisions(design);
  if (collisions.length > 0) throw new FleetConfigError(collisions);
  return config;
}

/** Reads the raw `aoai-fleet:gateway` value (undefined when the stack has none); throws `FleetConfigError` when it is not structured config. */
export function readRawGatewayConfig(config: pulumi.Config): unknown {
  try {
    return config.getObject<unknown>("gateway");
  } catch (error) {
    throw new FleetConfigError([{ path: GATEWAY_CONFIG_KEY, message: `is not valid structured config (${error instanceof Error ? error.message : String(error)})` }]);
  }
}

/** The raw `aoai-fleet:gateway` value's own schema problems (none when absent or valid), for a run whose fleet failed. */
export function gatewaySchemaIssues(config: pulumi.Config): readonly ConfigIssue[] {
  try {
    const raw = readRawGatewayConfig(config);
    if (raw !== undefined) parseGatewayConfig(raw);
    return [];
  } catch (error) {
    const issues = configIssuesOf(error);
    if (issues) return issues;
    throw error;
  }
}

/** Stack outputs of the gateway. */
export interface GatewayStackOutputs {
  /** Endpoint for the OpenAI SDKs (`azure_endpoint`); they append `/openai/deployments/<route>/...`. */
  gatewayUrl: pulumi.Output<string>;
  /** Route names clients use as their deployment name. */
  routes: string[];
  /** With `auth.subscriptionKeys`: a key for the gateway's product (secret; `pulumi stack output --show-secrets`). */
  subscriptionKey?: pulumi.Output<string>;
  /** With `appInsights`: the Application Insights component (the deploy workflow turns on metric dimensions there). */
  appInsightsId?: pulumi.Output<string>;
  /** With `appInsights.resourceLogs`: the Log Analytics workspace id (GUID) for `rollout --source azure --workspace`. */
  logWorkspaceId?: pulumi.Output<string>;
}

/**
 * Creates the gateway in front of `fleet`, in the fleet's resource group and primary location. With
 * `logWarnings`, the design's warnings go to the engine's log (`pulumi up`/`preview` show them); the
 * offline plan prints them itself.
 */
export function createGateway(config: GatewayConfig, plan: FleetPlan, fleet: AoaiFleet, network?: AiGatewayArgs["network"], options: { logWarnings?: boolean } = {}): GatewayStackOutputs {
  const gateway = new AiGateway(`${plan.name}-gateway`, {
    resourceGroupName: fleet.resourceGroupName,
    location: plan.resourceGroup.location,
    config,
    backends: plannedTargets(plan).map((target) => {
      const account = fleet.accounts[target.region];
      if (!account) throw new Error(`gateway: the fleet has no account in ${target.region}`);
      return { ...target, endpoint: account.endpoint };
    }),
    accounts: plan.accounts.map((planned) => {
      const account = fleet.accounts[planned.region];
      if (!account) throw new Error(`gateway: the fleet has no account in ${planned.region}`);
      return { region: planned.region, accountId: account.accountId };
    }),
    ...(config.serviceName === undefined ? {} : { serviceName: config.serviceName }),
    protect: plan.protect,
    ...(network ? { network } : {}),
    tags: { ...plan.tags },
  });
  if (options.logWarnings) for (const warning of gateway.warnings) void pulumi.log.warn(`${warning.path}: ${warning.message}`, gateway);
  return {
    gatewayUrl: gateway.gatewayUrl,
    routes: Object.keys(config.routes).sort(),
    ...(gateway.subscriptionKey === undefined ? {} : { subscriptionKey: gateway.subscriptionKey }),
    ...(gateway.appInsightsId === undefined ? {} : { appInsightsId: gateway.appInsightsId }),
    ...(gateway.logWorkspaceId === undefined ? {} : { logWorkspaceId: gateway.logWorkspaceId }),
  };
}
