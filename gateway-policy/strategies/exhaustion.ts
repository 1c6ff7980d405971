// The exhaustion answer: when no member of the chosen pool can take a request (every circuit breaker
// open), the client gets 429 with `Retry-After` and `retry-after-ms` at the earliest moment a member
// frees, instead of APIM's own 503.
//
// APIM exposes no breaker state to policies (no API reads it; docs issue #119825), so the policy keeps
// its own record, per Azure deployment behind the Singles, of when their breaker reopens ("free at"), with exactly
// the breaker's rule: every failure the rule counts (status in its ranges, or a transport failure in
// its error reasons) sets free-at = now + (the response's Retry-After seconds when acceptRetryAfter and
// present, else the trip duration). The latest failure of a tripped backend is the one that tripped it
// (no call reaches an open breaker), so the latest record is its reopening time whatever the failure
// count of the rule. Records live in the cache (`cache-store-value`: internal, or the external cache
// when one is configured), shared by the gateway's units; a backend with no record or a stale one is
// taken to free at now + trip duration (an upper bound). On exhaustion, on-error reads the records of
// the chosen pool's members and answers with the earliest.
//
// The record is keyed by the backend's identity as the policy can see it after forward-request:
// context.Request.Url's host and port (the member's account) plus its deployment (from the URL path
// on deployment backends, from the Responses deployment variable on account backends): one record per
// Azure deployment, shared by both backend families (see freeAtKey). Building blocks for other
// mechanisms (the wait within a budget, spill) are `freeAtKey`, `memberFreeAtLookup`, `readEarliest`
// and `earliestFreeStatements`.
import type { SetHeader, Statement } from "../ast";
import type { Expr } from "../expr/ast";
import {
  and, concat, conditional, ctx, divide, earliestFresh, eq, int, max, minus, neq, not, nowMs, or, plus, responseHeader, statusIs, str, times, tryParseLong, urlDeployment, variable,
} from "../expr/helpers";
import { NAMES } from "./edge";

/** The breaker rule the policy mirrors (`aoai-fleet:gateway.circuitBreaker` as the component deploys it). */
export interface BreakerSpec {
  /** Trip duration, seconds. */
  tripSeconds: number;
  /** Stay out for the failing response's Retry-After instead of the trip duration. */
  acceptRetryAfter: boolean;
  /** Status ranges that count as failures. */
  statusRanges: ReadonlyArray<{ readonly min: number; readonly max: number }>;
  /** Gateway error reasons (transport failures) that count as failures. */
  errorReasons: readonly string[];
}

/** Which backend family a request went through: deployment-path Singles or account-level (Responses) Singles. */
export type BackendFamily = "deployment" | "account";

/** One member of a pool as the record knows it. */
export interface TrackedMember {
  /** Account authority `host:port` of the member's URL (undefined: unknown, counted as "trip duration from now"). */
  authority: string | undefined;
  deployment: string;
}

export const EXHAUSTION_VARS = {
  /** Prefix of the slots one pool's records are read into (`aoai-free-at-<i>`, text as cached). */
  freeAt: "aoai-free-at",
  /** How many slots the chosen pool filled (int). */
  slots: "aoai-free-slots",
  now: "aoai-now",
  earliest: "aoai-earliest-free",
  waitMs: "aoai-wait-ms",
  /**
   * The pool a twin was swapped in for (string; "" when the request kept its pool). Twins (latency.ts,
   * spill.ts) have their pool's members, so the records are read for that pool.
   */
  basePool: "aoai-base-target",
  /** The pool whose members' records are read: the base pool, else the target. */
  poolOf: "aoai-pool-of",
} as const;

/** Sets `aoai-pool-of` to the chosen pool as the records know it (a twin's base pool, else `target`). */
export function poolOfStatement(target: Expr): Statement {
  const base = variable(EXHAUSTION_VARS.basePool, "string");
  return { kind: "set-variable", name: EXHAUSTION_VARS.poolOf, value: conditional(neq(base, str("")), base, target) };
}

const KEY_PREFIX = "aoai-free-at";
/** How long a record may live beyond its reopening time (the cache never needs it longer). */
const RECORD_SLACK_SECONDS = 5;

/**
 * Design-time key of one member's record: the Azure deployment (account authority + deployment name),
 * whichever backend family reaches it. A deployment's throttling is Azure's, shared by its
 * deployment-path Single and its account-level (Responses) twin, so one record serves both; the twin's
 * own breaker may reopen earlier than a failure seen through the other family says, which makes the
 * answer an upper bound there (the client comes back a little late, never too early). One record per
 * deployment also halves the lookups of a route that serves the Responses API.
 */
