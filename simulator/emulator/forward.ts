// forward-request (with pool selection and circuit-breaker bookkeeping), retry, and
// send-one-way-request. Forwarding errors are APIM runtime errors: inside retry they are caught and
// the condition decides; outside they send the request to on-error.
import type { ForwardRequest, Retry, SendOneWayRequest, SendRequest, Statement } from "../../gateway-policy/ast";
import { TransportError, readBody, type SimRequest, type SimResponse } from "../http-types";
import { spilledTo } from "../azure/spillover";
import { PolicyRuntimeError, gatewayError } from "./errors";
import { applySetHeader, boolOf, textOf, valueOf, type Machine } from "./statements";
import type { RequestState } from "./state";

/** APIM's default forward-request timeout, seconds. */
export const DEFAULT_FORWARD_TIMEOUT_S = 300;

function targetUrl(base: string, state: RequestState): URL {
  const url = new URL(base.replace(/\/+$/, "") + state.operationPath);
  for (const [k, v] of Object.entries(state.request.query)) url.searchParams.set(k, v);
  return url;
}

function retryAfterSeconds(r: SimResponse): number | undefined {
  const raw = r.headers["retry-after"];
  if (raw === undefined) return undefined;
  const n = Number(raw);
  return Number.isFinite(n) && n >= 0 ? n : undefined;
}

export async function forwardRequest(m: Machine, state: RequestState, s: ForwardRequest): Promise<void> {
  const now = m.clock.now();
  state.trace.forwards++;
  if (!state.backend) throw new PolicyRuntimeError("BackendNotFound", "forward-request ran before any set-backend-service; the emulator has no API service URL to fall back on.", "forward-request");
  let memberId: string | undefined;
  let base: string;
  if (state.backend.kind === "id") {
    const picked = m.options.backends.select(state.backend.id, now);
    if (!picked.ok) {
      const seconds = Math.max(1, Math.ceil(picked.retryAfterMs / 1000));
      state.response = gatewayError(503, "BackendUnavailable", picked.reason, { "retry-after": String(seconds) });
      throw new PolicyRuntimeError("BackendUnavailable", picked.reason, "forward-request", state.response);
    }
    memberId = picked.id;
    base = picked.url;
  } else {
    base = state.backend.url;
  }
  if (state.inRetry) state.forwardsInRetry++;
  // Without buffer-request-body the body stream is consumed by the first attempt; APIM replays
  // nothing, so later attempts inside retry go out with an empty body.
  const replayLost = state.forwardsInRetry > 1 && s.bufferRequestBody !== true;
  const url = targetUrl(base, state);
  state.forwardedUrl = url;
  const request: SimRequest = {
    method: state.request.method,
    path: url.pathname,
    query: Object.fromEntries(url.searchParams),
    headers: { ...state.request.headers, host: url.host },
    body: replayLost ? "" : state.request.body,
  };
  const upstream = m.upstreams.resolve(url);
  state.trace.sent.push({ kind: "forward", url: url.toString(), headers: { ...request.headers } });
  const started = m.clock.now();
  // C#'s Uri.Host: the host name without the port (the port is context.Request.Url.Port).
  state.backendHost = url.hostname;
  const attempt = { backendId: memberId ?? url.origin, url: url.toString(), startMs: started, endMs: started } as RequestState["trace"]["attempts"][number];
  state.trace.attempts.push(attempt);
  try {
    if (!upstream) throw new TransportError("BackendConnectionFailure", `No backend answers at ${url.origin} (name does not resolve).`);
    const response = await upstream.send(request, (s.timeout ?? DEFAULT_FORWARD_TIMEOUT_S) * 1000);
    attempt.endMs = m.clock.now();
    attempt.status = response.status;
    const spilled = spilledTo(response.headers);
    if (spilled !== undefined) attempt.spilledTo = spilled;
    state.response = { status: response.status, headers: { ...response.headers }, body: response.body };
    const ra = retryAfterSeconds(response);
    if (memberId) m.options.backends.record(memberId, attempt.endMs, ra === undefined ? { status: response.status } : { status: response.status, retryAfterSeconds: ra });
    if (s.failOnErrorStatusCode === true && response.status >= 400) {
      throw new PolicyRuntimeError("BackendError", `Backend answered ${response.status} and fail-on-error-status-code is true.`, "forward-request");
    }
  } catch (error) {
    if (!(error instanceof TransportError)) throw error;
    attempt.endMs = m.clock.now();
    attempt.transportReason = error.reason;
    state.response = null;
    if (memberId) m.options.backends.record(memberId, attempt.endMs, { transportReason: error.reason });
    throw new PolicyRuntimeError(error.reason, error.message, "forward-request");
  }
}

/**
 * Wait before retry n (1-based), per the retry policy's fixed / linear / exponential formulas.
 * `interval`: the evaluated `interval` when it is an expression (seconds).
 */
export function retryWaitMs(s: Retry, n: number, random: () => number, interval: number = typeof s.interval === "number" ? s.interval : 0): number {
  if (n === 1 && s.firstFastRetry === true) return 0;
  if (s.delta === undefined) return interval * 1000;
  if (s.maxInterval === undefined) return (interval + (n - 1) * s.delta) * 1000;
  const jittered = s.delta * (0.8 + 0.4 * random());
  return Math.min(s.maxInterval, interval + 2 ** (n - 1) * jittered) * 1000;
}

type Runner = (m: Machine, state: RequestState, statements: readonly Statement[]) => Promise<void> | void;

