// The on-error section: every error the gateway itself produces reaches the client in Azure OpenAI's
// body shape, `{"error":{"code","message"}}`, built from context.LastError with Newtonsoft's JSON
// writer (jsonText), so no error text can break the JSON or the XML. The SDKs read `error.message`
// from exactly this shape; APIM's own `{"statusCode","message"}` makes them print "(no body)".
//   transport failure      → 502 BackendConnectionFailure / 504 Timeout, naming the route (or, for a
//                            request bound to a stored response, the account that holds it)
//   every member busy      → 429 + Retry-After / retry-after-ms at the earliest moment one frees
//                            (exhaustion.ts; APIM's pool answers 503 and on-error sees that 503)
//   body not JSON          → 400 (the body read carries the policy id `aoai-read-body`)
//   caller's token limit   → 429 + Retry-After (and retry-after-ms); its token quota → 403
//   token validation       → 401
//   anything else          → the gateway's status (500 when there is none), LastError's reason and message
// What never reaches this section (APIM answers before the API's policy runs, in its own shape): a
// path that matches no operation (404 "Resource not found") and a missing or invalid subscription key
// (401); see docs/gateway.md.
import type { SetHeader, Statement } from "../ast";
import type { Expr } from "../expr/ast";
import { concat, conditional, ctx, eq, int, jsonObject, jsonText, or, responseHeader, statusIs, str, times, tryParseLong, variable } from "../expr/helpers";
import { authorityOf, hasAffinity, ownerPhrase } from "./affinity";
import { NAMES } from "./edge";
import { earliestFreeStatements, poolExhausted, recordTransportFailure, retryAfterHeaders, EXHAUSTION_VARS, type BreakerSpec, type TrackedMember, type TrackedPool } from "./exhaustion";
import { accountBackendId, wholePoolTwins } from "./responses";
import { exhaustedPoolKey } from "./responses-failover";
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
  /** A per-caller token limit or quota is configured (its 429/403 in the error shape). */
  limits: boolean;
}

/** 502 BackendConnectionFailure or 504 Timeout, saying which and where. */
function transportAnswer(spec: ErrorSpec): Statement {
  // LastError.Message of a transport failure can name the backend host; callers get the reason only (exposure.ts).
  const pool = concat(str("No backend of route "), route(), str(" answered after the gateway's retries ("), reason(), str(")."));
  const text = spec.affinity
    ? conditional(hasAffinity(), concat(ownerPhrase(), str(" did not answer ("), reason(), str("). A stored response lives only on that account, so the gateway does not send the request elsewhere.")), pool)
    : pool;
  return jsonAnswer(conditional(eq(reason(), str("Timeout")), { kind: "int", value: 504 }, { kind: "int", value: 502 }), undefined, body(reason(), text), spec.headers);
}

/** A pool as the exhaustion records know it (members by account authority and deployment). */
export function trackedPool(pool: PoolDefinition, inventory: BackendInventory): TrackedPool {
  return { poolId: pool.poolId, family: pool.family === "account" ? "account" : "deployment", members: trackedMembers(pool, inventory) };
}

/** Backend id → URL, account twins included (they share their deployment backend's account); built once per inventory. */
const urlsByInventory = new WeakMap<BackendInventory, ReadonlyMap<string, string | undefined>>();
function urlsOf(inventory: BackendInventory): ReadonlyMap<string, string | undefined> {
  const known = urlsByInventory.get(inventory);
  if (known) return known;
  const urls = new Map(inventory.backends.flatMap((b) => [[b.backendId, b.url] as const, [accountBackendId(b.backendId), b.url] as const]));
  urlsByInventory.set(inventory, urls);
  return urls;
}

function trackedMembers(pool: PoolDefinition, inventory: BackendInventory): TrackedMember[] {
  const urlOf = urlsOf(inventory);
  return pool.members.map((m) => {
    const url = urlOf.get(m.backendId);
    return { authority: url ? authorityOf(url) : undefined, deployment: m.deployment };
  });
}

/**
 * 429 + Retry-After at the earliest reopening among the chosen pool's members; for a Responses create
 * that walked the groups of a pool mixing names, among every group's members (responses-failover.ts).
 */
function exhaustionAnswer(b: BreakerSpec, spec: ErrorSpec): Statement[] {
  const wait = variable(EXHAUSTION_VARS.waitMs, "long");
  const text = concat(str("Every backend of route "), route(), str(" that serves this request is busy (throttled or failing); the earliest is free again in "), wait, str(" ms. Retry after that."));
  const whole = wholePoolTwins(spec.pools);
  return earliestFreeStatements(
    b,
    [...spec.pools, ...whole].map((p) => trackedPool(p, spec.inventory)),
    whole.length > 0 ? exhaustedPoolKey() : variable(NAMES.targetVar, "string"),
    [jsonAnswer(429, "Too Many Requests", body(str("429"), text), [...retryAfterHeaders(), ...spec.headers])],
  );
}

/**
 * The caller's own token limit (429, Retry-After kept and given in ms too) or quota (403), from the
 * limit's answer in context.Response. APIM documents neither whether on-error runs for these limits
 * nor what it then holds; the emulator runs on-error with the limit's answer (docs/clients.md).
 */
function tokenLimitAnswer(spec: ErrorSpec): Statement {
  // Null-safe: should context.Response be empty here, the limit's window (a minute) is the wait.
  const seconds = conditional({ kind: "hasResponse" }, responseHeader("Retry-After", "60"), str("60"));
  return {
    kind: "choose",
    when: [{ condition: statusIs(403), policies: [jsonAnswer(403, "Forbidden", body(str("403"), message()), spec.headers)] }],
    otherwise: [
      jsonAnswer(429, "Too Many Requests", body(str("429"), concat(message(), str(" Retry after "), seconds, str(" seconds."))), [
        { kind: "set-header", name: "Retry-After", existsAction: "override", values: [seconds] },
        { kind: "set-header", name: "retry-after-ms", existsAction: "override", values: [concat(str(""), times(tryParseLong(seconds, 60), int(1000)))] },
        ...spec.headers,
      ]),
    ],
  };
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
      condition: poolExhausted(),
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
  if (spec.limits) when.push({ condition: or(eq(ctx("lastErrorSource"), str("azure-openai-token-limit")), eq(ctx("lastErrorSource"), str("llm-token-limit"))), policies: [tokenLimitAnswer(spec)] });
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
