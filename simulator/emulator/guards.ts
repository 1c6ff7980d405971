// Inbound guards and identity: managed identity, per-consumer token limits, rate limits, token
// metrics (token validation is in token-validation.ts).
import type { AuthenticationManagedIdentity, EmitMetric, EmitTokenMetric, RateLimitByKey, TokenLimit } from "../../gateway-policy/ast";
import { CHARS_PER_TOKEN } from "../azure/tokens";
import { isChunked, jsonResponse, type SimResponse } from "../http-types";
import { readCallerJson } from "../safe-json";
import { PolicyRuntimeError } from "./errors";
import { boolOf, textOf, type Machine } from "./statements";
import type { RequestState } from "./state";

/** The bearer token the emulator's managed identity presents for a resource. */
export function emulatedManagedIdentityToken(resource: string): string {
  return `emulated-mi.${Buffer.from(resource).toString("base64url")}`;
}

export function managedIdentity(_m: Machine, state: RequestState, s: AuthenticationManagedIdentity): void {
  const token = emulatedManagedIdentityToken(s.resource);
  if (s.outputTokenVariableName) state.variables.set(s.outputTokenVariableName, token);
  else state.request.headers["authorization"] = `Bearer ${token}`;
}

/**
 * The claims of a JWT without checking anything (who is calling, for reports and counter keys in
 * the local gateway; token validation itself is `token-validation.ts`). Depth-checked, and only
 * scalar and flat-array claims are kept, so no payload can crash it.
 */
export function decodeJwtClaims(token: string): Record<string, string> | undefined {
  const parts = token.split(".");
  if (parts.length !== 3) return undefined;
  const read = readCallerJson(Buffer.from(parts[1]!, "base64url").toString("utf8"));
  if (!read.ok || read.value === null || typeof read.value !== "object" || Array.isArray(read.value)) return undefined;
  const claims: Record<string, string> = {};
  for (const [k, v] of Object.entries(read.value)) {
    if (typeof v === "string" || typeof v === "number" || typeof v === "boolean") claims[k] = String(v);
    else if (Array.isArray(v) && v.every((x) => typeof x !== "object")) claims[k] = v.map(String).join(",");
  }
  return claims;
}

/** An unsigned (`alg: none`) JWT, for tests that check it is refused. */
export function unsignedJwt(claims: Record<string, string | number | string[]>): string {
  const enc = (o: unknown): string => Buffer.from(JSON.stringify(o)).toString("base64url");
  return `${enc({ alg: "none", typ: "JWT" })}.${enc(claims)}.`;
}

interface RequestText {
  /** A caller's body is any JSON: `messages` may be a string, an object, or an array holding anything. */
  messages?: unknown;
  input?: unknown;
  instructions?: unknown;
  prompt?: unknown;
  stream?: unknown;
}

/** The body as the token policies read it; too deep (or not JSON) reads as nothing, so no body can crash an estimate. */
function parsedRequest(body: string): RequestText | undefined {
  const read = readCallerJson(body);
  return read.ok && read.value && typeof read.value === "object" ? (read.value as RequestText) : undefined;
}

const asText = (v: unknown): string => (typeof v === "string" ? v : v === undefined || v === null ? "" : JSON.stringify(v));

/** A message's text: its `content` when it is an object, else the value itself. */
const messageText = (m: unknown): string => asText(m !== null && typeof m === "object" && !Array.isArray(m) ? (m as { content?: unknown }).content : m);

function promptEstimate(o: RequestText | undefined): number {
  if (!o) return 0;
  const { messages } = o;
  const text =
    messages === undefined || messages === null
      ? [asText(o.instructions), asText(o.input ?? o.prompt)].join(" ").trim()
      : Array.isArray(messages)
        ? messages.map(messageText).join(" ")
        : asText(messages);
  return Math.ceil(text.length / CHARS_PER_TOKEN);
}

interface Usage {
  completion: number;
  total: number;
}

/**
 * Calls `settle` with the call's usage once it is known: from the `usage` of a complete JSON answer
 * (chat `completion_tokens`, Responses `output_tokens`), or, for a stream, estimated when its last
 * chunk has passed (stream-usage.ts); never by reading a streamed body.
 */
function whenUsageKnown(state: RequestState, promptTokens: number, settle: (u: Usage) => void): void {
  const r = state.response;
  if (!r || r.status !== 200) return;
  if (isChunked(r.body)) {
    state.onStreamEnd.push((completion) => settle({ completion, total: promptTokens + completion }));
    return;
  }
  try {
    const body = JSON.parse(r.body) as { usage?: { completion_tokens?: number; output_tokens?: number; total_tokens?: number } };
    if (body.usage) settle({ completion: body.usage.completion_tokens ?? body.usage.output_tokens ?? 0, total: body.usage.total_tokens ?? 0 });
  } catch {
    // Not JSON: no usage to count.
  }
}

