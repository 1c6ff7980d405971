import { createHash } from "node:crypto";
import type { GatewayRoute } from "../../stacks/config/gateway";
import { VirtualClock } from "../../simulator/clock";
import { DEFAULT_LATENCY, SimulatedDeployment } from "../../simulator/azure/deployment";
import type { FaultWindow } from "../../simulator/azure/faults";
import { TransportError, type SimResponse } from "../../simulator/http-types";
import { Rng } from "../../simulator/rng";
import type { RequestRecord } from "./records";
import type { RolloutSimScenario } from "./simScenario";
import { routeRequest } from "./simRouter";
import type { MetricQuery, MetricSource } from "./source";

/** Per 1 capacity unit, as for gpt-4o GlobalStandard: 1,000 tokens and 6 requests per minute. */
const TPM_PER_UNIT = 1000;
const RPM_PER_UNIT = 6;
const API_VERSION = "2024-10-21";
const REQUEST_TIMEOUT_MS = 120_000;

/** Options for one simulated traffic window. */
export interface SimWindowOptions {
  /** Force every request to this blue-green slot (smoke test through the test header). */
  forceSlot?: "blue" | "green";
  /** Send exactly this many requests instead of `requestsPerSecond × windowSeconds`. */
  requests?: number;
}

/**
 * Offline metric source: simulated Azure OpenAI deployments (`simulator/azure`) on a virtual clock,
 * fed by Poisson traffic routed by the route's current rollout config. Each `fetch` simulates the
 * next window of time, so a `canary run` sees fresh traffic at every step; one seed gives one run.
 */
export class SimulatorMetricSource implements MetricSource {
  readonly description: string;
  private readonly clock = new VirtualClock();
  private readonly rng: Rng;
  private readonly deployments = new Map<string, SimulatedDeployment>();
  private windowStartMs = 0;
  private windowIndex = 0;
  private requestSeq = 0;

  constructor(
    private readonly scenario: RolloutSimScenario,
    scenarioName: string,
  ) {
    this.description = `simulator (scenario ${scenarioName}, seed ${scenario.seed})`;
    this.rng = new Rng(scenario.seed);
  }

  async fetch(query: MetricQuery): Promise<RequestRecord[]> {
    return this.simulate(query.route, query.routeConfig, query.windowSeconds, {});
  }

  async nextWindow(): Promise<boolean> {
    return true;
  }

  /** Simulates one window of traffic and returns its records (primary and shadow). */
  async simulate(routeName: string, route: GatewayRoute, windowSeconds: number, options: SimWindowOptions): Promise<RequestRecord[]> {
    const rng = this.rng.fork(`window-${this.windowIndex++}`);
    const records: RequestRecord[] = [];
    const start = this.windowStartMs;
    const end = start + windowSeconds * 1000;
    const meanGapMs = 1000 / this.scenario.requestsPerSecond;
    const arrivals: number[] = [];
    if (options.requests !== undefined) {
      for (let i = 0; i < options.requests; i++) arrivals.push(start + (i * (end - start)) / options.requests);
    } else {
      for (let t = start + rng.exponential(meanGapMs); t < end; t += rng.exponential(meanGapMs)) arrivals.push(t);
    }
    for (const at of arrivals) {
      const seq = this.requestSeq++;
      const routed = routeRequest(routeName, route, {
        callerId: `caller-${rng.int(1, this.scenario.callers)}`,
        canaryDraw: rng.float(),
        shadowDraw: rng.float(),
        backendDraw: rng.float(),
        ...(options.forceSlot ? { forceSlot: options.forceSlot } : {}),
      });
      const outcomeDraws = rng.fork(`outcomes-${seq}`);
      const correlationId = `sim-${seq}`;
      const base = { route: routeName, correlationId, ...(routed.experiment ? { experiment: routed.experiment, variant: routed.variant } : {}) };
      this.clock.schedule(at, () => {
        void this.send(routed.deployment, outcomeDraws).then((r) => records.push({ ...base, ...r, role: "primary" }));
        if (routed.shadowDeployment) {
          void this.send(routed.shadowDeployment, outcomeDraws.fork("shadow")).then((r) => records.push({ ...base, ...r, role: "shadow" }));
        }
      });
    }
    await this.clock.run();
    this.windowStartMs = Math.max(end, this.clock.now());
    return records.sort((a, b) => a.timestamp.localeCompare(b.timestamp) || (a.correlationId ?? "").localeCompare(b.correlationId ?? ""));
  }

