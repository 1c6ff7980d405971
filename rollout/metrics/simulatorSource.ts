import { createHash } from "node:crypto";
import { basename } from "node:path";
import { NAMES } from "../../gateway-policy/strategies/edge";
import type { GatewayRoute } from "../../stacks/config/gateway";
import { UpstreamDirectory } from "../../simulator/azure/account";
import type { FaultWindow } from "../../simulator/azure/faults";
import { VirtualClock } from "../../simulator/clock";
import { PolicyEmulator } from "../../simulator/emulator/emulator";
import type { GatewayResult } from "../../simulator/gateway-types";
import { TransportError, completeBody, type SimBody, type SimRequest, type SimResponse } from "../../simulator/http-types";
import { Rng } from "../../simulator/rng";
import { loadStackSetup, type SimSetup } from "../../simulator/stack";
import { buildWorld, type World } from "../../simulator/world";
import { armOfTraceMessage, type RequestRecord } from "./records";
import { checkScenarioDeployments, type RolloutSimScenario } from "./simScenario";
import type { MetricQuery, MetricSource } from "./source";
import { RolloutError } from "../errors";
import { readStackText, validatedGateway } from "../stackfile/stackFile";

const API_VERSION = "2024-10-21";
const RUN_EPOCH_MS = Date.UTC(2026, 0, 1);

/** Options for one simulated traffic window. */
export interface SimWindowOptions {
  /** Force every request to this blue-green slot with the policy's test header (smoke tests). */
  forceSlot?: "blue" | "green";
  /** Send exactly this many requests, evenly spaced, instead of Poisson arrivals. */
  requests?: number;
}

/**
 * Offline metric source: the stack's real generated API policy (fleet plan → gateway design →
 * policy XML) run by the project's policy emulator against simulated Azure OpenAI deployments on a
 * virtual clock. The stack file is re-read for every window, so a canary step or slot switch
 * written between windows changes the named values the next window runs with.
 *
 * Records: one `primary` per client request (the answer the client got), one `retried` per backend
 * attempt whose failure the policy hid by retrying, and one `shadow` per copy the policy sent with
 * `send-one-way-request` (its answer captured on the way, the client never waits for it).
 */
export class SimulatorMetricSource implements MetricSource {
  readonly description: string;
  readonly realTime = false;
  private readonly rng: Rng;
  private windowStartMs = 0;
  private windowIndex = 0;
  private requestSeq = 0;

  constructor(
    private readonly scenario: RolloutSimScenario,
    scenarioName: string,
    /** `Pulumi.<stack>.yaml`, re-read for every window. */
    private readonly stackFile: string,
    /** The user's scenario file (not a built-in): its deployment names must be the stack's. */
    private readonly scenarioFile?: string,
  ) {
    this.description = `simulator (policy emulator, scenario ${scenarioName}, seed ${scenario.seed})`;
    this.rng = new Rng(scenario.seed);
  }

  async fetch(query: MetricQuery): Promise<RequestRecord[]> {
    return this.simulate(query.route, query.windowSeconds, {});
  }

  async nextWindow(): Promise<boolean> {
    return true;
  }

