// A valid scenario file can still name things the stack does not have: a route, a fault's region or
// deployment, a latency override's region. Those would run and silently do nothing (a fault that
// never fires reads as a 0-ms failover), so they are refused with the file's error format.
import type { SimSetup } from "../stack";
import { ScenarioError } from "./load";
import type { Scenario } from "./schema";

/** Azure region names: lower-case letters and digits (`eastus2`, `swedencentral`). */
const REGION_NAME = /^[a-z][a-z0-9]*$/;

const listOf = (values: Iterable<string>): string => [...new Set(values)].sort().join(", ");

/** Why `route` names no route of `setup` (undefined when it names one). */
export function unknownRouteMessage(setup: SimSetup, route: string | undefined): string | undefined {
  if (route !== undefined && Object.hasOwn(setup.routes, route)) return undefined;
  return `"${route ?? ""}" is not a route of this gateway; routes: ${Object.keys(setup.routes).join(", ") || "(none)"}`;
}

/** Every problem of `scenario` against `setup`, as `<source>: <path>: <message>` lines. */
export function scenarioProblems(scenario: Scenario, setup: SimSetup, source: string): string[] {
  const regions = new Set(setup.backends.map((b) => b.region));
  const deployments = new Set(setup.backends.map((b) => b.deployment));
  const problems: string[] = [];
  const add = (path: string, message: string) => problems.push(`${source}: ${path}: ${message}`);
  const route = scenario.route === undefined ? undefined : unknownRouteMessage(setup, scenario.route);
  if (route !== undefined) add("route", route);
  const routeName = scenario.route ?? Object.keys(setup.routes)[0];
  const served = routeName === undefined ? undefined : setup.routes[routeName];
  // A call of the other kind is answered 400 OperationNotSupported every time: the run would report
  // no 429 and no 5xx while serving nothing.
  if (served !== undefined && (served.embeddings === true) !== (scenario.request.operation === "embeddings")) {
    const kind = (embeddings: boolean) => (embeddings ? "embeddings" : "chat");
    const others = Object.entries(setup.routes).filter(([, r]) => (r.embeddings === true) === (scenario.request.operation === "embeddings")).map(([name]) => name);
    add(
      "request.operation",
      `"${scenario.request.operation}" does not suit route "${routeName}"${scenario.route === undefined ? " (the first route: the scenario names none)" : ""}, which serves ${kind(served.embeddings === true)} only, so every request would be answered 400 OperationNotSupported; set request.operation: ${kind(served.embeddings === true)}${others.length > 0 ? `, or route: one of ${others.join(", ")}` : ""}`,
    );
  }
  scenario.faults.forEach((fault, i) => {
    if (fault.region !== undefined && !regions.has(fault.region)) add(`faults.${i}.region`, `"${fault.region}" has no deployment of this stack, so the fault would never fire; regions: ${listOf(regions)}`);
    if (fault.deployment !== undefined && !deployments.has(fault.deployment)) add(`faults.${i}.deployment`, `"${fault.deployment}" is not a deployment of this stack, so the fault would never fire; deployments: ${listOf(deployments)}`);
  });
  for (const region of Object.keys(scenario.latency.regions ?? {})) {
    if (!regions.has(region)) add(`latency.regions.${region}`, `no deployment of this stack is in "${region}", so the override would change nothing; regions: ${listOf(regions)}`);
  }
  const gateway = scenario.latency.gatewayRegion;
  if (gateway !== undefined && !REGION_NAME.test(gateway)) add("latency.gatewayRegion", `"${gateway}" is not an Azure region name (lower-case letters and digits, e.g. ${listOf(regions)})`);
  return problems;
}

/** Throws a ScenarioError listing every problem of `scenario` against `setup`. */
export function checkScenarioForSetup(scenario: Scenario, setup: SimSetup, source: string): void {
  const problems = scenarioProblems(scenario, setup, source);
  if (problems.length > 0) throw new ScenarioError(`Invalid scenario for this stack:\n  ${problems.join("\n  ")}`);
}
