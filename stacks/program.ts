/**
 * The stack program: read `aoai-fleet:fleet` → validate against the schema and the model catalog →
 * plan → AoaiFleet component → stack outputs. `stacks/index.ts` is the Pulumi entry; the offline
 * plan runner (cli/plan) runs this same program under Pulumi mocks.
 */
import * as pulumi from "@pulumi/pulumi";
import { AoaiFleet } from "../components/fleet";
import { loadCatalog } from "../core/catalog/catalog";
import { planFromRawConfig } from "../core/plan";
import { calendarDate } from "../core/plan/dates";
import type { Backend, QuotaUse } from "../core/plan/types";
import { configIssuesOf, formatIssues, type ConfigIssue } from "./config/errors";
import type { GatewayConfig } from "./config/gateway";
import { unknownProjectKeyIssues } from "./config/namespace";
import { createGateway, gatewayFleetWarnings, gatewaySchemaIssues, readRawGatewayConfig, validateGatewayConfig, type GatewayStackOutputs } from "./gateway";
import { gatewayNetworkInput, networkOf } from "../core/plan/network";
import { createFleetNetwork, gatewayNetworkArgs } from "./network";

/** Set by the offline plan runner, which prints warnings itself (so they are not printed twice). */
export const OFFLINE_ENV = "AOAI_FLEET_OFFLINE_PLAN";

/** Environment variable that pins "today" for retirement checks (YYYY-MM-DD); tests and CI use it. */
export const TODAY_ENV = "AOAI_FLEET_TODAY";

export function todayFromEnvironment(env: NodeJS.ProcessEnv = process.env): Date {
  const pinned = env[TODAY_ENV];
  if (pinned === undefined || pinned === "") return new Date();
  const date = calendarDate(pinned);
  if (date === undefined) throw new pulumi.RunError(`${TODAY_ENV}="${pinned}" is not a YYYY-MM-DD date; unset it to use today's date`);
  return date;
}

/** Stack outputs. */
export interface FleetStackOutputs {
  resourceGroupName: pulumi.Output<string>;
  /** Backend inventory for the gateway: every deployment × region. */
  backends: pulumi.Output<Backend[]>;
  quota: readonly QuotaUse[];
  warnings: readonly ConfigIssue[];
  /** The AI gateway, when `aoai-fleet:gateway` is set. */
  gateway?: GatewayStackOutputs;
}

export async function fleetProgram(options: { today: Date }): Promise<FleetStackOutputs> {
  const config = new pulumi.Config("aoai-fleet");
  // A misspelt `aoai-fleet:` key is reported with every other problem (see config/namespace.ts).
  const namespaceIssues = unknownProjectKeyIssues(Object.keys(pulumi.runtime.allConfig()));
  let raw: unknown;
  try {
    raw = config.getObject<unknown>("fleet");
  } catch (error) {
    throw configRunError([{ path: "aoai-fleet:fleet", message: `is not valid structured config (${error instanceof Error ? error.message : String(error)})` }]);
  }
  let plan;
  try {
    plan = planFromRawConfig(raw, { catalog: loadCatalog(), today: options.today });
  } catch (error) {
    const issues = configIssuesOf(error);
    // The gateway's checks against the fleet need its plan; its own schema does not, so list those too.
    if (issues) throw configRunError([...namespaceIssues, ...issues, ...gatewaySchemaIssues(config)]);
    throw error;
  }
  // Gateway and network problems are collected together: one run lists every problem.
  const problems: ConfigIssue[] = [...namespaceIssues];
  let rawGateway: unknown;
  let gateway: GatewayConfig | undefined;
  try {
    rawGateway = readRawGatewayConfig(config);
    gateway = rawGateway === undefined ? undefined : validateGatewayConfig(rawGateway, plan);
  } catch (error) {
    const issues = configIssuesOf(error);
    if (!issues) throw error;
    problems.push(...issues);
  }
  const network = networkOf(plan, gatewayNetworkInput(gateway, rawGateway));
  problems.push(...network.errors);
  if (problems.length > 0) throw configRunError(problems);
  const warnings = [...plan.warnings, ...network.warnings, ...(gateway ? gatewayFleetWarnings(gateway, plan) : [])];
  const logWarnings = process.env[OFFLINE_ENV] !== "1";
  if (logWarnings) {
    for (const warning of warnings) pulumi.log.warn(`${warning.path}: ${warning.message}`);
  }
  const fleet = new AoaiFleet(plan.name, { plan });
  const fleetNetwork = network.plan ? createFleetNetwork(network.plan, plan, fleet) : undefined;
  const gatewayOutputs = gateway ? { gateway: createGateway(gateway, plan, fleet, gatewayNetworkArgs(network.plan, fleetNetwork), { logWarnings }) } : {};
  return { resourceGroupName: fleet.resourceGroupName, backends: fleet.backends, quota: plan.quota, warnings, ...gatewayOutputs };
}

/** A RunError (Pulumi prints it without a stack trace) that still carries the issues for tools. */
function configRunError(issues: readonly ConfigIssue[]): pulumi.RunError {
  return Object.assign(new pulumi.RunError(formatIssues(issues)), { issues });
}