  /** Simulates one window of client traffic on `routeName` and returns its records. */
  async simulate(routeName: string, windowSeconds: number, options: SimWindowOptions): Promise<RequestRecord[]> {
    const setup = this.loadSetup();
    if (this.scenarioFile !== undefined) checkScenarioDeployments(this.scenario, this.scenarioFile, this.stackFile, setup.backends.map((b) => b.deployment));
    const route = validatedGateway(readStackText(this.stackFile), this.stackFile).routes[routeName];
    if (!route) throw new RolloutError(`aoai-fleet:gateway.routes.${routeName} does not exist in ${this.stackFile}`, 2);
    const rng = this.rng.fork(`window-${this.windowIndex++}`);
    const clock = new VirtualClock();
    const world = this.buildWorld(setup, clock, rng);
    const shadowAnswers = new Map<string, ShadowAnswer[]>();
    const emulator = new PolicyEmulator({
      policyXml: setup.policyXml,
      siblingApis: setup.siblingApis,
      backends: world.registry,
      upstreams: shadowCapturingDirectory(world, clock, shadowAnswers),
      namedValues: setup.namedValues,
      clock,
      rng: rng.fork("gateway"),
      apiPath: "openai",
      region: setup.backends[0]?.region ?? "eastus2",
    });
    const deploymentOf = new Map(setup.backends.map((b) => [b.backendId, b.deployment]));
    const records: RequestRecord[] = [];
    const base = this.windowStartMs;
    const end = windowSeconds * 1000;
    const arrivals: number[] = [];
    if (options.requests !== undefined) {
      for (let i = 0; i < options.requests; i++) arrivals.push((i * end) / options.requests);
    } else {
      const gap = 1000 / this.scenario.requestsPerSecond;
      for (let t = rng.exponential(gap); t < end; t += rng.exponential(gap)) arrivals.push(t);
    }
    const headers: Record<string, string> = { "content-type": "application/json" };
    // A canary step or slot switch is a named-value change: the next window runs with the new value.
    // Forcing a slot is a steering override: only a caller aoai-fleet:gateway.overrides allows may do it.
    const steering = options.forceSlot ? setup.steeringCaller : undefined;
    if (options.forceSlot && !steering)
      throw new RolloutError(`forcing the ${options.forceSlot} slot uses the ${NAMES.slotHeader} header, which this gateway honours for nobody; allow the smoke-test caller in aoai-fleet:gateway.overrides (subscriptionIds, clientApplicationIds or roles) in ${this.stackFile}`, 2);
    if (options.forceSlot) Object.assign(headers, { [NAMES.slotHeader]: options.forceSlot, [NAMES.canaryHeader]: "stable" });
    const request: SimRequest = {
      method: "POST",
      path: `/openai/deployments/${encodeURIComponent(routeName)}/chat/completions`,
      query: { "api-version": API_VERSION },
      headers,
      body: JSON.stringify({ messages: [{ role: "user", content: "x".repeat(this.scenario.promptChars) }], max_completion_tokens: this.scenario.maxTokens }),
    };
    const callers = rng.fork("callers");
    const outcomeRng = rng.fork("outcomes");
    const stamp = (t: number): string => new Date(RUN_EPOCH_MS + base + t).toISOString();
    const copiesSent: Array<{ key: string; correlationId: string; primary: RequestRecord }> = [];
    const failures: unknown[] = [];
    for (const at of arrivals) {
      const correlationId = `sim-${this.requestSeq++}`;
      const caller = `caller-${callers.int(1, this.scenario.callers)}`;
      clock.schedule(at, () => {
        const identity = steering?.identity ?? { subscriptionId: caller, userId: `oid-${caller}`, ip: "10.0.0.1" };
        // The caller's credentials as the gateway's auth expects them (subscription key or Entra token).
        const credentials = steering?.headers ?? setup.callerHeaders(identity);
        const call = { request: { ...request, headers: { ...request.headers, ...credentials } }, caller: identity };
        void emulator.handle(call).then((result) => {
          const primary: RequestRecord = { ...this.primaryRecord(routeName, route, result, deploymentOf, clock.now() - at, outcomeRng), timestamp: stamp(clock.now()), correlationId, caller };
          records.push(primary);
          for (const attempt of result.trace.attempts.slice(0, -1)) {
            // A hidden retry belongs to the arm its request was assigned to, like the answer.
            records.push({
              timestamp: stamp(attempt.endMs), route: routeName, deployment: deploymentOf.get(attempt.backendId) ?? attempt.backendId, role: "retried",
              ...(primary.arm !== undefined ? { arm: primary.arm } : {}),
              status: attempt.status ?? 0, latencyMs: attempt.endMs - attempt.startMs, promptTokens: 0, completionTokens: 0, correlationId,
            });
          }
          // The copy carries the primary's request id (x-aoai-shadow-of) through the shadow relay to the backend.
          if (result.trace.oneWay.length > 0) copiesSent.push({ key: result.trace.requestId, correlationId, primary });
        }, (error: unknown) => failures.push(error));
      });
    }
    await clock.run();
    // The emulator answers every request; a rejection is a defect in the simulation, never a data point.
    if (failures.length > 0) throw new Error(`the policy emulator failed ${failures.length} request(s): ${String(failures[0])}`);
    // Join each copy the policy sent with the answer the shadow deployment gave it (same path, same instant).
    for (const copy of copiesSent) {
      // The relay may retry on another shadow member: its last answer is the copy's outcome.
      const answer = shadowAnswers.get(copy.key)?.at(-1);
      if (!answer) continue;
      records.push({ ...answer, route: routeName, timestamp: stamp(answer.finishedAt), role: "shadow", correlationId: copy.correlationId, ...(copy.primary.experiment ? { experiment: copy.primary.experiment, variant: copy.primary.variant } : {}) });
    }
    this.windowStartMs = base + Math.max(end, clock.now());
    return records.sort((a, b) => a.timestamp.localeCompare(b.timestamp) || (a.correlationId ?? "").localeCompare(b.correlationId ?? "") || (a.role ?? "").localeCompare(b.role ?? ""));
  }

