// validate-jwt and validate-azure-ad-token as APIM enforces them: the token must be signed by a key
// of the configured key set (the local JWKS stands in for every `openid-config` URL and for Entra's
// keys: there is no Entra offline), `alg: none` is refused while `require-signed-tokens` is on (its
// default), and issuer, audience, expiry, not-before, client application and required claims are
// checked. Failures answer `failed-validation-httpcode` (401) with APIM's body and go to on-error
// with APIM's LastError.Reason and, where Learn's error-handling page gives it, its Message
// ("Predefined errors for policies", https://learn.microsoft.com/azure/api-management/api-management-error-handling-policies):
// TokenNotPresent "JWT not present.", TokenClaimNotFound "JWT is missing the following claims:
// <c1>, <c2>. Access denied.", TokenClaimValueNotAllowed "Claim <name> value of <value> is not
// allowed. Access denied.", and "<message from jwt library>. Access denied." for signature, audience,
// issuer, expiry and key failures (the library's own text is not documented: ours stands in for it).
// The work is synchronous on purpose: the discrete-event simulator runs on a virtual clock that only
// waits for microtasks, so an asynchronous verification (WebCrypto, hence jose's jwtVerify) would
// either stall a run or let requests at the same virtual time finish in a different order on every
// run. jose decodes the token (header and claims); node:crypto checks the signature.
import { createPublicKey, verify as verifySignature, type JsonWebKey, type KeyObject } from "node:crypto";
import { decodeJwt, decodeProtectedHeader, type JSONWebKeySet, type JWK, type JWTPayload } from "jose";
import type { RequiredClaim, ValidateAzureAdToken, ValidateJwt } from "../../gateway-policy/ast";
import { jsonResponse } from "../http-types";
import { localIdentity } from "../auth/local-identity";
import { PolicyRuntimeError } from "./errors";
import type { JwtValue } from "./expressions";
import type { Machine } from "./statements";
import type { RequestState } from "./state";

/** Signature algorithms accepted from Entra-style key sets (RSA and EC; never `none` or HMAC), as node:crypto verifies them. */
const ALGORITHMS: Record<string, { kty: "RSA" | "EC"; hash: string; pss?: boolean; crv?: string }> = {
  RS256: { kty: "RSA", hash: "sha256" },
  RS384: { kty: "RSA", hash: "sha384" },
  RS512: { kty: "RSA", hash: "sha512" },
  PS256: { kty: "RSA", hash: "sha256", pss: true },
  PS384: { kty: "RSA", hash: "sha384", pss: true },
  PS512: { kty: "RSA", hash: "sha512", pss: true },
  ES256: { kty: "EC", hash: "sha256", crv: "P-256" },
  ES384: { kty: "EC", hash: "sha384", crv: "P-384" },
  ES512: { kty: "EC", hash: "sha512", crv: "P-521" },
};

const publicKeys = new WeakMap<JWK, KeyObject>();
function publicKeyOf(jwk: JWK): KeyObject {
  let key = publicKeys.get(jwk);
  if (!key) {
    key = createPublicKey({ key: jwk as JsonWebKey, format: "jwk" });
    publicKeys.set(jwk, key);
  }
  return key;
}

/** The signature check of a compact JWS: a key of the set that fits `kid`/`alg` must verify it. */
function signatureProblem(token: string, alg: string, kid: string | undefined, jwks: JSONWebKeySet): [string, string] | undefined {
  const spec = ALGORITHMS[alg];
  if (!spec) return ["TokenSignatureInvalid", `Token signing algorithm ${alg} is not allowed.`];
  const candidates = jwks.keys.filter((k) => k.kty === spec.kty && (kid === undefined || k.kid === kid) && (k.alg === undefined || k.alg === alg) && (k.use === undefined || k.use === "sig") && (spec.crv === undefined || k.crv === spec.crv));
  if (candidates.length === 0) return ["TokenSignatureKeyNotFound", "No key of the key set matches the token's signing key."];
  const dot = token.lastIndexOf(".");
  const input = Buffer.from(token.slice(0, dot), "ascii");
  const signature = Buffer.from(token.slice(dot + 1), "base64url");
  for (const jwk of candidates) {
    const key = publicKeyOf(jwk);
    const options = spec.pss ? { key, padding: 6 /* RSA_PKCS1_PSS_PADDING */, saltLength: -1 /* digest length */ } : spec.kty === "EC" ? { key, dsaEncoding: "ieee-p1363" as const } : key;
    if (verifySignature(spec.hash, input, options, signature)) return undefined;
  }
  return ["TokenSignatureInvalid", "Token signature is invalid."];
}

/** Claims as the policy's `Jwt.Claims` sees them: every value a string (arrays comma-joined). */
function flatClaims(payload: JWTPayload): Record<string, string> {
  return Object.fromEntries(
    Object.entries(payload).map(([k, v]) => [k, Array.isArray(v) ? v.map((x) => (typeof x === "object" ? JSON.stringify(x) : String(x))).join(",") : typeof v === "object" && v !== null ? JSON.stringify(v) : String(v)]),
  );
}

/** APIM's suffix on the jwt library's message for signature, audience, issuer, expiry and key failures. */
const DENIED = " Access denied.";