/**
 * The retry's interval in seconds: a literal, or an expression evaluated before each wait (APIM
 * allows expressions here and does not document when it evaluates them).
 */
function retryInterval(m: Machine, state: RequestState, s: Retry): number {
  if (typeof s.interval === "number") return s.interval;
  const v = valueOf(m, state, s.interval, "retry interval");
  const n = typeof v === "number" ? v : Number(v);
  if (!Number.isInteger(n) || n < 0) throw new PolicyRuntimeError("PolicyConfigurationError", `retry interval evaluated to ${JSON.stringify(v)}; APIM expects a positive number of seconds.`, "retry");
  return n;
}

/** The retry's count: a literal, or an expression evaluated once when the retry starts (1–50). */
function retryCount(m: Machine, state: RequestState, s: Retry): number {
  if (typeof s.count === "number") return s.count;
  const v = valueOf(m, state, s.count, "retry count");
  const n = typeof v === "number" ? v : Number(v);
  if (!Number.isInteger(n) || n < 1 || n > 50) throw new PolicyRuntimeError("PolicyConfigurationError", `retry count evaluated to ${JSON.stringify(v)}; APIM accepts 1–50.`, "retry");
  return n;
}

export async function runRetry(m: Machine, state: RequestState, s: Retry, run: Runner): Promise<void> {
  const count = retryCount(m, state, s);
  const outer = !state.inRetry;
  state.inRetry = true;
  if (outer) state.forwardsInRetry = 0;
  const attempt = async (): Promise<PolicyRuntimeError | undefined> => {
    try {
      await run(m, state, s.policies);
      return undefined;
    } catch (error) {
      if (!(error instanceof PolicyRuntimeError)) throw error;
      state.lastError = { source: error.source, reason: error.reason, message: error.message, section: state.section, ...(error.policyId !== undefined ? { policyId: error.policyId } : {}) };
      if (error.response) state.response = error.response;
      return error;
    }
  };
  try {
    let error = await attempt();
    for (let n = 1; n <= count && !state.ended; n++) {
      if (!boolOf(m, state, s.condition, "retry condition")) break;
      const wait = n === 1 && s.firstFastRetry === true ? 0 : retryWaitMs(s, n, () => m.options.rng.float(), retryInterval(m, state, s));
      if (wait > 0) await m.clock.sleep(wait);
      error = await attempt();
    }
    if (error) throw error;
  } finally {
    if (outer) state.inRetry = false;
  }
}

export function sendOneWay(m: Machine, state: RequestState, s: SendOneWayRequest): void {
  if (s.url === undefined) throw new PolicyRuntimeError("PolicyConfigurationError", "send-one-way-request needs set-url in the emulator.", "send-one-way-request");
  const url = new URL(textOf(m, state, s.url, "send-one-way-request set-url"));
  const copy = s.mode === "copy";
  const headers: Record<string, string> = copy ? { ...state.request.headers } : {};
  for (const h of s.headers) applySetHeader(m, state, h, headers);
  // Learn: mode copy is "a copy of the headers and body in the current request", i.e. as inbound left
  // them (a set-body before it included), not the caller's original body (send-one-way-request-policy).
  const body = s.body !== undefined ? textOf(m, state, s.body, "send-one-way-request set-body") : copy ? state.request.body : "";
  const upstream = m.upstreams.resolve(url);
  state.trace.oneWay.push({ url: url.toString(), atMs: m.clock.now() });
  state.trace.sent.push({ kind: "one-way", url: url.toString(), headers: { ...headers } });
  if (!upstream) return;
  // Fire and forget: the client's response never waits for it, and its failure is never seen.
  void upstream
    .send({ method: s.method ?? state.request.method, path: url.pathname, query: Object.fromEntries(url.searchParams), headers, body }, (s.timeout ?? 60) * 1000)
    .catch(() => undefined);
}

/**
 * send-request: a call whose answer (status, headers, body read in full) lands in the response
 * variable as an IResponse. A transport failure raises an error, or with ignore-error leaves the
 * variable null, as APIM documents.
 */
export async function sendRequest(m: Machine, state: RequestState, s: SendRequest): Promise<void> {
  const url = new URL(textOf(m, state, s.url, "send-request set-url"));
  const copy = s.mode === "copy";
  const headers: Record<string, string> = copy ? { ...state.request.headers } : {};
  for (const h of s.headers) applySetHeader(m, state, h, headers);
  const body = s.body !== undefined ? textOf(m, state, s.body, "send-request set-body") : copy ? state.request.body : "";
  const upstream = m.options.upstreams.resolve(url);
  state.trace.oneWay.push({ url: url.toString(), atMs: m.clock.now() });
  try {
    if (!upstream) throw new TransportError("BackendConnectionFailure", `No backend answers at ${url.origin} (name does not resolve).`);
    const r = await upstream.send({ method: s.method, path: url.pathname, query: Object.fromEntries(url.searchParams), headers: { ...headers, host: url.host }, body }, (s.timeout ?? 60) * 1000);
    state.variables.set(s.responseVariableName, { kind: "response", status: r.status, headers: { ...r.headers }, body: await readBody(r.body) });
  } catch (error) {
    if (!(error instanceof TransportError)) throw error;
    if (s.ignoreError === true) {
      state.variables.set(s.responseVariableName, null);
      return;
    }
    throw new PolicyRuntimeError(error.reason, error.message, "send-request");
  }
}
