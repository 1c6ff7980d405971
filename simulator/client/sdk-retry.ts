// The official `openai` SDKs' default retry behaviour, as their source implements it (reference
// sheet openai-api-surface.md §5.3; docs/simulator.md "Client retries" cites the lines):
//  - 2 retries by default; retried: connection errors and timeouts, and statuses 408, 409, 429,
//    ≥ 500 — unless the response says `x-should-retry: true|false`, which wins;
//  - the wait is the server's `retry-after-ms` (milliseconds), else `retry-after` (seconds, or an
//    HTTP date), when the SDK version accepts that value; otherwise exponential backoff
//    min(0.5 × 2^n, 8) s × (1 − U[0, 0.25)), n = retries already made;
//  - which server waits are accepted differs by SDK and version (the `cap` below).
import type { Rng } from "../rng";

/** SDK profiles by the behaviour of their retry code. */
export const SDK_PROFILES = {
  /** openai-node ≥ 7.5 (this repository pins 7.57.0): a server wait is used if finite and 0 ≤ wait ≤ 60 s. */
  "openai-node": { parse: "float-prefix", accept: { min: 0, minInclusive: true, max: 60, maxInclusive: true }, refuseAbove: null },
  /** openai-node 6.26–7.4: any server wait is slept, however long. */
  "openai-node-6.26": { parse: "float-prefix", accept: { min: 0, minInclusive: true, max: Number.POSITIVE_INFINITY, maxInclusive: true }, refuseAbove: null },
  /** openai-python ≥ 2.52: a server wait is used if 0 < wait ≤ 120 s; a wait over 120 s means no retry at all. */
  "openai-python": { parse: "float-strict", accept: { min: 0, minInclusive: false, max: 120, maxInclusive: true }, refuseAbove: 120 },
  /** openai-python 1.x–2.51: a server wait is used if 0 < wait ≤ 60 s. */
  "openai-python-1": { parse: "float-strict", accept: { min: 0, minInclusive: false, max: 60, maxInclusive: true }, refuseAbove: null },
} as const;

export type SdkProfileName = keyof typeof SDK_PROFILES;
export const SDK_PROFILE_NAMES = Object.keys(SDK_PROFILES) as SdkProfileName[];

/** The constants both SDKs define (node `client.ts`, python `_constants.py`). */
export const SDK_DEFAULTS = { maxRetries: 2, initialRetryDelaySeconds: 0.5, maxRetryDelaySeconds: 8, timeoutSeconds: 600 } as const;

export interface SdkClientSpec {
  sdk: SdkProfileName;
  /** `maxRetries` / `max_retries` (default 2). */
  maxRetries: number;
  /** Per-attempt timeout, seconds (default 600). */
  timeoutSeconds: number;
}

/** What one attempt came back with: a response (lower-case headers) or a transport failure. */
export type AttemptOutcome = { status: number; headers: Record<string, string> } | { transport: "connection" | "timeout" };

function parseNumber(text: string, mode: "float-prefix" | "float-strict"): number | undefined {
  // Node uses parseFloat ("12abc" → 12); Python float() rejects anything that is not a number.
  if (mode === "float-prefix") {
    const n = Number.parseFloat(text);
    return Number.isNaN(n) ? undefined : n;
  }
  const t = text.trim();
  if (!/^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(t) && !/^[+-]?(inf|infinity)$/i.test(t)) return undefined;
  return Number(t.replace(/inf(inity)?/i, "Infinity"));
}

/** Seconds the server asks for: retry-after-ms, then retry-after (number, then HTTP date); undefined if none. */
export function serverWaitSeconds(sdk: SdkProfileName, headers: Record<string, string>, nowEpochMs: number): number | undefined {
  const mode = SDK_PROFILES[sdk].parse;
  const ms = headers["retry-after-ms"];
  if (ms !== undefined) {
    const n = parseNumber(ms, mode);
    if (n !== undefined) return n / 1000;
  }
  const s = headers["retry-after"];
  if (s === undefined) return undefined;
  const n = parseNumber(s, mode);
  if (n !== undefined) return n;
  const date = Date.parse(s);
  return Number.isNaN(date) ? undefined : (date - nowEpochMs) / 1000;
}

/** Whether the SDK retries this outcome (before counting how many retries are left). */
export function sdkShouldRetry(sdk: SdkProfileName, outcome: AttemptOutcome, nowEpochMs = 0): boolean {
  if ("transport" in outcome) return true;
  const profile = SDK_PROFILES[sdk];
  if (profile.refuseAbove !== null) {
    const wait = serverWaitSeconds(sdk, outcome.headers, nowEpochMs);
    if (wait !== undefined && Number.isFinite(wait) && wait > profile.refuseAbove) return false;
  }
  const header = outcome.headers["x-should-retry"];
  if (header === "true") return true;
  if (header === "false") return false;
  return outcome.status === 408 || outcome.status === 409 || outcome.status === 429 || outcome.status >= 500;
}

/** The SDKs' backoff for retry number `retriesMade` (0 for the first retry); `u` is U[0, 1). */
export function backoffSeconds(retriesMade: number, u: number): number {
  const base = Math.min(SDK_DEFAULTS.initialRetryDelaySeconds * 2 ** Math.min(retriesMade, 1000), SDK_DEFAULTS.maxRetryDelaySeconds);
  return base * (1 - u * 0.25);
}

/** Milliseconds the SDK sleeps before its next attempt. */
export function sdkRetryDelayMs(sdk: SdkProfileName, outcome: AttemptOutcome, retriesMade: number, rng: Rng, nowEpochMs = 0): number {
  if (!("transport" in outcome)) {
    const wait = serverWaitSeconds(sdk, outcome.headers, nowEpochMs);
    const a = SDK_PROFILES[sdk].accept;
    const aboveMin = wait !== undefined && (a.minInclusive ? wait >= a.min : wait > a.min);
    const belowMax = wait !== undefined && (a.maxInclusive ? wait <= a.max : wait < a.max);
    if (wait !== undefined && Number.isFinite(wait) && aboveMin && belowMax) return wait * 1000;
  }
  return backoffSeconds(retriesMade, rng.float()) * 1000;
}