/** Retry-After seconds and the answer of an exceeded token limit: 429 for tokens-per-minute, 403 for a quota. */
function tokenLimitAnswer(status: 429 | 403, message: string, headers: Record<string, string>): SimResponse {
  return jsonResponse(status, { statusCode: status, message }, headers);
}

/**
 * azure-openai-token-limit / llm-token-limit: a per-key tokens-per-minute window (429 + Retry-After) and
 * an optional fixed-window quota (403), both charged with the prompt estimate on the way in and the
 * completion once the response is known. An exceeded limit is a policy error (like rate-limit-by-key,
 * whose documented answer is customised in on-error): on-error runs with LastError.Source = the element
 * name, and without an answer there the limit's own 429/403 goes back. The Reason names are the
 * emulator's (APIM does not document them for the token limits).
 */
export function tokenLimit(m: Machine, state: RequestState, s: TokenLimit): void {
  const key = textOf(m, state, s.counterKey, `${s.kind} counter-key`);
  const counter = `${s.kind}|${key}`;
  const now = m.clock.now();
  const request = parsedRequest(state.request.body);
  // APIM: with stream true "prompt tokens are always estimated, regardless of estimate-prompt-tokens".
  const streaming = request?.stream === true;
  const estimated = s.estimatePromptTokens || streaming;
  const estimate = estimated ? promptEstimate(request) : 0;
  const quota = s.tokenQuota !== undefined && s.tokenQuotaPeriod !== undefined ? { limit: s.tokenQuota, period: s.tokenQuotaPeriod } : undefined;
  if (quota) {
    const used = m.quotaCounters.used(counter, quota.period, now);
    if (used >= quota.limit || used + estimate > quota.limit) {
      const response = tokenLimitAnswer(403, `Token quota is exceeded (${quota.period.toLowerCase()} quota of ${quota.limit} tokens).`, {});
      throw new PolicyRuntimeError("TokenQuotaExceeded", `Token quota of ${quota.limit} tokens per ${quota.period} is exceeded for this key.`, s.kind, response);
    }
  }
  if (s.tokensPerMinute !== undefined) {
    const used = m.tokenCounters.used(counter, now);
    if (used >= s.tokensPerMinute || used + estimate > s.tokensPerMinute) {
      const seconds = Math.max(1, Math.ceil(m.tokenCounters.msToReset(now) / 1000));
      const response = tokenLimitAnswer(429, `Token limit is exceeded. Try again in ${seconds} seconds.`, { [(s.retryAfterHeaderName ?? "Retry-After").toLowerCase()]: String(seconds) });
      throw new PolicyRuntimeError("TokenLimitExceeded", `Token limit of ${s.tokensPerMinute} tokens per minute is exceeded for this key.`, s.kind, response);
    }
  }
  const charge = (tokens: number, at: number): void => {
    if (tokens <= 0) return;
    if (s.tokensPerMinute !== undefined) m.tokenCounters.add(counter, tokens, at);
    if (quota) m.quotaCounters.add(counter, quota.period, tokens, at);
  };
  charge(estimate, now);
  state.afterResponse.push(() => {
    const streamed = state.response !== null && isChunked(state.response.body);
    whenUsageKnown(state, estimate, (usage) => {
      // With prompt estimation the prompt was charged on the way in; the completion is added now.
      charge(estimated ? usage.completion : usage.total, m.clock.now());
      // A streamed answer's headers are gone by the time its usage is known.
      if (!streamed && s.tokensConsumedHeaderName && state.response) state.response.headers[s.tokensConsumedHeaderName.toLowerCase()] = String(usage.total);
    });
  });
  // Learn: the remaining-tokens / remaining-quota-tokens header's value is the number left "after each
  // policy execution" (the same number the -variable-name twins hold), i.e. here in inbound, once the
  // prompt estimate is charged; the completion charged later is not in it. The header can only be
  // added to the response, so the number is taken now and written when the response exists.
  // https://learn.microsoft.com/azure/api-management/azure-openai-token-limit-policy
  const remaining: Array<[string | undefined, number]> = [
    [s.remainingTokensHeaderName, (s.tokensPerMinute ?? 0) - m.tokenCounters.used(counter, now)],
    [s.remainingQuotaTokensHeaderName, quota ? quota.limit - m.quotaCounters.used(counter, quota.period, now) : 0],
  ];
  for (const [header, left] of remaining) {
    if (!header) continue;
    const name = header.toLowerCase();
    const value = String(Math.max(0, left));
    state.afterResponse.push(() => {
      if (state.response) state.response.headers[name] = value;
    });
  }
}