  private primaryRecord(
    routeName: string,
    route: GatewayRoute,
    result: GatewayResult,
    deploymentOf: ReadonlyMap<string, string>,
    latencyMs: number,
    outcomeRng: Rng,
  ): Omit<RequestRecord, "timestamp" | "correlationId"> {
    const last = result.trace.attempts[result.trace.attempts.length - 1];
    // The split's assignment as the policy logs it (its trace record, what the Azure source reads
    // from TraceRecords): the arm a request is judged in, even when a stable request failed over
    // into the canary deployment (`canary.failover`). Routes without failover log none.
    const arm = result.trace.logs.map((log) => armOfTraceMessage(log.message)).find((a) => a !== undefined);
    const side = result.trace.variables[NAMES.labelVar] ?? "stable";
    const deployment = last && !result.trace.gatewayGenerated ? (deploymentOf.get(last.backendId) ?? last.backendId) : sideDeployment(route, side);
    const variant = result.trace.variables[NAMES.variantVar];
    const usage = result.response.status === 200 ? usageOf(result.response.body) : undefined;
    const behaviour = this.scenario.deployments[deployment];
    const outcomes =
      usage && behaviour && Object.keys(behaviour.outcomes).length > 0
        ? Object.fromEntries(Object.entries(behaviour.outcomes).map(([name, p]) => [name, outcomeRng.float() < p ? 1 : 0]))
        : undefined;
    return {
      route: routeName,
      deployment,
      ...(arm !== undefined ? { arm } : {}),
      role: "primary",
      status: result.response.status,
      latencyMs,
      promptTokens: usage?.prompt ?? 0,
      completionTokens: usage?.completion ?? 0,
      ...(route.abTest && variant ? { experiment: route.abTest.id, variant } : {}),
      ...(usage ? { responseHash: hash(`${usage.model}:${usage.completion}`) } : {}),
      ...(outcomes ? { outcomes } : {}),
    };
  }

  /** The simulator's own stack loader: fleet plan + gateway design, exactly as `plan` and `simulate` use. */
  private loadSetup(): SimSetup {
    const stack = /^Pulumi\.(.+)\.yaml$/.exec(basename(this.stackFile))?.[1];
    if (!stack) throw new RolloutError(`${this.stackFile} is not named Pulumi.<stack>.yaml`, 2);
    try {
      return loadStackSetup(stack, { configFile: this.stackFile });
    } catch (error) {
      throw new RolloutError(`the simulator cannot load ${this.stackFile}:\n${error instanceof Error ? error.message : String(error)}`, 2);
    }
  }

