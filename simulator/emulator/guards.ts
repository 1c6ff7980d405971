// Inbound guards and identity: token validation (claims decoded, signature NOT verified — there
// is no Entra offline), managed identity, per-consumer token limits, rate limits, token metrics.
import type { AuthenticationManagedIdentity, EmitTokenMetric, RateLimitByKey, TokenLimit, ValidateAzureAdToken, ValidateJwt } from "../../gateway-policy/ast";
import { CHARS_PER_TOKEN } from "../azure/tokens";
import { isChunked, jsonResponse } from "../http-types";
import { PolicyRuntimeError } from "./errors";
import type { JwtValue } from "./expressions";
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

export function decodeJwtClaims(token: string): Record<string, string> | undefined {
  const parts = token.split(".");
  if (parts.length !== 3) return undefined;
  try {
    const payload = JSON.parse(Buffer.from(parts[1]!, "base64url").toString("utf8")) as Record<string, unknown>;
    return Object.fromEntries(Object.entries(payload).map(([k, v]) => [k, Array.isArray(v) ? v.join(",") : String(v)]));
  } catch {
    return undefined;
  }
}

/** An unsigned JWT for tests and simulated callers (the emulator reads claims, never signatures). */
export function unsignedJwt(claims: Record<string, string | number>): string {
  const enc = (o: unknown): string => Buffer.from(JSON.stringify(o)).toString("base64url");
  return `${enc({ alg: "none", typ: "JWT" })}.${enc(claims)}.`;
}

export function validateToken(_m: Machine, state: RequestState, s: ValidateAzureAdToken | ValidateJwt): void {
  const status = s.failedValidationHttpCode ?? 401;
  const reject = (reason: string, detail: string): never => {
    const response = jsonResponse(status, { statusCode: status, message: s.failedValidationErrorMessage ?? detail });
    throw new PolicyRuntimeError(reason, detail, s.kind, response);
  };
  const header = state.request.headers[(s.headerName ?? "Authorization").toLowerCase()];
  if (!header) reject("TokenNotFound", "Access token is missing.");
  const token = header!.replace(/^Bearer\s+/i, "");
  const claims = decodeJwtClaims(token);
  if (!claims) reject("JwtInvalid", "Access token is not a JWT.");
  const c = claims!;
  if (c.exp !== undefined && Number(c.exp) * 1000 < Date.now()) reject("TokenExpired", "Access token has expired.");
  if (s.kind === "validate-azure-ad-token") {
    if (c.tid !== s.tenantId) reject("TokenIssuerNotAllowed", `Token tenant ${c.tid ?? "(none)"} is not ${s.tenantId}.`);
    if (s.clientApplicationIds.length > 0 && !s.clientApplicationIds.includes(c.azp ?? c.appid ?? "")) reject("TokenClaimValueNotAllowed", "Client application is not allowed.");
  } else if (s.issuers.length > 0 && !s.issuers.includes(c.iss ?? "")) {
    reject("TokenIssuerNotAllowed", `Token issuer ${c.iss ?? "(none)"} is not allowed.`);
  }
  if (s.audiences.length > 0 && !s.audiences.some((a) => (c.aud ?? "").split(",").includes(a))) reject("TokenAudienceNotAllowed", `Token audience ${c.aud ?? "(none)"} is not allowed.`);
  if (s.outputTokenVariableName) state.variables.set(s.outputTokenVariableName, { kind: "jwt", claims: c } satisfies JwtValue);
}

interface RequestText {
  messages?: Array<{ content?: unknown }>;
  input?: unknown;
  instructions?: unknown;
  prompt?: unknown;
  stream?: unknown;
}

function parsedRequest(body: string): RequestText | undefined {
  try {
    const o = JSON.parse(body) as unknown;
    return o && typeof o === "object" ? (o as RequestText) : undefined;
  } catch {
    return undefined;
  }
}

const asText = (v: unknown): string => (typeof v === "string" ? v : v === undefined || v === null ? "" : JSON.stringify(v));

function promptEstimate(o: RequestText | undefined): number {
  if (!o) return 0;
  const text = o.messages ? o.messages.map((x) => asText(x.content)).join(" ") : [asText(o.instructions), asText(o.input ?? o.prompt)].join(" ").trim();
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

export function tokenLimit(m: Machine, state: RequestState, s: TokenLimit): void {
  const key = textOf(m, state, s.counterKey, `${s.kind} counter-key`);
  const counter = `${s.kind}|${key}`;
  const now = m.clock.now();
  const request = parsedRequest(state.request.body);
  // APIM: with stream true "prompt tokens are always estimated, regardless of estimate-prompt-tokens".
  const streaming = request?.stream === true;
  const estimate = s.estimatePromptTokens || streaming ? promptEstimate(request) : 0;
  const used = m.tokenCounters.used(counter, now);
  if (used >= s.tokensPerMinute || used + estimate > s.tokensPerMinute) {
    const seconds = Math.max(1, Math.ceil(m.tokenCounters.msToReset(now) / 1000));
    state.response = jsonResponse(429, { statusCode: 429, message: `Token limit is exceeded. Try again in ${seconds} seconds.` }, { [(s.retryAfterHeaderName ?? "Retry-After").toLowerCase()]: String(seconds) });
    state.ended = true;
    state.trace.gatewayGenerated = true;
    return;
  }
  if (estimate > 0) m.tokenCounters.add(counter, estimate, now);
  const charged = estimate > 0;
  state.afterResponse.push(() => {
    const streamed = state.response !== null && isChunked(state.response.body);
    whenUsageKnown(state, estimate, (usage) => {
      // With prompt estimation the prompt was charged on the way in; the completion is added now.
      m.tokenCounters.add(counter, charged ? usage.completion : usage.total, m.clock.now());
      // A streamed answer's headers are gone by the time its usage is known.
      if (!streamed && s.tokensConsumedHeaderName && state.response) state.response.headers[s.tokensConsumedHeaderName.toLowerCase()] = String(usage.total);
    });
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
  state.afterResponse.push(() => whenUsageKnown(state, prompt, (usage) => m.metrics.push({ ...dims, "Total Tokens": String(usage.total) })));
}
