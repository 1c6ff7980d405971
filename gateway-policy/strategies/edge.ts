// Edge policies shared by every route: caller authentication, who the caller is and token metrics.
// The default api-version is per client surface (surface.ts). Limits, credentials, overrides and
// response headers have their own modules (token-limit.ts, credentials.ts, overrides.ts, exposure.ts).
import type { RequiredClaim, Statement } from "../ast";
import type { Expr } from "../expr/ast";
import { ctx, firstNonEmpty, requestHeader, tokenClaim, variable } from "../expr/helpers";
import { gatewayPath, LIMITS, PolicyLimitError } from "../limits";
import type { EdgeSpec, EntraAuthSpec } from "./types";

/** Policy variables and headers the generated policies use (the emulator and tests rely on them). */
export const NAMES = {
  routeVar: "aoai-route",
  targetVar: "aoai-target",
  labelVar: "aoai-target-label",
  variantVar: "aoai-variant",
  callerVar: "aoai-caller",
  abBucketVar: "aoai-ab-bucket",
  canaryBucketVar: "aoai-canary-bucket",
  tokenVar: "aoai-token",
  msiTokenVar: "aoai-msi-token",
  retryCountVar: "aoai-retry-count",
  forwardedVar: "aoai-forwarded",
  maySteerVar: "aoai-may-steer",
  canaryHeader: "x-aoai-canary",
  slotHeader: "x-aoai-slot",
  variantHeader: "x-aoai-variant",
  routeHeader: "x-aoai-route",
  targetHeader: "x-aoai-target",
  shadowOfHeader: "x-aoai-shadow-of",
  /** Azure OpenAI's own header naming the region that served; hidden unless `expose.region`. */
  regionHeader: "x-ms-region",
  /** Which client surface the request came in on: deployment, v1, responses, response. */
  surfaceVar: "aoai-surface",
  /** The route the client named (path deployment or body `model`). */
  modelVar: "aoai-model",
  /** JSON type of a body-routed request's `model` (Newtonsoft's name, "" on the deployment surface or when absent). */
  /** Deployment a Responses request's body must name (the chosen pool's or the stored response's). */
  deploymentVar: "aoai-deployment",
  /** The stored response a request names (`previous_response_id` or the `{response-id}` path). */
  responseIdVar: "aoai-response-id",
  /** `stream` of a Responses create, as text ("True" when streamed). */
  streamVar: "aoai-stream",
  /** Policy id of the statements that read the JSON request body (LastError.PolicyId when it is not JSON). */
  readBodyId: "aoai-read-body",
  /** `trace` source of the record that logs the assignment on a canary route with failover (`aoai-arm=<side>`). */
  armTraceSource: "aoai-fleet",
  /** Message prefix of that record: rollout's log query reads the arm after it. */
  armTracePrefix: "aoai-arm=",
  /**
   * What follows the arm in that record: ` aoai-route=<route>`. A v1-surface request's URL names no
   * route (the body's `model` does), so the log query finds the route's v1 traffic by this.
   */
  routeTracePrefix: " aoai-route=",
} as const;

export const COGNITIVE_SERVICES_RESOURCE = "https://cognitiveservices.azure.com";
export const DEFAULT_API_VERSION = "2024-10-21";
/** Namespace of every metric the policies emit unless `metrics.namespace` says otherwise. */
export const DEFAULT_METRIC_NAMESPACE = "aoai-fleet";

export const entraOf = (edge: EdgeSpec): EntraAuthSpec | undefined => (edge.auth && "entra" in edge.auth ? edge.auth.entra : undefined);

const GUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

/**
 * Accepted audiences: the configured ones plus, for every `api://<guid>`, the bare GUID — v2 access
 * tokens carry the API's client id as `aud`, v1 tokens the App ID URI, so both forms must match.
 */
export function audiencesOf(entra: EntraAuthSpec): string[] {
  const out: string[] = [];
  for (const a of entra.audiences) {
    out.push(a);
    const guid = /^api:\/\/([^/]+)\/?$/.exec(a)?.[1];
    if (guid && GUID.test(guid)) out.push(guid);
  }
  return [...new Set(out)];
}

