// Typed APIM policy document. `kind` is the XML element name; fields are the attributes in camelCase.
// Values that APIM evaluates (`Value`) may be literals or expressions; the rest are plain data.
import type { Expr, Value } from "./expr/ast";

export type SectionName = "inbound" | "backend" | "outbound" | "on-error";

export interface PolicyDocument {
  inbound: Statement[];
  backend: Statement[];
  outbound: Statement[];
  onError: Statement[];
}

export type ExistsAction = "override" | "skip" | "append" | "delete";
export type CachingType = "prefer-external" | "external" | "internal";

export interface Base { kind: "base" }
export interface SetBackendService { kind: "set-backend-service"; backendId?: Value; baseUrl?: Value }
export interface Retry {
  kind: "retry";
  condition: Value;
  /** Number of retries after the first attempt, 1–50; an expression is evaluated when the retry starts. */
  count: number | Expr;
  /**
   * Seconds between retries (0 = immediately; pacing is the circuit breaker's job), or an expression
   * (APIM: "Policy expressions are allowed"). When APIM evaluates it is not documented; the emulator
   * evaluates it before each wait, and generated policies only use expressions whose value cannot
   * change while the retry runs (wait.ts), so both readings give the same waits.
   */
  interval: number | Expr;
  maxInterval?: number;
  delta?: number;
  firstFastRetry?: boolean;
  policies: Statement[];
}
export interface ForwardRequest {
  kind: "forward-request";
  /** Seconds to wait for response headers (APIM default 300). */
  timeout?: number;
  bufferRequestBody?: boolean;
  bufferResponse?: boolean;
  failOnErrorStatusCode?: boolean;
}
export interface When { condition: Value; policies: Statement[] }
export interface Choose { kind: "choose"; when: When[]; otherwise?: Statement[] }
export interface SetVariable {
  kind: "set-variable";
  name: string;
  value: Value;
  /** APIM's optional policy `id`: `context.LastError.PolicyId` names it when this policy fails. */
  id?: string;
}
/** `<set-body>` as a policy: replaces the request body (inbound/backend) or the response body (outbound). */
export interface SetBody { kind: "set-body"; value: Value }
/**
 * `exists-action` allows policy expressions (Learn, set-header / set-query-parameter policy): an
 * expression must yield one of the four actions. A header that must be absent when its value is
 * empty is set with `value != "" ? "override" : "delete"` (exposure.ts), as return-response takes no choose.
 */
export interface SetHeader { kind: "set-header"; name: string; existsAction?: ExistsAction | Expr; values: Value[] }
export interface SetQueryParameter { kind: "set-query-parameter"; name: string; existsAction?: ExistsAction | Expr; values: Value[] }
export interface RewriteUri { kind: "rewrite-uri"; template: Value; copyUnmatchedParams?: boolean }
export interface ReturnResponse {
  kind: "return-response";
  responseVariableName?: string;
  /** Status code: a literal, or an expression (APIM allows expressions in set-status code). */
  status?: { code: number | Expr; reason?: string };
  headers: SetHeader[];
  body?: Value;
}
export interface SendOneWayRequest {
  kind: "send-one-way-request";
  mode?: "new" | "copy";
  timeout?: number;
  url?: Value;
  method?: string;
  headers: SetHeader[];
  body?: Value;
}
/**
 * `<send-request>`: a call whose answer the policy reads from `responseVariableName` (an IResponse;
 * null on failure with `ignoreError`). Used to locate a stored response on the accounts.
 */