export function rateLimitByKey(m: Machine, state: RequestState, s: RateLimitByKey): void {
  const key = `rate-limit-by-key|${textOf(m, state, s.counterKey, "rate-limit-by-key counter-key")}`;
  const now = m.clock.now();
  const check = m.rateCounters.tryAdd(key, s.calls, s.renewalPeriod * 1000, now, false);
  if (!check.ok) {
    const seconds = Math.max(1, Math.ceil(check.retryAfterMs / 1000));
    // A documented policy error (Reason RateLimitExceeded): the request goes to on-error, and without
    // an answer there the client gets the gateway's own 429.
    const message = `Rate limit is exceeded. Try again in ${seconds} seconds.`;
    throw new PolicyRuntimeError("RateLimitExceeded", message, "rate-limit-by-key", jsonResponse(429, { statusCode: 429, message }, { [(s.retryAfterHeaderName ?? "Retry-After").toLowerCase()]: String(seconds) }));
  }
  if (s.incrementCondition === undefined) {
    m.rateCounters.tryAdd(key, s.calls, s.renewalPeriod * 1000, now, true);
    return;
  }
  // increment-condition may look at the response, so it is evaluated once the response is known.
  const condition = s.incrementCondition;
  state.afterResponse.push(() => {
    if (boolOf(m, state, condition, "rate-limit-by-key increment-condition")) m.rateCounters.tryAdd(key, Number.MAX_SAFE_INTEGER, s.renewalPeriod * 1000, m.clock.now(), true);
  });
}

const DEFAULT_DIMENSIONS: Record<string, (state: RequestState, m: Machine) => string> = {
  "API ID": (_s, m) => m.options.apiId ?? "azure-openai",
  "Operation ID": (s) => s.call.request.path,
  "Subscription ID": (s) => s.call.caller.subscriptionId,
  "User ID": (s) => s.call.caller.userId,
  Location: (_s, m) => m.options.region,
  "Backend ID": (s) => s.backendHost,
  "Gateway ID": () => "managed",
  "Product ID": () => "",
};

/** emit-metric: a custom metric, recorded when the policy runs (not tied to the response). */
export function emitMetric(m: Machine, state: RequestState, s: EmitMetric): void {
  const dims: Record<string, string> = {};
  for (const d of s.dimensions) {
    if (d.value !== undefined) dims[d.name] = textOf(m, state, d.value, `emit-metric dimension "${d.name}"`);
    else {
      const fill = DEFAULT_DIMENSIONS[d.name];
      if (!fill) throw new PolicyRuntimeError("PolicyConfigurationError", `emit-metric: dimension "${d.name}" has no value and is not a default dimension.`, s.kind);
      dims[d.name] = fill(state, m);
    }
  }
  const value = s.value === undefined ? 1 : Number(textOf(m, state, s.value, "emit-metric value"));
  m.customMetrics.push({ name: s.name, namespace: s.namespace ?? "API Management", value, dimensions: dims });
}

export function emitTokenMetric(m: Machine, state: RequestState, s: EmitTokenMetric): void {
  const dims: Record<string, string> = {};
  for (const d of s.dimensions) {
    if (d.value !== undefined) dims[d.name] = textOf(m, state, d.value, `${s.kind} dimension "${d.name}"`);
    else {
      const fill = DEFAULT_DIMENSIONS[d.name];
      if (!fill) throw new PolicyRuntimeError("PolicyConfigurationError", `${s.kind}: dimension "${d.name}" has no value and is not a default dimension.`, s.kind);
      dims[d.name] = fill(state, m);
    }
  }
  const prompt = promptEstimate(parsedRequest(state.request.body));
  // Learn: "Token count metrics include: Total Tokens, Prompt Tokens, and Completion Tokens"
  // (azure-openai-emit-token-metric-policy); the prompt is what the usage's total holds beyond the completion.
  state.afterResponse.push(() =>
    whenUsageKnown(state, prompt, (usage) =>
      m.metrics.push({ ...dims, "Total Tokens": String(usage.total), "Prompt Tokens": String(usage.total - usage.completion), "Completion Tokens": String(usage.completion) }),
    ),
  );
}