/**
 * `<required-claims>`: every claim present (all missing ones named in one TokenClaimNotFound, as
 * Learn's message lists them); with values, all (default) or any of them in the claim.
 */
function checkRequiredClaims(payload: JWTPayload, required: readonly RequiredClaim[], fail: (reason: string, detail: string) => never): void {
  const missing = required.filter((c) => payload[c.name] === undefined || payload[c.name] === null).map((c) => c.name);
  if (missing.length > 0) fail("TokenClaimNotFound", `JWT is missing the following claims: ${missing.join(", ")}.${DENIED}`);
  for (const claim of required) {
    if (claim.values.length === 0) continue;
    const raw = payload[claim.name];
    const present = Array.isArray(raw)
      ? raw.map(String)
      : claim.separator
        ? String(raw).split(claim.separator)
        : [String(raw)];
    const ok = claim.match === "any" ? claim.values.some((v) => present.includes(v)) : claim.values.every((v) => present.includes(v));
    // The claim's value as the policy's Jwt.Claims shows it (an array comma-joined); Learn does not say how APIM prints an array.
    if (!ok) fail("TokenClaimValueNotAllowed", `Claim ${claim.name} value of ${present.join(",")} is not allowed.${DENIED}`);
  }
}

export function validateToken(m: Machine, state: RequestState, s: ValidateAzureAdToken | ValidateJwt): void {
  const status = s.failedValidationHttpCode ?? 401;
  const fail = (reason: string, detail: string): never => {
    const response = jsonResponse(status, { statusCode: status, message: s.failedValidationErrorMessage ?? detail });
    throw new PolicyRuntimeError(reason, detail, s.kind, response);
  };
  const presented = state.request.headers[(s.headerName ?? "Authorization").toLowerCase()];
  if (!presented) fail("TokenNotPresent", "JWT not present.");
  const scheme = s.kind === "validate-jwt" ? s.requireScheme : "Bearer";
  const bearer = /^(\S+)\s+(.+)$/.exec(presented!.trim());
  if (scheme && (!bearer || bearer[1]!.toLowerCase() !== scheme.toLowerCase())) fail("TokenNotFound", `No ${scheme} token: the authorization scheme must be ${scheme}.`); // APIM documents no reason of its own for the scheme
  const token = bearer ? bearer[2]! : presented!.trim();

  let header: { alg?: string; kid?: string };
  let payload: JWTPayload;
  try {
    header = decodeProtectedHeader(token);
    payload = decodeJwt(token);
  } catch {
    return fail("JwtInvalid", "Access token is not a valid JWT.");
  }
  const requireSigned = s.kind === "validate-azure-ad-token" || s.requireSignedTokens !== false;
  if (header.alg === "none" && requireSigned) fail("TokenSignatureInvalid", `Unsigned tokens (alg none) are not accepted.${DENIED}`);
  if (header.alg === "none") fail("JwtInvalid", "Unsigned tokens cannot be validated against a key set by the emulator.");
  const bad = signatureProblem(token, header.alg ?? "", header.kid, m.options.jwks ?? localIdentity().jwks);
  if (bad) fail(bad[0], `${bad[1]}${DENIED}`);

  const now = Math.floor(Date.now() / 1000);
  const requireExp = s.kind === "validate-azure-ad-token" || s.requireExpirationTime !== false;
  if (payload.exp === undefined && requireExp) fail("TokenClaimNotFound", `JWT is missing the following claims: exp.${DENIED}`);
  if (payload.exp !== undefined && (typeof payload.exp !== "number" || payload.exp <= now)) fail("TokenExpired", `Access token has expired.${DENIED}`);
  if (payload.nbf !== undefined && (typeof payload.nbf !== "number" || payload.nbf > now)) fail("JwtInvalid", "Access token is not valid yet.");
  const issuers = s.kind === "validate-azure-ad-token" ? [`https://login.microsoftonline.com/${s.tenantId}/v2.0`, `https://sts.windows.net/${s.tenantId}/`] : s.issuers;
  if (issuers.length > 0 && !issuers.includes(String(payload.iss ?? ""))) fail("TokenIssuerNotAllowed", `Token issuer is not allowed.${DENIED}`);
  const audiences = Array.isArray(payload.aud) ? payload.aud : payload.aud === undefined ? [] : [payload.aud];
  if (s.audiences.length > 0 && !s.audiences.some((a) => audiences.includes(a))) fail("TokenAudienceNotAllowed", `Token audience is not allowed.${DENIED}`);
  if (s.kind === "validate-azure-ad-token") {
    if (payload.tid !== undefined && payload.tid !== s.tenantId) fail("TokenIssuerNotAllowed", `Token tenant is not ${s.tenantId}.${DENIED}`);
    const app = String(payload.azp ?? payload.appid ?? "");
    if (s.clientApplicationIds.length > 0 && !s.clientApplicationIds.includes(app)) fail("TokenClaimValueNotAllowed", `Claim ${payload.azp !== undefined ? "azp" : "appid"} value of ${app} is not allowed.${DENIED}`);
  }
  checkRequiredClaims(payload, s.requiredClaims ?? [], fail);
  if (s.outputTokenVariableName) state.variables.set(s.outputTokenVariableName, { kind: "jwt", claims: flatClaims(payload) } satisfies JwtValue);
}
