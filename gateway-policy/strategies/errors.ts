// The on-error section: every error the gateway itself produces reaches the client in Azure OpenAI's
// body shape, `{"error":{"code","message"}}`, built from context.LastError with Newtonsoft's JSON
// writer (jsonText), so no error text can break the JSON or the XML. The SDKs read `error.message`
// from exactly this shape; APIM's own `{"statusCode","message"}` makes them print "(no body)".
//   transport failure      → 502 BackendConnectionFailure / 504 Timeout, naming the route (or, for a
//                            request bound to a stored response, the account that holds it)
//   every member busy      → 429 + Retry-After / retry-after-ms at the earliest moment one frees
//                            (exhaustion.ts; APIM's pool answers 503 and on-error sees that 503)
//   body not JSON          → 400 (the body read carries the policy id `aoai-read-body`)
//   token validation       → 401
//   anything else          → the gateway's status (500 when there is none), LastError's reason and message
// What never reaches this section (APIM answers before the API's policy runs, in its own shape): a
// path that matches no operation (404 "Resource not found") and a missing or invalid subscription key
// (401); see docs/gateway.md.
import type { SetHeader, Statement } from "../ast";
import type { Expr } from "../expr/ast";
import { and, concat, conditional, ctx, eq, jsonObject, jsonText, or, str, variable } from "../expr/helpers";
import { authorityOf, hasAffinity, ownerPhrase } from "./affinity";
import { NAMES } from "./edge";
import { earliestFreeStatements, recordTransportFailure, retryAfterHeaders, EXHAUSTION_VARS, type BreakerSpec, type TrackedMember, type TrackedPool } from "./exhaustion";
import { jsonAnswer, surfaceIs } from "./surface";
import type { BackendInventory, PoolDefinition } from "./types";

/** validate-jwt / validate-azure-ad-token failure reasons (APIM error-handling reference). */
export const TOKEN_ERROR_REASONS = [
  "TokenNotPresent", "TokenNotFound", "TokenSignatureInvalid", "TokenAudienceNotAllowed", "TokenIssuerNotAllowed", "TokenExpired",
  "TokenSignatureKeyNotFound", "TokenClaimNotFound", "TokenClaimValueNotAllowed", "JwtInvalid",
] as const;

const reason = (): Expr => ctx("lastErrorReason");
const message = (): Expr => ctx("lastErrorMessage");
const route = (): Expr => variable(NAMES.routeVar, "string");
const body = (code: Expr, text: Expr): Expr => jsonText({ error: jsonObject({ code, message: text }) });

export interface ErrorSpec {
  breaker?: BreakerSpec;
  /** Every pool the policy can target (deployment pools and their Responses twins). */
  pools: readonly PoolDefinition[];
  inventory: BackendInventory;
  /** Response headers every answer carries (route, target, variant). */
  headers: SetHeader[];
  /** Requests can be bound to a stored response (their failures name its account). */
  affinity: boolean;
  /** Callers present tokens (validate-jwt failures become 401 in the error shape). */
  tokens: boolean;
}

/** 502 BackendConnectionFailure or 504 Timeout, saying which and where. */
function transportAnswer(spec: ErrorSpec): Statement {
  const pool = concat(str("No backend of route "), route(), str(" answered after the gateway's retries ("), reason(), str(": "), message(), str(")."));
  const text = spec.affinity
    ? conditional(hasAffinity(), concat(ownerPhrase(), str(" did not answer ("), reason(), str(": "), message(), str("). A stored response lives only on that account, so the gateway does not send the request elsewhere.")), pool)
    : pool;
  return jsonAnswer(conditional(eq(reason(), str("Timeout")), { kind: "int", value: 504 }, { kind: "int", value: 502 }), undefined, body(reason(), text), spec.headers);
}

function trackedPool(pool: PoolDefinition, inventory: BackendInventory): TrackedPool {
  return { poolId: pool.poolId, family: pool.family === "account" ? "account" : "deployment", members: trackedMembers(pool, inventory) };
}

function trackedMembers(pool: PoolDefinition, inventory: BackendInventory): TrackedMember[] {
  const urlOf = new Map(inventory.backends.map((b) => [b.backendId, b.url]));
  return pool.members.map((m) => {
    // Account twins carry the `-resp` suffix; their account is the deployment backend's.
    const url = urlOf.get(m.backendId) ?? urlOf.get(m.backendId.replace(/-resp$/, ""));
    return { authority: url ? authorityOf(url) : undefined, deployment: m.deployment };
  });
}

/** 429 + Retry-After at the earliest reopening among the chosen pool's members. */
function exhaustionAnswer(b: BreakerSpec, spec: ErrorSpec): Statement[] {
  const wait = variable(EXHAUSTION_VARS.waitMs, "long");
  const text = concat(str("Every backend of route "), route(), str(" is busy (throttled or failing); the earliest is free again in "), wait, str(" ms. Retry after that."));
  return earliestFreeStatements(
    b,
    spec.pools.map((p) => trackedPool(p, spec.inventory)),
    variable(NAMES.targetVar, "string"),
    [jsonAnswer(429, "Too Many Requests", body(str("429"), text), [...retryAfterHeaders(), ...spec.headers])],
  );
}

/** The on-error section after `<base/>`. */
export function onErrorStatements(spec: ErrorSpec): Statement[] {
  const familyIsAccount = surfaceIs("responses");
  const deployment = variable(NAMES.deploymentVar, "string");
  const when: Array<{ condition: Expr; policies: Statement[] }> = [
    { condition: or(eq(reason(), str("BackendConnectionFailure")), eq(reason(), str("Timeout"))), policies: [transportAnswer(spec)] },
  ];
  if (spec.breaker) {
    when.push({
      condition: and(eq(ctx("lastErrorSource"), str("forward-request")), { kind: "hasResponse" }, eq({ kind: "statusCode" }, { kind: "int", value: 503 })),
      policies: exhaustionAnswer(spec.breaker, spec),
    });
  }
  when.push({
    condition: eq(ctx("lastErrorPolicyId"), str(NAMES.readBodyId)),
    policies: [
      jsonAnswer(
        400,
        "Bad Request",
        jsonText({ error: jsonObject({ code: str("BadRequest"), message: concat(str("The request body is not a valid JSON object: "), message()), param: { kind: "null" }, type: str("invalid_request_error") }) }),
        spec.headers,
      ),
    ],
  });
  if (spec.tokens) when.push({ condition: or(...TOKEN_ERROR_REASONS.map((r) => eq(reason(), str(r)))), policies: [jsonAnswer(401, "Unauthorized", body(str("401"), message()), spec.headers)] });
  return [
    ...(spec.breaker ? recordTransportFailure(spec.breaker, familyIsAccount, deployment) : []),
    {
      kind: "choose",
      when,
      otherwise: [
        jsonAnswer(
          conditional({ kind: "hasResponse" }, { kind: "statusCode" }, { kind: "int", value: 500 }),
          undefined,
          body(conditional(eq(reason(), str("")), str("InternalServerError"), reason()), message()),
          spec.headers,
        ),
      ],
    },
  ];
}