export interface SendRequest {
  kind: "send-request";
  mode?: "new" | "copy";
  responseVariableName: string;
  /** Seconds (APIM default 60). */
  timeout?: number;
  ignoreError?: boolean;
  url: Value;
  method: string;
  headers: SetHeader[];
  body?: Value;
}
export interface AuthenticationManagedIdentity {
  kind: "authentication-managed-identity";
  resource: string;
  clientId?: string;
  outputTokenVariableName?: string;
  ignoreError?: boolean;
}
/** `<required-claims><claim name match separator><value/>…</claim></required-claims>` of the token validators. */
export interface RequiredClaim {
  name: string;
  /** `all` (default): every value must be present; `any`: at least one. */
  match?: "all" | "any";
  /** Splits a single-string claim (e.g. `scp`, space-separated) into values. */
  separator?: string;
  values: string[];
}
export interface ValidateAzureAdToken {
  kind: "validate-azure-ad-token";
  tenantId: string;
  headerName?: string;
  failedValidationHttpCode?: number;
  failedValidationErrorMessage?: string;
  outputTokenVariableName?: string;
  clientApplicationIds: string[];
  audiences: string[];
  requiredClaims?: RequiredClaim[];
}
export interface ValidateJwt {
  kind: "validate-jwt";
  headerName?: string;
  failedValidationHttpCode?: number;
  failedValidationErrorMessage?: string;
  requireExpirationTime?: boolean;
  requireScheme?: string;
  requireSignedTokens?: boolean;
  outputTokenVariableName?: string;
  openidConfigUrls: string[];
  audiences: string[];
  issuers: string[];
  requiredClaims?: RequiredClaim[];
}
export type TokenQuotaPeriod = "Hourly" | "Daily" | "Weekly" | "Monthly" | "Yearly";
export interface TokenLimit {
  kind: "azure-openai-token-limit" | "llm-token-limit";
  counterKey: Value;
  /** Tokens per minute (429 when exceeded); at least one of this or tokenQuota + tokenQuotaPeriod. */
  tokensPerMinute?: number;
  /** Tokens per quota period (403 when exceeded). */
  tokenQuota?: number;
  tokenQuotaPeriod?: TokenQuotaPeriod;
  estimatePromptTokens: boolean;
  retryAfterHeaderName?: string;
  remainingTokensHeaderName?: string;
  remainingQuotaTokensHeaderName?: string;
  tokensConsumedHeaderName?: string;
}
export interface MetricDimension { name: string; value?: Value }
export interface EmitTokenMetric {
  kind: "azure-openai-emit-token-metric" | "llm-emit-token-metric";
  namespace?: string;
  dimensions: MetricDimension[];
}
/** `emit-metric`: a custom metric (count) with up to 5 dimensions. */
export interface EmitMetric {
  kind: "emit-metric";
  name: string;
  namespace?: string;
  /** The metric value (a double); APIM's default is 1. */
  value?: Value;
  dimensions: MetricDimension[];
}
/**
 * `trace`: a record in the request's log entry (resource logs: ApiManagementGatewayLogs'
 * TraceRecords; Application Insights: a trace) when `severity` is at or above the diagnostic's
 * verbosity. Not sampled. The policy uses it to log what only the policy knows (the split's arm).
 */
export interface Trace {
  kind: "trace";
  /** Literal source name (no expressions). */
  source: string;
  severity: "verbose" | "information" | "error";
  message: Value;
  metadata: Array<{ name: string; value: Value }>;
}
export interface RateLimitByKey {
  kind: "rate-limit-by-key";
  calls: number;
  renewalPeriod: number;
  counterKey: Value;
  incrementCondition?: Value;
  retryAfterHeaderName?: string;
}
export interface CacheLookupValue { kind: "cache-lookup-value"; key: Value; variableName: string; defaultValue?: Value; cachingType?: CachingType }
/** `duration`: seconds, literal or a typed expression (APIM evaluates it per request, e.g. from Retry-After). */
export interface CacheStoreValue { kind: "cache-store-value"; key: Value; value: Value; duration: number | Expr; cachingType?: CachingType }

export type Statement =
  | Base
  | SetBackendService
  | Retry
  | ForwardRequest
  | Choose
  | SetVariable
  | SetHeader
  | SetQueryParameter
  | RewriteUri
  | ReturnResponse
  | SendOneWayRequest
  | SendRequest
  | SetBody
  | AuthenticationManagedIdentity
  | ValidateAzureAdToken
  | ValidateJwt
  | TokenLimit
  | EmitTokenMetric
  | EmitMetric
  | Trace
  | RateLimitByKey
  | CacheLookupValue
  | CacheStoreValue;

export type StatementKind = Statement["kind"];

/** A document whose four sections each hold only `<base />` plus the given statements. */
export function policyDocument(sections: Partial<PolicyDocument> = {}): PolicyDocument {
  return { inbound: sections.inbound ?? [], backend: sections.backend ?? [], outbound: sections.outbound ?? [], onError: sections.onError ?? [] };
}
