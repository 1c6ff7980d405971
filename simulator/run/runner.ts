// The discrete-event run: Poisson arrivals following the scenario's load curve, each request sent
// through the gateway handler on a virtual clock, every outcome recorded exactly once.
import type { SimulatedDeployment } from "../azure/deployment";
import { CHARS_PER_TOKEN } from "../azure/tokens";
import type { VirtualClock } from "../clock";
import type { GatewayHandler, RequestTrace } from "../gateway-types";
import { isChunked, type SimRequest } from "../http-types";
import type { Rng } from "../rng";
import { rateAt } from "../scenario/load";
import type { Scenario } from "../scenario/schema";

export interface RequestRecord {
  id: number;
  atMs: number;
  caller: string;
  status: number;
  /** Arrival to the last byte of the answer (for a stream: its last chunk). */
  latencyMs: number;
  /** Arrival to the first chunk of the answer's body (time to first token); the whole latency when unstreamed. */
  ttftMs: number;
  /** Arrival to the last chunk (time to last token); equals latencyMs. */
  ttltMs: number;
  /** The answer was streamed (text/event-stream chunks). */
  streamed: boolean;
  /** Latency the gateway added on top of the answer it returned (failed attempts, waits). */
  addedMs: number;
  /** Tokens the deployment charged for this request (prompt estimate + max_tokens). */
  chargedTokens: number;
  trace: RequestTrace;
}

export interface RunRecord {
  scenario: Scenario;
  /** Sum of the route's backends' token limits, tokens per minute. */
  capacityTpm: number;
  requests: RequestRecord[];
  deployments: SimulatedDeployment[];
  /** Requests that never got an answer (must be zero). */
  unanswered: number;
  /** Requests answered more than once (must be zero). */
  duplicated: number;
  wallMs: number;
  events: number;
}

export interface RunInput {
  scenario: Scenario;
  route: string;
  clock: VirtualClock;
  rng: Rng;
  handler: GatewayHandler;
  deployments: SimulatedDeployment[];
  capacityTpm: number;
}

export function requestFor(s: Scenario, route: string): SimRequest {
  const r = s.request;
  const text = "x".repeat(r.promptTokens * CHARS_PER_TOKEN);
  const body =
    r.operation === "embeddings"
      ? { input: text }
      : { messages: [{ role: "user", content: text }], max_tokens: r.maxTokens, ...(r.stream ? { stream: true, stream_options: { include_usage: true } } : {}) };
  const op = r.operation === "embeddings" ? "embeddings" : "chat/completions";
  return {
    method: "POST",
    path: `/openai/deployments/${encodeURIComponent(route)}/${op}`,
    query: { "api-version": r.apiVersion },
    headers: { "content-type": "application/json", ...lower(r.headers) },
    body: JSON.stringify(body),
  };
}

function lower(h: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(h).map(([k, v]) => [k.toLowerCase(), v]));
}

export async function runScenario(input: RunInput): Promise<RunRecord> {
  const { scenario: s, clock, handler } = input;
  const started = performance.now();
  const arrivals = input.rng.fork("arrivals");
  const callers = input.rng.fork("callers");
  const charged = s.request.promptTokens + (s.request.operation === "embeddings" ? 0 : s.request.maxTokens);
  const capacityRps = input.capacityTpm / charged / 60;
  const records: RequestRecord[] = [];
  const answered = new Map<number, number>();
  let nextId = 0;

  const arrive = (): void => {
    const t = clock.now();
    if (t >= s.duration) return;
    const id = nextId++;
    const caller = `caller-${callers.int(1, s.callers.count)}`;
    answered.set(id, 0);
    void handler({ request: requestFor(s, input.route), caller: { subscriptionId: caller, userId: `oid-${caller}`, ip: "10.0.0.1" } }).then(
      async ({ response, trace }) => {
        answered.set(id, (answered.get(id) ?? 0) + 1);
        const headersMs = clock.now() - t;
        const last = trace.attempts[trace.attempts.length - 1];
        const served = last && last.status === response.status && !trace.gatewayGenerated ? last.endMs - last.startMs : 0;
        // A streamed answer is read to its end on the clock: first and last chunk times are the
        // client's time to first and to last token.
        let ttft = headersMs;
        let ttlt = headersMs;
        if (isChunked(response.body)) {
          let first: number | undefined;
          for await (const chunk of response.body) {
            if (chunk === "") continue;
            first ??= clock.now() - t;
            ttlt = clock.now() - t;
          }
          ttft = first ?? ttlt;
        }
        records.push({ id, atMs: t, caller, status: response.status, latencyMs: ttlt, ttftMs: ttft, ttltMs: ttlt, streamed: isChunked(response.body), addedMs: Math.max(0, headersMs - served), chargedTokens: charged, trace });
      },
      (error: unknown) => {
        // The handler contract is "always a response"; a rejection is recorded as a lost request.
        answered.set(id, (answered.get(id) ?? 0) - 1000);
        const elapsed = clock.now() - t;
        records.push({ id, atMs: t, caller, status: 0, latencyMs: elapsed, ttftMs: elapsed, ttltMs: elapsed, streamed: false, addedMs: 0, chargedTokens: charged, trace: { requestId: "", attempts: [], forwards: 0, sent: [], gatewayGenerated: true, oneWay: [], variables: { error: String(error) } } });
      },
    );
    scheduleNext();
  };
  const scheduleNext = (): void => {
    // Thinning-free approximation: the next gap is drawn at the current rate (the curve is smooth
    // at the scale of one inter-arrival time); at rate 0 the generator looks again 1 s later.
    const rate = rateAt(s, clock.now(), capacityRps);
    const gap = rate > 0 ? arrivals.exponential(1000 / rate) : 1000;
    clock.schedule(clock.now() + gap, arrive);
  };
  scheduleNext();
  await clock.run();

  let unanswered = 0;
  let duplicated = 0;
  for (const n of answered.values()) {
    if (n <= 0) unanswered++;
    if (n > 1) duplicated++;
  }
  records.sort((a, b) => a.id - b.id);
  return { scenario: s, capacityTpm: input.capacityTpm, requests: records, deployments: input.deployments, unanswered, duplicated, wallMs: performance.now() - started, events: clock.eventsFired };
}