  private async send(deploymentName: string, draws: Rng): Promise<Omit<RequestRecord, "route">> {
    const deployment = this.deploymentFor(deploymentName);
    const startedAt = this.clock.now();
    const body = JSON.stringify({ messages: [{ role: "user", content: "x".repeat(this.scenario.promptChars) }], max_tokens: this.scenario.maxTokens });
    const request = { method: "POST", path: `/openai/deployments/${deploymentName}/chat/completions`, query: { "api-version": API_VERSION }, headers: {}, body };
    let response: SimResponse | undefined;
    try {
      response = await deployment.send(request, REQUEST_TIMEOUT_MS);
    } catch (error) {
      if (!(error instanceof TransportError)) throw error;
    }
    const finishedAt = this.clock.now();
    const usage = response?.status === 200 ? usageOf(response.body) : undefined;
    const behaviour = this.scenario.deployments[deploymentName];
    const outcomes =
      usage && behaviour && Object.keys(behaviour.outcomes).length > 0
        ? Object.fromEntries(Object.entries(behaviour.outcomes).map(([name, p]) => [name, draws.float() < p ? 1 : 0]))
        : undefined;
    return {
      timestamp: new Date(Date.UTC(2026, 0, 1) + finishedAt).toISOString(),
      deployment: deploymentName,
      status: response?.status ?? 0,
      latencyMs: finishedAt - startedAt,
      promptTokens: usage?.prompt ?? 0,
      completionTokens: usage?.completion ?? 0,
      // The simulator is not a model: two answers "match" when the same model produced the same length.
      ...(usage ? { responseHash: hash(`${usage.model}:${usage.completion}`) } : {}),
      ...(outcomes ? { outcomes } : {}),
    };
  }

  private deploymentFor(name: string): SimulatedDeployment {
    const existing = this.deployments.get(name);
    if (existing) return existing;
    const behaviour = this.scenario.deployments[name];
    const faults: FaultWindow[] = [];
    if (behaviour && behaviour.errorRate > 0) {
      faults.push({ fromMs: 0, toMs: Number.POSITIVE_INFINITY, deployment: name, fault: { kind: "errors", rate: behaviour.errorRate, status: 500 } });
    }
    if (behaviour && behaviour.addLatencyMs > 0) {
      faults.push({ fromMs: 0, toMs: Number.POSITIVE_INFINITY, deployment: name, fault: { kind: "latency", addMs: behaviour.addLatencyMs } });
    }
    const created = new SimulatedDeployment(
      {
        deployment: name,
        region: "sim",
        model: behaviour?.model ?? "gpt-4o",
        capacity: behaviour?.capacityUnits ?? this.scenario.defaultCapacityUnits,
        tpmPerUnit: TPM_PER_UNIT,
        rpmPerUnit: RPM_PER_UNIT,
        latency: { ...DEFAULT_LATENCY, ...(behaviour?.baseLatencyMs !== undefined ? { baseMs: behaviour.baseLatencyMs } : {}) },
        ...(behaviour?.completionTokens !== undefined ? { completionTokens: behaviour.completionTokens } : {}),
      },
      this.clock,
      this.rng.fork(`deployment-${name}`),
      faults,
    );
    this.deployments.set(name, created);
    return created;
  }
}

function usageOf(body: string): { prompt: number; completion: number; model: string } | undefined {
  const parsed = JSON.parse(body) as { model?: string; usage?: { prompt_tokens?: number; completion_tokens?: number } };
  if (!parsed.usage) return undefined;
  return { prompt: parsed.usage.prompt_tokens ?? 0, completion: parsed.usage.completion_tokens ?? 0, model: parsed.model ?? "" };
}

function hash(text: string): string {
  return createHash("sha256").update(text).digest("hex").slice(0, 16);
}
