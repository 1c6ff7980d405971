// The discrete-event run: Poisson arrivals following the scenario's load curve, each logical request
// sent through the gateway handler on a virtual clock — and, when the scenario's clients retry like
// the openai SDKs, sent again after the SDK's wait — every outcome recorded exactly once.
import type { SimulatedDeployment } from "../azure/deployment";
import { CHARS_PER_TOKEN } from "../azure/tokens";
import { sdkRetryDelayMs, sdkShouldRetry, type AttemptOutcome } from "../client/sdk-retry";
import type { VirtualClock } from "../clock";
import type { GatewayHandler, RequestTrace } from "../gateway-types";
import { isChunked, type SimRequest, type SimResponse } from "../http-types";
import type { Rng } from "../rng";
import { rateAt } from "../scenario/load";
import type { Scenario } from "../scenario/schema";
import type { RequestSize, SizeModel } from "../scenario/sizes";
import type { WorldBackend } from "../world";

export interface RequestRecord {
  id: number;
  atMs: number;
  caller: string;
  /** Final status the client saw (after its own retries). */
  status: number;
  /** End to end: arrival to the last byte of the final answer (for a stream: its last chunk), client waits and retries included. */
  latencyMs: number;
  /** Arrival to the first chunk of the final answer's body (time to first token); the whole latency when unstreamed. */
  ttftMs: number;
  /** Arrival to the last chunk (time to last token); equals latencyMs. */
  ttltMs: number;
  /** The final answer was streamed (text/event-stream chunks). */
  streamed: boolean;
  /** Latency on top of the answer that was served (failed attempts, gateway and client waits). */
  addedMs: number;
  /** Tokens the deployment charged on arrival for one attempt (prompt estimate + max_tokens). */
  chargedTokens: number;
  size: RequestSize;
  /** `usage` of the successful answer (billed tokens). */
  usage?: { promptTokens: number; completionTokens: number };
  /** Gateway calls the client made (1 + its retries). */
  clientCalls: number;
  /** Trace of the final gateway call. */
  trace: RequestTrace;
  /** Traces of the earlier calls (client retries), oldest first. */
  earlierTraces: RequestTrace[];
}

export interface RunRecord {
  scenario: Scenario;
  /** Sum of the route's backends' token limits, tokens per minute. */
  capacityTpm: number;
  requests: RequestRecord[];
  deployments: SimulatedDeployment[];
  /** The route's backends, and the standard deployments its PTUs spill over to (model, SKU, capacity), for the cost model. */
  backends: WorldBackend[];
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
  backends: WorldBackend[];
  capacityTpm: number;
  sizes: SizeModel;
}

export function requestFor(s: Scenario, route: string, size: RequestSize): SimRequest {
  const text = "x".repeat(size.promptTokens * CHARS_PER_TOKEN);
  const body =
    s.request.operation === "embeddings"
      ? { input: text }
      : { messages: [{ role: "user", content: text }], max_completion_tokens: size.maxTokens, ...(s.request.stream ? { stream: true, stream_options: { include_usage: true } } : {}) };
  const op = s.request.operation === "embeddings" ? "embeddings" : "chat/completions";
  return {
    method: "POST",
    path: `/openai/deployments/${encodeURIComponent(route)}/${op}`,
    query: { "api-version": s.request.apiVersion },
    headers: { "content-type": "application/json", ...lower(s.request.headers) },
    body: JSON.stringify(body),
  };
}

function lower(h: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(h).map(([k, v]) => [k.toLowerCase(), v]));
}

/** `usage` of a streamed chat answer: its usage chunk (sent with `stream_options.include_usage`). */
function usageOfStream(status: number, text: string): RequestRecord["usage"] {
  if (status < 200 || status >= 300) return undefined;
  for (const line of text.split("\n").reverse()) {
    if (!line.startsWith("data: {")) continue;
    try {
      const u = (JSON.parse(line.slice(6)) as { usage?: { prompt_tokens?: number; completion_tokens?: number } | null }).usage;
      if (u) return { promptTokens: u.prompt_tokens ?? 0, completionTokens: u.completion_tokens ?? 0 };
    } catch {
      // Not a JSON chunk.
    }
  }
  return undefined;
}

function usageOf(response: SimResponse): RequestRecord["usage"] {
  if (response.status < 200 || response.status >= 300 || isChunked(response.body)) return undefined;
  try {
    const u = (JSON.parse(response.body) as { usage?: { prompt_tokens?: number; completion_tokens?: number } }).usage;
    return u ? { promptTokens: u.prompt_tokens ?? 0, completionTokens: u.completion_tokens ?? 0 } : undefined;
  } catch {
    return undefined;
  }
}