/** `required-claims` for the configured roles (any of) and scopes (any of, space-separated `scp`). */
function requiredClaimsOf(entra: EntraAuthSpec): RequiredClaim[] {
  const out: RequiredClaim[] = [];
  if (entra.requiredClaims?.roles?.length) out.push({ name: "roles", match: "any", values: [...entra.requiredClaims.roles] });
  if (entra.requiredClaims?.scopes?.length) out.push({ name: "scp", match: "any", separator: " ", values: [...entra.requiredClaims.scopes] });
  return out;
}

const claim = (name: string): Expr => tokenClaim(NAMES.tokenVar, name);

/**
 * Who the caller is: with Entra auth the token's `oid` (users and service principals), else its
 * client app (`azp` in v2 tokens, `appid` in v1); with keys the APIM subscription id.
 */
export function callerExpr(edge: EdgeSpec): Expr {
  return entraOf(edge) ? firstNonEmpty(claim("oid"), claim("azp"), claim("appid")) : ctx("subscriptionId");
}

/** The token's client application id (`azp` in v2 tokens, `appid` in v1). */
export const clientAppExpr = (): Expr => firstNonEmpty(claim("azp"), claim("appid"));

function authStatements(edge: EdgeSpec): Statement[] {
  const e = entraOf(edge);
  if (!e) return [];
  const audiences = audiencesOf(e);
  const requiredClaims = requiredClaimsOf(e);
  const claims = requiredClaims.length > 0 ? { requiredClaims } : {};
  // validate-azure-ad-token requires client application ids (it checks azp/appid itself); without
  // them validate-jwt checks the same tenant-issued token against the tenant's OpenID configuration.
  if (e.clientApplicationIds && e.clientApplicationIds.length > 0)
    return [{ kind: "validate-azure-ad-token", tenantId: e.tenantId, headerName: "Authorization", failedValidationHttpCode: 401, outputTokenVariableName: NAMES.tokenVar, clientApplicationIds: e.clientApplicationIds, audiences, ...claims }];
  return [
    {
      kind: "validate-jwt",
      headerName: "Authorization",
      failedValidationHttpCode: 401,
      failedValidationErrorMessage: "Unauthorized: a valid Microsoft Entra access token is required",
      requireExpirationTime: true,
      requireScheme: "Bearer",
      requireSignedTokens: true,
      outputTokenVariableName: NAMES.tokenVar,
      openidConfigUrls: [`https://login.microsoftonline.com/${e.tenantId}/v2.0/.well-known/openid-configuration`],
      audiences,
      issuers: [`https://login.microsoftonline.com/${e.tenantId}/v2.0`, `https://sts.windows.net/${e.tenantId}/`],
      ...claims,
    },
  ];
}

/**
 * Inbound, before routing: authenticate, identify the caller. The default api-version depends on the
 * client surface (the v1 and Responses APIs take no dated version), so surface.ts sets it.
 */
export function edgeInbound(edge: EdgeSpec): Statement[] {
  return [...authStatements(edge), { kind: "set-variable", name: NAMES.callerVar, value: callerExpr(edge) }];
}

/** Token metrics per route, side (and variant); at most 5 dimensions. */
export function tokenMetricStatements(edge: EdgeSpec, withVariant: boolean): Statement[] {
  const dims: Array<{ name: string; value?: Expr }> = [
    { name: "API ID" },
    { name: "Subscription ID" },
    { name: "Route", value: variable(NAMES.routeVar, "string") },
    { name: "Target", value: variable(NAMES.labelVar, "string") },
  ];
  if (withVariant) dims.push({ name: "Variant", value: variable(NAMES.variantVar, "string") });
  for (const d of edge.metrics?.extraDimensions ?? []) dims.push({ name: d.name, value: requestHeader(d.header, "") });
  if (dims.length > LIMITS.metricDimensions)
    throw new PolicyLimitError(
      gatewayPath("metrics", "extraDimensions"),
      `token metrics would carry ${dims.length} dimensions (${dims.map((d) => d.name).join(", ")}); APIM allows at most ${LIMITS.metricDimensions} per emit policy; drop ${dims.length - LIMITS.metricDimensions} extra dimension(s)`,
    );
  return [{ kind: "azure-openai-emit-token-metric", namespace: edge.metrics?.namespace ?? DEFAULT_METRIC_NAMESPACE, dimensions: dims }];
}