export function freeAtKey(member: TrackedMember): string | undefined {
  return member.authority === undefined ? undefined : `${KEY_PREFIX}|${member.authority}|${member.deployment}`;
}

/** Runtime key of the backend the request was just forwarded to (same shape as freeAtKey). */
function forwardedKey(familyIsAccount: Expr, accountDeployment: Expr): Expr {
  return concat(
    str(`${KEY_PREFIX}|`),
    ctx("backendHost"),
    str(":"),
    ctx("backendPort"),
    str("|"),
    conditional(familyIsAccount, accountDeployment, urlDeployment()),
  );
}

/** Milliseconds the breaker stays open after the response now in context.Response. */
export function openForMs(b: BreakerSpec): Expr {
  const trip = int(b.tripSeconds * 1000);
  if (!b.acceptRetryAfter) return trip;
  // The breaker reads Retry-After in seconds (retry-after-ms is not documented for it).
  const seconds = tryParseLong(responseHeader("Retry-After", ""), 0);
  return conditional(compareGt(seconds, int(0)), times(tryParseLong(responseHeader("Retry-After", ""), 0), int(1000)), trip);
}

const compareGt = (left: Expr, right: Expr): Expr => ({ kind: "compare", op: ">", left, right });

/** Stores "free at" = now + wait (ms, as text) under the forwarded backend's key. */
function store(b: BreakerSpec, key: Expr, waitMs: Expr): Statement {
  return { kind: "cache-store-value", key, value: concat(str(""), plus(nowMs(), waitMs)), duration: cacheSecondsFor(b) };
}

/**
 * Inside retry, right after forward-request: record the member's reopening time when its response is
 * a failure the breaker counts.
 */
export function recordResponseFailure(b: BreakerSpec, familyIsAccount: Expr, accountDeployment: Expr): Statement[] {
  const ranges = b.statusRanges.map((r): number | [number, number] => (r.min === r.max ? r.min : [r.min, r.max]));
  const wait = openForMs(b);
  return [
    {
      kind: "choose",
      when: [
        {
          condition: statusIs(...ranges),
          policies: [store(b, forwardedKey(familyIsAccount, accountDeployment), wait)],
        },
      ],
    },
  ];
}

/**
 * Where a transport failure is known (at the start of the next retry attempt, and in on-error): record
 * the member that failed to answer, for the trip duration.
 */
export function recordTransportFailure(b: BreakerSpec, familyIsAccount: Expr, accountDeployment: Expr): Statement[] {
  if (b.errorReasons.length === 0) return [];
  return [
    {
      kind: "choose",
      when: [
        {
          // `aoai-forwarded` (retry.ts) is false when the last forward-request threw rather than returned.
          condition: and(not(variable(NAMES.forwardedVar, "bool", false)), or(...b.errorReasons.map((r) => eq(ctx("lastErrorReason"), str(r)))), neq(ctx("backendHost"), str(""))),
          policies: [store(b, forwardedKey(familyIsAccount, accountDeployment), int(b.tripSeconds * 1000))],
        },
      ],
    },
  ];
}

/**
 * How long records are cached: the longest wait they can hold. With acceptRetryAfter that is the
 * longest Retry-After Azure sends that the SDKs honour (60 s), or the trip duration if longer; a longer
 * Retry-After simply expires early and is then taken as "trip duration from now".
 */
function cacheSecondsFor(b: BreakerSpec): number {
  return Math.max(b.tripSeconds, b.acceptRetryAfter ? 60 : 0) + RECORD_SLACK_SECONDS;
}

/** Reads one member's record into `variable` ("" when there is none). */
export function memberFreeAtLookup(key: string, variableName: string = EXHAUSTION_VARS.freeAt): Statement {
  return { kind: "cache-lookup-value", key, variableName, defaultValue: "" };
}

/** One pool's members to answer for, by family. */
export interface TrackedPool {
  poolId: string;
  family: BackendFamily;
  members: readonly TrackedMember[];
}

/** Pools that read the same records: their ids, the record keys (member order), and whether a member has none. */
export interface MemberSet {
  poolIds: string[];
  keys: string[];
  /** A member without a record (unknown URL): it stands for "unknown" in every reading. */
  unknown: boolean;
}

/**
 * Pools grouped by the records they read, so pools with the same members (a pool and its Responses
 * twin, say) share one branch. Only the chosen pool's branch runs: a request reads its own pool's
 * records, never the whole gateway's.
 */