export async function runScenario(input: RunInput): Promise<RunRecord> {
  const { scenario: s, clock, handler } = input;
  const started = performance.now();
  // Utilisation figures are as of the run's end, not of the gateway's last retry after it.
  for (const d of input.deployments) d.markRunEnd(s.duration);
  const arrivals = input.rng.fork("arrivals");
  const callers = input.rng.fork("callers");
  const sizes = input.rng.fork("sizes");
  const jitter = input.rng.fork("client-retries");
  const capacityRps = input.capacityTpm / input.sizes.meanCharged(s.request.operation, input.rng.fork("size-mean")) / 60;
  const client = s.client;
  const records: RequestRecord[] = [];
  // Sizes repeat (fixed and mix): build each distinct request once; the emulator never mutates it.
  const requests = new Map<string, SimRequest>();
  const requestOf = (size: RequestSize): SimRequest => {
    const key = `${size.promptTokens}/${size.maxTokens}`;
    let r = requests.get(key);
    if (!r) requests.set(key, (r = requestFor(s, input.route, size)));
    return r;
  };
  const answered = new Map<number, number>();
  let nextId = 0;

  /** One logical request: a gateway call, then the SDK's retries while it would retry. */
  const serve = async (id: number, caller: string, size: RequestSize): Promise<void> => {
    const t = clock.now();
    const request = requestOf(size);
    const identity = { subscriptionId: caller, userId: `oid-${caller}`, ip: "10.0.0.1" };
    const charged = size.promptTokens + (s.request.operation === "embeddings" ? 0 : size.maxTokens);
    const earlier: RequestTrace[] = [];
    let retriesMade = 0;
    const timeoutMs = client.timeoutSeconds * 1000;
    const sdk = client.retries === "none" ? undefined : client.retries;
    for (;;) {
      // An SDK gives up on an attempt after its timeout (APIConnectionTimeoutError) and may retry;
      // the gateway keeps working on the abandoned attempt, whose answer nobody reads.
      const call = handler({ request, caller: identity });
      const raced = sdk === undefined ? await call : await Promise.race([call, clock.sleep(timeoutMs).then(() => "timeout" as const)]);
      if (raced === "timeout" && sdk !== undefined) {
        if (retriesMade < client.maxRetries) {
          await clock.sleep(sdkRetryDelayMs(sdk, { transport: "timeout" }, retriesMade, jitter));
          retriesMade++;
          continue;
        }
        answered.set(id, (answered.get(id) ?? 0) + 1);
        const elapsed = clock.now() - t;
        records.push({ id, atMs: t, caller, status: 0, latencyMs: elapsed, ttftMs: elapsed, ttltMs: elapsed, streamed: false, addedMs: elapsed, chargedTokens: charged, size, clientCalls: retriesMade + 1, trace: { requestId: "", attempts: [], forwards: 0, sent: [], gatewayGenerated: false, oneWay: [], logs: [], variables: { clientTimeout: String(timeoutMs) } }, earlierTraces: earlier });
        return;
      }
      if (raced === "timeout") throw new Error("unreachable: a timeout without an SDK");
      const { response, trace } = raced;
      const outcome: AttemptOutcome = { status: response.status, headers: response.headers };
      const failed = response.status === 408 || response.status === 409 || response.status === 429 || response.status >= 500;
      if (failed && sdk !== undefined && retriesMade < client.maxRetries && sdkShouldRetry(sdk, outcome)) {
        earlier.push(trace);
        await clock.sleep(sdkRetryDelayMs(sdk, outcome, retriesMade, jitter));
        retriesMade++;
        continue;
      }
      answered.set(id, (answered.get(id) ?? 0) + 1);
      const headersMs = clock.now() - t;
      const last = trace.attempts[trace.attempts.length - 1];
      const served = last && last.status === response.status && !trace.gatewayGenerated ? last.endMs - last.startMs : 0;
      // A streamed answer is read to its end on the clock: first and last chunk times are the
      // client's time to first and to last token; its usage comes from its last data chunks.
      let ttft = headersMs;
      let ttlt = headersMs;
      let text: string | undefined;
      const streamed = isChunked(response.body);
      if (isChunked(response.body)) {
        let first: number | undefined;
        const parts: string[] = [];
        for await (const chunk of response.body) {
          if (chunk === "") continue;
          parts.push(chunk);
          first ??= clock.now() - t;
          ttlt = clock.now() - t;
        }
        ttft = first ?? ttlt;
        text = parts.join("");
      }
      const usage = streamed ? usageOfStream(response.status, text ?? "") : usageOf(response);
      records.push({
        id, atMs: t, caller, status: response.status, latencyMs: ttlt, ttftMs: ttft, ttltMs: ttlt, streamed,
        // The served attempt's duration ends with its headers; waits before it are what the gateway and client added.
        addedMs: Math.max(0, headersMs - served),
        chargedTokens: charged, size, ...(usage ? { usage } : {}), clientCalls: retriesMade + 1, trace, earlierTraces: earlier,
      });
      return;
    }
  };

  const arrive = (): void => {
    const t = clock.now();
    if (t >= s.duration) return;
    const id = nextId++;
    const caller = `caller-${callers.int(1, s.callers.count)}`;
    const size = input.sizes.draw(sizes);
    answered.set(id, 0);
    serve(id, caller, size).catch((error: unknown) => {
      // The handler contract is "always a response"; a rejection is recorded as a lost request.
      answered.set(id, (answered.get(id) ?? 0) - 1000);
      const charged = size.promptTokens + size.maxTokens;
      const elapsed = clock.now() - t;
      records.push({ id, atMs: t, caller, status: 0, latencyMs: elapsed, ttftMs: elapsed, ttltMs: elapsed, streamed: false, addedMs: 0, chargedTokens: charged, size, clientCalls: 1, trace: { requestId: "", attempts: [], forwards: 0, sent: [], gatewayGenerated: true, oneWay: [], logs: [], variables: { error: String(error) } }, earlierTraces: [] });
    });
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
  return { scenario: s, capacityTpm: input.capacityTpm, requests: records, deployments: input.deployments, backends: input.backends, unanswered, duplicated, wallMs: performance.now() - started, events: clock.eventsFired };
}
