// One simulation: a setup (policy XML, backends, pools, breaker) and a scenario → a run record and
// its summary. Everything runs on a fresh virtual clock and seeded randomness.
import { VirtualClock } from "../clock";
import { PolicyEmulator } from "../emulator/emulator";
import { INFERENCE_OPERATIONS } from "../../gateway-policy/operations";
import { Rng } from "../rng";
import { faultWindows } from "../scenario/load";
import type { Scenario } from "../scenario/schema";
import { SizeModel } from "../scenario/sizes";
import type { SimSetup } from "../stack";
import { buildWorld, type WorldBackend } from "../world";
import { summarize, type RunSummary } from "./metrics";
import { runScenario, type RunRecord } from "./runner";
import { ScenarioError } from "../scenario/load";
import { unknownRouteMessage } from "../scenario/bind";

export interface Simulation {
  run: RunRecord;
  summary: RunSummary;
  emulator: PolicyEmulator;
}

export function routeOf(setup: SimSetup, scenario: Scenario): string {
  const route = scenario.route ?? Object.keys(setup.routes)[0];
  const problem = unknownRouteMessage(setup, route);
  if (route === undefined || problem !== undefined) throw new ScenarioError(`Scenario "${scenario.name}": route ${problem}.`);
  return route;
}

/** Service time when a scenario says nothing (time to first token, per output token, spread, 429 time). */
export const DEFAULT_SERVICE_LATENCY = { baseMs: 350, perOutputTokenMs: 12, sigma: 0.3, rejectMs: 3 };

export async function simulate(setup: SimSetup, scenario: Scenario, options: { seed?: number } = {}): Promise<Simulation> {
  const route = routeOf(setup, scenario);
  const clock = new VirtualClock();
  const rng = new Rng(options.seed ?? scenario.seed);
  const { gatewayRegion, regions, ...service } = scenario.latency;
  const latency = { ...DEFAULT_SERVICE_LATENCY, ...service };
  const sizes = new SizeModel(scenario.request.size);
  const region = gatewayRegion ?? setup.backends[0]?.region ?? "local";
  const world = buildWorld({
    backends: setup.backends,
    pools: setup.pools,
    ...(setup.breaker ? { breaker: setup.breaker } : {}),
    clock,
    rng: rng.fork("world"),
    faults: faultWindows(scenario),
    latency,
    completionFor: (shape) => sizes.completionFor(shape),
    gatewayRegion: region,
    ...(regions ? { regions } : {}),
    ...(setup.weightedChoice ? { weightedChoice: setup.weightedChoice } : {}),
  });
  const emulator = new PolicyEmulator({
    policyXml: setup.policyXml,
    siblingApis: setup.siblingApis,
    backends: world.registry,
    upstreams: world.directory,
    namedValues: setup.namedValues,
    clock,
    rng: rng.fork("gateway"),
    apiPath: "openai",
    region,
    operations: INFERENCE_OPERATIONS,
  });
  const ids = new Set(setup.routes[route]!.backendIds);
  const routeBackends = setup.backends.filter((b) => ids.has(b.backendId));
  const capacityTpm = routeBackends.reduce((s, b) => s + b.tpm, 0);
  // The standard deployments the route's PTUs spill over to serve some of its requests: the cost
  // model bills them and the report shows them, but they are not the route's capacity.
  const runBackends = [...routeBackends, ...spilloverTargetsOf(setup.backends, routeBackends)];
  const routeDeployments = world.deployments.filter((d) => runBackends.some((b) => b.deployment === d.spec.deployment && b.region === d.spec.region));
  const run = await runScenario({
    scenario,
    route,
    clock,
    rng: rng.fork("load"),
    handler: (call) => emulator.handle({ ...call, request: { ...call.request, headers: { ...call.request.headers, ...setup.callerHeaders(call.caller) } } }),
    deployments: routeDeployments,
    backends: runBackends,
    capacityTpm,
    sizes,
  });
  return { run, summary: summarize(run, setup.routes[route]!.sides), emulator };
}

/** One backend per deployment × region the members' spillover names that no member already is. */
export function spilloverTargetsOf(all: readonly WorldBackend[], members: readonly WorldBackend[]): WorldBackend[] {
  const seen = new Set(members.map((b) => `${b.deployment}@${b.region}`));
  const out: WorldBackend[] = [];
  for (const m of members) {
    if (m.spillover === undefined || seen.has(`${m.spillover}@${m.region}`)) continue;
    const named = all.filter((b) => b.deployment === m.spillover && b.region === m.region);
    const target = named.find((b) => b.family !== "account") ?? named[0];
    // buildWorld has refused a spillover to a deployment its account does not have.
    if (!target) throw new Error(`simulator: ${m.deployment} in ${m.region} spills over to ${m.spillover}, which the setup does not have there`);
    seen.add(`${m.spillover}@${m.region}`);
    out.push(target);
  }
  return out;
}