export function byMemberSet(pools: readonly TrackedPool[]): MemberSet[] {
  const groups = new Map<string, MemberSet>();
  for (const p of pools) {
    const keys = [...new Set(p.members.flatMap((m) => freeAtKey(m) ?? []))];
    const unknown = p.members.some((m) => freeAtKey(m) === undefined);
    // Members without a record are kept apart per pool: each stands for "unknown".
    const signature = unknown ? `pool:${p.poolId}` : [...keys].sort().join(",");
    const group = groups.get(signature) ?? { poolIds: [], keys, unknown };
    group.poolIds.push(p.poolId);
    groups.set(signature, group);
  }
  return [...groups.values()];
}

/** Where one reading of the records goes: the slot variables' prefix and the variable counting them. */
export interface RecordSlots {
  /** `<prefix><i>`: the i-th record of the chosen pool, as cached (text; "" for none). */
  prefix: string;
  /** How many slots the chosen pool's branch filled (int, at least 1). */
  count: string;
}

/**
 * Reads the records of the pool named by `pool` into slots (one lookup per member, in a branch per
 * member set, so a request reads only its own pool's records) and folds them into `into` with one
 * expression: a record in the future counts as itself, any other slot (no record, a stale one, a
 * member with an unknown URL, a pool not listed) as `otherwise`. Wide fleets have hundreds of records
 * and every byte counts against APIM's 256 KiB, so nothing is written per member but its lookup.
 */
export function readEarliest(pools: readonly TrackedPool[], pool: Expr, slots: RecordSlots, now: Expr, otherwise: Expr, into: string): Statement[] {
  const fill = (keys: readonly string[], unknown: boolean): Statement[] => [
    ...keys.map((key, i) => memberFreeAtLookup(key, `${slots.prefix}${i}`)),
    // An empty slot stands for the members without a record (and for a pool not listed).
    ...(unknown ? [{ kind: "set-variable", name: `${slots.prefix}${keys.length}`, value: str("") } as Statement] : []),
    { kind: "set-variable", name: slots.count, value: int(keys.length + (unknown ? 1 : 0)) },
  ];
  return [
    {
      kind: "choose",
      when: byMemberSet(pools).map((set) => ({ condition: or(...set.poolIds.map((id) => eq(pool, str(id)))), policies: fill(set.keys, set.unknown) })),
      otherwise: fill([], true),
    },
    { kind: "set-variable", name: into, value: earliestFresh(slots.prefix, variable(slots.count, "int"), now, otherwise) },
  ];
}

/**
 * Statements that read the records of the pool named by `poolOf` (a stale or missing record counts
 * as now + trip duration, an upper bound) and leave the earliest reopening among its members in
 * `aoai-earliest-free` and the wait until then in `aoai-wait-ms` (at least 1 ms). `then` follows
 * (e.g. the 429 answer).
 */
export function earliestFreeStatements(b: BreakerSpec, pools: readonly TrackedPool[], poolOf: Expr, then: Statement[]): Statement[] {
  const now = variable(EXHAUSTION_VARS.now, "long");
  const stale = plus(now, int(b.tripSeconds * 1000));
  return [
    poolOfStatement(poolOf),
    { kind: "set-variable", name: EXHAUSTION_VARS.now, value: nowMs() },
    ...readEarliest(pools, variable(EXHAUSTION_VARS.poolOf, "string"), { prefix: `${EXHAUSTION_VARS.freeAt}-`, count: EXHAUSTION_VARS.slots }, now, stale, EXHAUSTION_VARS.earliest),
    { kind: "set-variable", name: EXHAUSTION_VARS.waitMs, value: max(int(1), minus(variable(EXHAUSTION_VARS.earliest, "long"), now)) },
    ...then,
  ];
}

/**
 * The last forward-request found the pool exhausted: APIM's pool answers 503 itself when every member
 * has tripped, as an error of forward-request with that 503 in context.Response. A backend's own 503
 * is not an error (forward-request returns it), so `aoai-forwarded` stays true for it inside retry.
 */
export function poolExhausted(): Expr {
  return and(eq(ctx("lastErrorSource"), str("forward-request")), { kind: "hasResponse" }, eq({ kind: "statusCode" }, int(503)));
}

/** `Retry-After` (whole seconds, rounded up) and `retry-after-ms` from `aoai-wait-ms`. */
export function retryAfterHeaders(): SetHeader[] {
  const wait = variable(EXHAUSTION_VARS.waitMs, "long");
  return [
    { kind: "set-header", name: "Retry-After", existsAction: "override", values: [concat(str(""), divide(plus(wait, int(999)), int(1000)))] },
    { kind: "set-header", name: "retry-after-ms", existsAction: "override", values: [concat(str(""), wait)] },
  ];
}
