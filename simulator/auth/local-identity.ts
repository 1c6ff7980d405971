// A local stand-in for Microsoft Entra ID's token signing keys, for tests, demos and simulations:
// one RSA key pair per process, published as a JWKS that the emulator's validate-jwt and
// validate-azure-ad-token use in place of every `openid-config` URL (there is no Entra offline).
// Tokens are RS256 JWS signed with node:crypto; the emulator verifies them with `jose`, exactly as
// it verifies anything else, so a token signed by another key, unsigned (`alg: none`), expired or
// for the wrong audience is refused.
import { createPublicKey, generateKeyPairSync, randomUUID, sign, type KeyObject } from "node:crypto";
import type { JSONWebKeySet } from "jose";

export interface LocalIdentity {
  /** Key id (`kid`) of the signing key. */
  readonly kid: string;
  /** The public key set the emulator validates against. */
  readonly jwks: JSONWebKeySet;
  /** A compact RS256 JWT of `claims`, signed by this identity's key. */
  sign(claims: Record<string, unknown>): string;
}

const b64url = (value: string | Buffer): string => Buffer.from(value).toString("base64url");

/** A new key pair; `localIdentity()` is the process-wide one every emulator defaults to. */
export function createLocalIdentity(): LocalIdentity {
  const privateKey: KeyObject = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey;
  const kid = `aoai-fleet-local-${randomUUID().slice(0, 8)}`;
  const publicJwk = createPublicKey(privateKey).export({ format: "jwk" });
  const jwks: JSONWebKeySet = { keys: [{ ...publicJwk, kid, alg: "RS256", use: "sig" }] };
  return {
    kid,
    jwks,
    sign(claims) {
      const input = `${b64url(JSON.stringify({ alg: "RS256", typ: "JWT", kid }))}.${b64url(JSON.stringify(claims))}`;
      return `${input}.${b64url(sign("sha256", Buffer.from(input), privateKey))}`;
    },
  };
}

let processIdentity: LocalIdentity | undefined;

/** The process-wide local identity (generated on first use). */
export function localIdentity(): LocalIdentity {
  processIdentity ??= createLocalIdentity();
  return processIdentity;
}

/** Entra's v2.0 issuer for a tenant, as `validate-jwt` lists it first. */
export function entraIssuer(tenantId: string): string {
  return `https://login.microsoftonline.com/${tenantId}/v2.0`;
}

export interface EntraTokenRequest {
  tenantId: string;
  audience: string;
  /** Caller's object id (`oid`, also `sub`); default a random GUID. */
  objectId?: string;
  /** Client application id (`azp`), for gateways that allow only some client apps. */
  clientAppId?: string;
  /** Lifetime in seconds (default 3600). */
  ttlSeconds?: number;
  /** Issue time in seconds since the epoch (default now). */
  nowSeconds?: number;
  /** Extra claims (roles, scp, …). */
  claims?: Record<string, unknown>;
}

/** An Entra-shaped v2.0 access token signed by `identity`. */
export function entraToken(identity: LocalIdentity, request: EntraTokenRequest): string {
  const now = request.nowSeconds ?? Math.floor(Date.now() / 1000);
  const oid = request.objectId ?? randomUUID();
  return identity.sign({
    aud: request.audience,
    iss: entraIssuer(request.tenantId),
    iat: now,
    nbf: now,
    exp: now + (request.ttlSeconds ?? 3600),
    tid: request.tenantId,
    oid,
    sub: oid,
    ver: "2.0",
    ...(request.clientAppId ? { azp: request.clientAppId } : {}),
    ...request.claims,
  });
}