  private buildWorld(setup: SimSetup, clock: VirtualClock, rng: Rng): World {
    const faults: FaultWindow[] = Object.entries(this.scenario.deployments).flatMap(([deployment, b]) => [
      ...(b.errorRate > 0 ? [{ fromMs: 0, toMs: Number.POSITIVE_INFINITY, deployment, fault: { kind: "errors" as const, rate: b.errorRate, status: 500 } }] : []),
      ...(b.addLatencyMs > 0 ? [{ fromMs: 0, toMs: Number.POSITIVE_INFINITY, deployment, fault: { kind: "latency" as const, addMs: b.addLatencyMs } }] : []),
    ]);
    return buildWorld({
      backends: setup.backends.map((backend) => {
        // A scenario may resize a deployment; its token and request limits scale with the capacity.
        const capacity = this.scenario.deployments[backend.deployment]?.capacityUnits;
        if (capacity === undefined) return backend;
        const scale = capacity / Math.max(1, backend.capacity);
        return { ...backend, capacity, tpm: Math.round(backend.tpm * scale), rpm: backend.rpm === null ? null : Math.max(1, Math.round(backend.rpm * scale)) };
      }),
      pools: setup.pools,
      ...(setup.breaker ? { breaker: setup.breaker } : {}),
      clock,
      rng,
      faults,
    });
  }
}

/** The deployment behind a side label when the gateway answered itself (no backend attempt). */
function sideDeployment(route: GatewayRoute, side: string): string {
  if (side === "canary" && route.canary) return route.canary.deployment;
  if ((side === "blue" || side === "green") && route.blueGreen) return route.blueGreen[side];
  if (side.startsWith("ab-") && route.abTest) return route.abTest.variants[side.slice(3)]?.deployment ?? side;
  return route.backends[0]?.deployment ?? side;
}

/** Usage of a complete JSON answer (rollout scenarios send non-streaming requests; a stream has none here). */
function usageOf(full: SimBody): { prompt: number; completion: number; model: string } | undefined {
  const body = completeBody(full);
  if (body === undefined) return undefined;
  const parsed = JSON.parse(body) as { model?: string; usage?: { prompt_tokens?: number; completion_tokens?: number } };
  if (!parsed.usage) return undefined;
  return { prompt: parsed.usage.prompt_tokens ?? 0, completion: parsed.usage.completion_tokens ?? 0, model: parsed.model ?? "" };
}

function hash(text: string): string {
  return createHash("sha256").update(text).digest("hex").slice(0, 16);
}

interface ShadowAnswer {
  deployment: string;
  status: number;
  latencyMs: number;
  promptTokens: number;
  completionTokens: number;
  finishedAt: number;
  responseHash?: string;
}

/**
 * The world's upstreams, wrapped so that copies the policy marks with the shadow header have their
 * answers captured, keyed by that header (the primary's request id, `trace.requestId`). Everything
 * else passes through untouched.
 */
function shadowCapturingDirectory(world: World, clock: VirtualClock, answers: Map<string, ShadowAnswer[]>): UpstreamDirectory {
  const directory = new UpstreamDirectory();
  for (const origin of world.directory.origins()) {
    const inner = world.directory.resolve(new URL(origin));
    if (!inner) continue;
    directory.set(origin, {
      async send(req: SimRequest, timeoutMs: number): Promise<SimResponse> {
        if (req.headers[NAMES.shadowOfHeader] === undefined) return inner.send(req, timeoutMs);
        const sentAt = clock.now();
        const deployment = decodeURIComponent(/^\/openai\/deployments\/([^/]+)\//.exec(req.path)?.[1] ?? "unknown");
        const key = req.headers[NAMES.shadowOfHeader] ?? "";
        const keep = (answer: ShadowAnswer): void => void answers.set(key, [...(answers.get(key) ?? []), answer]);
        try {
          const response = await inner.send(req, timeoutMs);
          const usage = response.status === 200 ? usageOf(response.body) : undefined;
          keep({
            deployment, status: response.status, latencyMs: clock.now() - sentAt, finishedAt: clock.now(),
            promptTokens: usage?.prompt ?? 0, completionTokens: usage?.completion ?? 0,
            ...(usage ? { responseHash: hash(`${usage.model}:${usage.completion}`) } : {}),
          });
          return response;
        } catch (error) {
          if (error instanceof TransportError) keep({ deployment, status: 0, latencyMs: clock.now() - sentAt, finishedAt: clock.now(), promptTokens: 0, completionTokens: 0 });
          throw error;
        }
      },
    });
  }
  return directory;
}
