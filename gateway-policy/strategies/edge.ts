// Edge policies shared by every route: caller authentication, per-consumer token limit, managed-identity
// auth to Azure OpenAI, token metrics and the response headers that say who served.
import type { Statement } from "../ast";
import type { Expr } from "../expr/ast";
import { concat, ctx, requestHeader, tokenClaim, variable } from "../expr/helpers";
import { gatewayPath, LIMITS, PolicyLimitError } from "../limits";
import type { EdgeSpec } from "./types";

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
  canaryHeader: "x-aoai-canary",
  slotHeader: "x-aoai-slot",
  variantHeader: "x-aoai-variant",
  backendHeader: "x-aoai-backend",
  routeHeader: "x-aoai-route",
  targetHeader: "x-aoai-target",
  shadowOfHeader: "x-aoai-shadow-of",
  /** Which client surface the request came in on: deployment, v1, responses, response. */
  surfaceVar: "aoai-surface",
  /** The route the client named (path deployment or body `model`). */
  modelVar: "aoai-model",
  /** Deployment a Responses request's body must name (the chosen pool's or the stored response's). */
  deploymentVar: "aoai-deployment",
  /** The stored response a request names (`previous_response_id` or the `{response-id}` path). */
  responseIdVar: "aoai-response-id",
  /** `stream` of a Responses create, as text ("True" when streamed). */
  streamVar: "aoai-stream",
  /** Policy id of the statements that read the JSON request body (LastError.PolicyId when it is not JSON). */
  readBodyId: "aoai-read-body",
} as const;

export const COGNITIVE_SERVICES_RESOURCE = "https://cognitiveservices.azure.com";
export const DEFAULT_API_VERSION = "2024-10-21";

const isEntra = (edge: EdgeSpec): edge is EdgeSpec & { auth: { entra: { tenantId: string; audiences: string[]; clientApplicationIds?: string[] } } } =>
  edge.auth !== undefined && "entra" in edge.auth;

/** Who the caller is: the token's `oid` with Entra auth, else the APIM subscription id. */
export function callerExpr(edge: EdgeSpec): Expr {
  return isEntra(edge) ? tokenClaim(NAMES.tokenVar, "oid") : ctx("subscriptionId");
}

function authStatements(edge: EdgeSpec): Statement[] {
  if (!isEntra(edge)) return [];
  const e = edge.auth.entra;
  // validate-azure-ad-token requires client application ids; without them validate-jwt checks the same
  // tenant-issued token against the tenant's OpenID configuration.
  if (e.clientApplicationIds && e.clientApplicationIds.length > 0)
    return [{ kind: "validate-azure-ad-token", tenantId: e.tenantId, headerName: "Authorization", failedValidationHttpCode: 401, outputTokenVariableName: NAMES.tokenVar, clientApplicationIds: e.clientApplicationIds, audiences: e.audiences }];
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
      audiences: e.audiences,
      issuers: [`https://login.microsoftonline.com/${e.tenantId}/v2.0`, `https://sts.windows.net/${e.tenantId}/`],
    },
  ];
}

/** Inbound, before routing: authenticate, identify the caller, limit tokens (api-version: surface.ts). */
export function edgeInbound(edge: EdgeSpec): Statement[] {
  const out: Statement[] = [...authStatements(edge), { kind: "set-variable", name: NAMES.callerVar, value: callerExpr(edge) }];
  if (edge.limits) {
    const key: Expr = edge.limits.counterKey === "ip" ? ctx("ipAddress") : edge.limits.counterKey === "user" ? variable(NAMES.callerVar, "string") : ctx("subscriptionId");
    out.push({
      kind: "azure-openai-token-limit",
      counterKey: key,
      tokensPerMinute: edge.limits.tokensPerMinute,
      estimatePromptTokens: true,
      remainingTokensHeaderName: "x-ratelimit-remaining-tokens",
      tokensConsumedHeaderName: "x-aoai-tokens-consumed",
    });
  }
  return out;
}

/** Swap the client's credentials for the gateway's managed identity (token kept for shadow copies). */
export function managedIdentityStatements(): Statement[] {
  return [
    { kind: "authentication-managed-identity", resource: COGNITIVE_SERVICES_RESOURCE, outputTokenVariableName: NAMES.msiTokenVar },
    { kind: "set-header", name: "Authorization", existsAction: "override", values: [concat({ kind: "string", value: "Bearer " }, variable(NAMES.msiTokenVar, "string"))] },
    // The client's key (APIM subscription key sent as api-key) must never reach Azure OpenAI.
    { kind: "set-header", name: "api-key", existsAction: "delete", values: [] },
  ];
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
  return [
    { kind: "azure-openai-emit-token-metric", namespace: edge.metrics?.namespace ?? "aoai-fleet", dimensions: dims },
  ];
}

/** Outbound/on-error headers naming the route, the side and the backend host that served. */
export function servedByHeaders(withVariant: boolean, includeBackend: boolean): Statement[] {
  const out: Statement[] = [];
  if (includeBackend) out.push({ kind: "set-header", name: NAMES.backendHeader, existsAction: "override", values: [ctx("backendHost")] });
  out.push({ kind: "set-header", name: NAMES.routeHeader, existsAction: "override", values: [variable(NAMES.routeVar, "string")] });
  out.push({ kind: "set-header", name: NAMES.targetHeader, existsAction: "override", values: [variable(NAMES.labelVar, "string")] });
  if (withVariant) out.push({ kind: "set-header", name: NAMES.variantHeader, existsAction: "override", values: [variable(NAMES.variantVar, "string")] });
  return out;
}
