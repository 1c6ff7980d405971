// Inbound guards and identity: managed identity, per-consumer token limits, rate limits, token
// metrics (token validation is in token-validation.ts).
import type { AuthenticationManagedIdentity, EmitTokenMetric, RateLimitByKey, TokenLimit } from "../../gateway-policy/ast";
import { CHARS_PER_TOKEN, textOf as promptText } from "../azure/tokens";
import { readCallerJson } from "../safe-json";
import { jsonResponse, type SimResponse } from "../http-types";
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
export function unsignedJwt(claims: Record<string, string | number>): string {
  const enc = (o: unknown): string => Buffer.from(JSON.stringify(o)).toString("base64url");
  return `${enc({ alg: "none", typ: "JWT" })}.${enc(claims)}.`;
}

/** Prompt tokens estimated from the body's text; depth-checked and iterative, so no body can crash it. */
function promptEstimate(body: string): number {
  const read = readCallerJson(body);
  if (!read.ok || read.value === null || typeof read.value !== "object" || Array.isArray(read.value)) return 0;
  const o = read.value as Record<string, unknown>;
  return Math.ceil(promptText(o.messages ?? o.input ?? o.prompt).length / CHARS_PER_TOKEN);
}

function usageOf(r: SimResponse | null): { completion: number; total: number } | undefined {
  if (!r || r.status !== 200) return undefined;
  try {
    const body = JSON.parse(r.body) as { usage?: { completion_tokens?: number; total_tokens?: number } };
    return body.usage ? { completion: body.usage.completion_tokens ?? 0, total: body.usage.total_tokens ?? 0 } : undefined;
  } catch {
    return undefined;
  }
}

export function tokenLimit(m: Machine, state: RequestState, s: TokenLimit): void {
  const key = textOf(m, state, s.counterKey, `${s.kind} counter-key`);
  const counter = `${s.kind}|${key}`;
  const now = m.clock.now();
  const estimate = s.estimatePromptTokens ? promptEstimate(state.request.body) : 0;
  const used = m.tokenCounters.used(counter, now);
  if (used >= s.tokensPerMinute || used + estimate > s.tokensPerMinute) {
    const seconds = Math.max(1, Math.ceil(m.tokenCounters.msToReset(now) / 1000));
    state.response = jsonResponse(429, { statusCode: 429, message: `Token limit is exceeded. Try again in ${seconds} seconds.` }, { [(s.retryAfterHeaderName ?? "Retry-After").toLowerCase()]: String(seconds) });
    state.ended = true;
    state.trace.gatewayGenerated = true;
    return;
  }
  if (estimate > 0) m.tokenCounters.add(counter, estimate, now);
  state.afterResponse.push(() => {
    const usage = usageOf(state.response);
    if (!usage) return;
    // With prompt estimation the prompt was charged on the way in; the completion is added now.
    m.tokenCounters.add(counter, s.estimatePromptTokens ? usage.completion : usage.total, m.clock.now());
    if (s.tokensConsumedHeaderName && state.response) state.response.headers[s.tokensConsumedHeaderName.toLowerCase()] = String(usage.total);
  });
  if (s.remainingTokensHeaderName) {
    const name = s.remainingTokensHeaderName.toLowerCase();
    state.afterResponse.push(() => {
      if (state.response) state.response.headers[name] = String(Math.max(0, s.tokensPerMinute - m.tokenCounters.used(counter, m.clock.now())));
    });
  }
}

export function rateLimitByKey(m: Machine, state: RequestState, s: RateLimitByKey): void {
  const key = `rate-limit-by-key|${textOf(m, state, s.counterKey, "rate-limit-by-key counter-key")}`;
  const now = m.clock.now();
  const check = m.rateCounters.tryAdd(key, s.calls, s.renewalPeriod * 1000, now, false);
  if (!check.ok) {
    const seconds = Math.max(1, Math.ceil(check.retryAfterMs / 1000));
    state.response = jsonResponse(429, { statusCode: 429, message: `Rate limit is exceeded. Try again in ${seconds} seconds.` }, { [(s.retryAfterHeaderName ?? "Retry-After").toLowerCase()]: String(seconds) });
    state.ended = true;
    state.trace.gatewayGenerated = true;
    return;
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
  state.afterResponse.push(() => {
    const usage = usageOf(state.response);
    if (usage) m.metrics.push({ ...dims, "Total Tokens": String(usage.total) });
  });
}
