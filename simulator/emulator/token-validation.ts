// validate-jwt and validate-azure-ad-token as APIM enforces them, with `jose` doing the JWS work:
// the token must be signed by a key of the configured key set (the local JWKS stands in for every
// `openid-config` URL and for Entra's keys: there is no Entra offline), `alg: none` is refused while
// `require-signed-tokens` is on (its default), and issuer, audience, expiry, not-before, client
// application and required claims are checked. Failures answer `failed-validation-httpcode`
// (401) with APIM's body and go to on-error with APIM's LastError.Reason.
import { createLocalJWKSet, decodeProtectedHeader, errors, jwtVerify, type JSONWebKeySet, type JWTPayload, type JWTVerifyOptions } from "jose";
import type { RequiredClaim, ValidateAzureAdToken, ValidateJwt } from "../../gateway-policy/ast";
import { jsonResponse } from "../http-types";
import { localIdentity } from "../auth/local-identity";
import { PolicyRuntimeError } from "./errors";
import type { JwtValue } from "./expressions";
import type { Machine } from "./statements";
import type { RequestState } from "./state";

/** Signature algorithms accepted from Entra-style key sets (RSA and EC; never `none` or HMAC). */
const ALGORITHMS: JWTVerifyOptions["algorithms"] = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512"];

const keySets = new WeakMap<JSONWebKeySet, ReturnType<typeof createLocalJWKSet>>();
function keySetOf(jwks: JSONWebKeySet): ReturnType<typeof createLocalJWKSet> {
  let set = keySets.get(jwks);
  if (!set) {
    set = createLocalJWKSet(jwks);
    keySets.set(jwks, set);
  }
  return set;
}

/** Claims as the policy's `Jwt.Claims` sees them: every value a string (arrays comma-joined). */
function flatClaims(payload: JWTPayload): Record<string, string> {
  return Object.fromEntries(
    Object.entries(payload).map(([k, v]) => [k, Array.isArray(v) ? v.map((x) => (typeof x === "object" ? JSON.stringify(x) : String(x))).join(",") : typeof v === "object" && v !== null ? JSON.stringify(v) : String(v)]),
  );
}

/** `<required-claims>`: each claim present; with values, all (default) or any of them in the claim. */
function checkRequiredClaims(payload: JWTPayload, required: readonly RequiredClaim[], fail: (reason: string, detail: string) => never): void {
  for (const claim of required) {
    const raw = payload[claim.name];
    if (raw === undefined || raw === null) fail("TokenClaimNotFound", `Required claim ${claim.name} is missing.`);
    if (claim.values.length === 0) continue;
    const present = Array.isArray(raw)
      ? raw.map(String)
      : claim.separator
        ? String(raw).split(claim.separator)
        : [String(raw)];
    const ok = claim.match === "any" ? claim.values.some((v) => present.includes(v)) : claim.values.every((v) => present.includes(v));
    if (!ok) fail("TokenClaimValueNotAllowed", `Claim ${claim.name} does not have the required value${claim.values.length > 1 ? "s" : ""}.`);
  }
}

/** jose's verdict → APIM's LastError.Reason and a message. */
function reasonOf(error: unknown): [string, string] {
  if (error instanceof errors.JWTExpired) return ["TokenExpired", "Access token has expired."];
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.claim === "iss") return ["TokenIssuerNotAllowed", "Token issuer is not allowed."];
    if (error.claim === "aud") return ["TokenAudienceNotAllowed", "Token audience is not allowed."];
    if (error.reason === "missing") return ["TokenClaimNotFound", `Required claim ${error.claim} is missing.`];
    return ["JwtInvalid", `Token claim ${error.claim} is not valid (${error.message}).`];
  }
  if (error instanceof errors.JWSSignatureVerificationFailed) return ["TokenSignatureInvalid", "Token signature is invalid."];
  if (error instanceof errors.JWKSNoMatchingKey) return ["TokenSignatureKeyNotFound", "No key of the key set matches the token's signing key."];
  if (error instanceof errors.JOSEAlgNotAllowed) return ["TokenSignatureInvalid", "Token signing algorithm is not allowed."];
  return ["JwtInvalid", "Access token is not a valid JWT."];
}

export async function validateToken(m: Machine, state: RequestState, s: ValidateAzureAdToken | ValidateJwt): Promise<void> {
  const status = s.failedValidationHttpCode ?? 401;
  const fail = (reason: string, detail: string): never => {
    const response = jsonResponse(status, { statusCode: status, message: s.failedValidationErrorMessage ?? detail });
    throw new PolicyRuntimeError(reason, detail, s.kind, response);
  };
  const header = state.request.headers[(s.headerName ?? "Authorization").toLowerCase()];
  if (!header) fail("TokenNotFound", "Access token is missing.");
  const scheme = s.kind === "validate-jwt" ? s.requireScheme : "Bearer";
  const bearer = /^(\S+)\s+(.+)$/.exec(header!.trim());
  if (scheme && (!bearer || bearer[1]!.toLowerCase() !== scheme.toLowerCase())) fail("TokenSchemeNotAllowed", `Authorization scheme must be ${scheme}.`);
  const token = bearer ? bearer[2]! : header!.trim();

  let alg: string | undefined;
  try {
    alg = decodeProtectedHeader(token).alg;
  } catch {
    fail("JwtInvalid", "Access token is not a valid JWT.");
  }
  const requireSigned = s.kind === "validate-azure-ad-token" || s.requireSignedTokens !== false;
  if (alg === "none" && requireSigned) fail("TokenSignatureInvalid", "Unsigned tokens (alg none) are not accepted.");
  if (alg === "none") fail("JwtInvalid", "Unsigned tokens cannot be validated against a key set by the emulator.");

  const issuers = s.kind === "validate-azure-ad-token" ? [`https://login.microsoftonline.com/${s.tenantId}/v2.0`, `https://sts.windows.net/${s.tenantId}/`] : s.issuers;
  const requireExp = s.kind === "validate-azure-ad-token" || s.requireExpirationTime !== false;
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(token, keySetOf(m.options.jwks ?? localIdentity().jwks), {
      algorithms: ALGORITHMS,
      ...(issuers.length > 0 ? { issuer: issuers } : {}),
      ...(s.audiences.length > 0 ? { audience: s.audiences } : {}),
      ...(requireExp ? { requiredClaims: ["exp"] } : {}),
    }));
  } catch (error) {
    const [reason, detail] = reasonOf(error);
    return fail(reason, detail);
  }
  if (s.kind === "validate-azure-ad-token") {
    if (payload.tid !== undefined && payload.tid !== s.tenantId) fail("TokenIssuerNotAllowed", `Token tenant is not ${s.tenantId}.`);
    const app = String(payload.azp ?? payload.appid ?? "");
    if (s.clientApplicationIds.length > 0 && !s.clientApplicationIds.includes(app)) fail("TokenClaimValueNotAllowed", "Client application is not allowed.");
  }
  checkRequiredClaims(payload, s.requiredClaims ?? [], fail);
  if (s.outputTokenVariableName) state.variables.set(s.outputTokenVariableName, { kind: "jwt", claims: flatClaims(payload) } satisfies JwtValue);
}
