// Avoid a slow-but-alive member. A region that answers every request, only seconds late, never trips
// a circuit breaker, so APIM's pool keeps sending it its share. The policy measures instead:
//
// - After every successful answer (2xx) from a member that has peers in its priority tier, the time
//   from forward-request to the response headers (a non-streamed answer's whole latency, a stream's
//   first byte) updates two moving averages kept in the cache: the member's (weight 1/4, reacts in a
//   few answers) and its tier's (weight 1/32, the slowly moving reference). The tier's average leaves
//   out the member currently avoided, so a slow member does not drag the reference up with it.
// - A member whose average is above `factor` × its tier's and more than `minExtraMs` above it is
//   recorded as the route's slow member (the id of its twin pool) for `holdSeconds` (`aoai-slow|<route>`); each further slow
//   answer renews the record. An answer of the avoided member (a probe) resets its average to that
//   answer: at its tier's usual speed (the region recovered) it clears the record. The hold
//   only bounds how long a member is avoided when no answer of it is seen at all.
// - Requests of the route then go to a twin of the stable pool in which that member is alone in a
//   tier right after its peers (APIM pool priorities: it serves only when all of them are tripped),
//   except `probePercent` of them, which keep the normal pool so the member's recovery is seen. In a
//   tier wider than `twinsPerTier` a twin moves a run of members (latency-twins.ts); the member found
//   slow is then also recorded (`aoai-slow-member|<route>`), so only its own answers count as probes.
//
// Only peers are reordered: a member alone in its tier (a PTU ahead of pay-as-you-go) is never
// measured or moved, so latency never changes the spill order that decides the bill. The moving
// averages are integer arithmetic on ms kept as text; concurrent updates may lose one sample (the
// cache has no compare-and-set), which an average shrugs off. The twin pools are planned in
// latency-twins.ts (APIM pools cannot be edited per request).
import type { Statement } from "../ast";
import type { Expr } from "../expr/ast";
import { and, compare, concat, conditional, ctx, divide, eq, int, lookup, minus, neq, nowMs, or, plus, randomBelow, statusIs, str, times, tryParseLong, urlDeployment, variable } from "../expr/helpers";
import { NAMES } from "./edge";
import { EXHAUSTION_VARS } from "./exhaustion";
import type { AvoidableMember, AvoidPlan } from "./latency-twins";
import { SPILLED_VAR } from "./spill";

export { planAvoidance, type AvoidableMember, type AvoidPlan, type AvoidSlowSpec } from "./latency-twins";

export const LATENCY_VARS = {
  /** The request goes through a stable pool that measures (bool). */
  measure: "aoai-lat-measure",
  /** When the last forward-request started (long ms). */
  sentAt: "aoai-sent-at",
  /** Tier group of the member that answered, `<route>|<tier>` ("" when it has no peers). */
  group: "aoai-lat-group",
  /** `host:port|deployment` of the member that answered. */
  key: "aoai-lat-key",
  elapsed: "aoai-lat-elapsed",
  memberAvg: "aoai-lat-member",
  groupAvg: "aoai-lat-tier",
  /** The same averages as longs (-1: none yet). */
  memberMs: "aoai-lat-m",
  groupMs: "aoai-lat-t",
  /** The twin pool that avoids the route's slow member, as cached ("" when none is slow). */
  slow: "aoai-slow",
  /** The twin pool that would avoid the member that answered. */
  twin: "aoai-lat-twin",
  /** The member recorded slow (`host:port|deployment`), read only when twins move runs of members. */
  slowMember: "aoai-slow-member",
} as const;

/** Cached values live this long without an update (seconds): an idle route starts fresh. */
const AVERAGE_SECONDS = 600;

const slowKey = (route: Expr): Expr => concat(str("aoai-slow|"), route);
const slowMemberKey = (route: Expr): Expr => concat(str("aoai-slow-member|"), route);
const memberKeyNow = (): Expr => concat(ctx("backendHost"), str(":"), ctx("backendPort"), str("|"), urlDeployment());
const setVar = (name: string, value: Expr): Statement => ({ kind: "set-variable", name, value });

/** One value per route (routes of one block may differ); a constant when they all agree (the defaults). */
function byRouteOf(plans: readonly AvoidPlan[], pick: (p: AvoidPlan) => number): Expr {
  const values = plans.map(pick);
  if (values.every((v) => v === values[0])) return int(values[0] as number);
  const route = variable(NAMES.routeVar, "string");
  return plans.slice(1).reduce<Expr>((acc, p) => conditional(eq(route, str(p.route)), int(pick(p)), acc), int(pick(plans[0] as AvoidPlan)));
}

/**
 * Inbound, after the route's pool is chosen (deployment and v1 surfaces), once for every avoiding
 * route: a request on its route's stable pool (label "stable", not spilled) is measured, and takes the
 * twin that avoids the route's slow member, except for the probes.
 */
export function avoidSelectionStatements(plans: readonly AvoidPlan[]): Statement[] {
  if (plans.length === 0) return [];
  const route = variable(NAMES.routeVar, "string");
  const slow = variable(LATENCY_VARS.slow, "string");
  const probe = compare("<", randomBelow(100), byRouteOf(plans, (p) => p.spec.probePercent));
  return [
    {
      kind: "choose",
      when: [
        {
          condition: and(or(...plans.map((p) => eq(route, str(p.route)))), eq(variable(NAMES.labelVar, "string"), str("stable")), { kind: "not", operand: variable(SPILLED_VAR, "bool", false) }),
          policies: [
            setVar(LATENCY_VARS.measure, { kind: "bool", value: true }),
            { kind: "cache-lookup-value", key: slowKey(route), variableName: LATENCY_VARS.slow, defaultValue: "" },
            {
              kind: "choose",
              when: [
                {
                  // The record holds the twin pool's id (written only by this route's measurement).
                  condition: and(neq(slow, str("")), { kind: "not", operand: probe }),
                  policies: [setVar(EXHAUSTION_VARS.basePool, variable(NAMES.targetVar, "string")), setVar(NAMES.targetVar, slow)],
                },
              ],
            },
          ],
        },
      ],
    },
  ];
}

/**
 * The twin that avoids the member that answered and its tier group ("" for both when the member has
 * no peers): constant tables keyed by the member, one entry per member instead of one `when`. One
 * table for all routes when no member serves two of them (a member's key then names its route);
 * otherwise one per route. When every route measures one tier, and the same one (weighted routes),
 * the group is `<route>|<tier>` for every member with a twin, set once after the tables.
 */
function memberOfStatements(plans: readonly AvoidPlan[], route: Expr, answered: Expr, twin: Expr): Statement[] {
  const tiers = new Set(plans.map((p) => [...new Set(p.members.map((m) => m.group.slice(p.route.length)))].join(",")));
  const sharedTier = tiers.size === 1 && !([...tiers][0] as string).includes(",") ? ([...tiers][0] as string) : undefined;
  const table = (members: readonly AvoidableMember[], value: (m: AvoidableMember) => string): Expr => lookup(answered, members.map((m) => ({ key: m.key, value: value(m) })), "");
  const tables = (members: readonly AvoidableMember[]): Statement[] => [
    setVar(LATENCY_VARS.twin, table(members, (m) => m.pool.poolId)),
    ...(sharedTier === undefined ? [setVar(LATENCY_VARS.group, table(members, (m) => m.group))] : []),
  ];
  const keys = plans.flatMap((p) => p.stableKeys);
  const disjoint = keys.every((k) => k !== undefined) && new Set(keys).size === keys.length;
  return [
    ...(disjoint ? tables(plans.flatMap((p) => p.members)) : [{ kind: "choose", when: plans.map((p) => ({ condition: eq(route, str(p.route)), policies: tables(p.members) })) } as Statement]),
    ...(sharedTier === undefined ? [] : [setVar(LATENCY_VARS.group, conditional(neq(twin, str("")), concat(route, str(sharedTier)), str("")))]),
  ];
}

/** Right before forward-request: when it starts. */
export function latencyBeforeForward(): Statement[] {
  return [setVar(LATENCY_VARS.sentAt, nowMs())];
}

/**
 * After forward-request returned a 2xx from a measured pool: update the member's and its tier's
 * moving averages and, when the member is slow, record it as the route's slow member.
 */
export function latencyAfterForward(plans: readonly AvoidPlan[]): Statement[] {
  if (plans.length === 0) return [];
  const route = variable(NAMES.routeVar, "string");
  const group = variable(LATENCY_VARS.group, "string");
  const elapsed = variable(LATENCY_VARS.elapsed, "long");
  // The averages as cached (text) are parsed once into longs (-1: none yet).
  const member = variable(LATENCY_VARS.memberMs, "long", -1);
  const tier = variable(LATENCY_VARS.groupMs, "long", -1);
  const memberNext = (): Expr => conditional(compare("<", member, int(0)), elapsed, plus(member, divide(minus(elapsed, member), int(4))));
  const tierNext = (): Expr => conditional(compare("<", tier, int(0)), elapsed, plus(tier, divide(minus(elapsed, tier), int(32))));
  const answered = variable(LATENCY_VARS.key, "string");
  const memberKey = concat(str("aoai-lat|member|"), answered);
  const tierKey = concat(str("aoai-lat|tier|"), group);
  const twin = variable(LATENCY_VARS.twin, "string");
  const slow = variable(LATENCY_VARS.slow, "string");
  // The answering member is the avoided one: its twin is the recorded one and, when twins move runs of
  // members, it is the member recorded slow (a run-mate's fast answer is no sign of recovery).
  const sharedTwins = plans.some((p) => p.members.some((m) => m.sharesTwin));
  const slowMember = variable(LATENCY_VARS.slowMember, "string", "");
  const avoided = sharedTwins ? and(eq(slow, twin), eq(slowMember, answered)) : eq(slow, twin);
  const readSlowMember: Statement[] = sharedTwins
    ? [{ kind: "choose", when: [{ condition: and(neq(slow, str("")), eq(slow, twin)), policies: [{ kind: "cache-lookup-value", key: slowMemberKey(route), variableName: LATENCY_VARS.slowMember, defaultValue: "" }] }] }]
    : [];
  const store = (key: Expr, value: Expr, duration: number | Expr): Statement => ({ kind: "cache-store-value", key, value, duration });
  // Per route (routes of one loop may differ): factor as percent, extra ms, hold seconds.
  const byRoute = (pick: (p: AvoidPlan) => number): Expr => byRouteOf(plans, pick);
  // After the updates below: the member's new average against its tier's.
  const slowNow = and(
    compare(">", times(member, int(100)), times(tier, byRoute((p) => Math.round(p.spec.factor * 100)))),
    compare(">", member, plus(tier, byRoute((p) => p.spec.minExtraMs))),
  );
  return [
    {
      kind: "choose",
      when: [
        {
          condition: and(variable(LATENCY_VARS.measure, "bool", false), statusIs([200, 299])),
          policies: [
            setVar(LATENCY_VARS.group, str("")),
            setVar(LATENCY_VARS.key, memberKeyNow()),
            ...memberOfStatements(plans, route, answered, twin),
            {
              kind: "choose",
              when: [
                {
                  condition: neq(group, str("")),
                  policies: [
                    setVar(LATENCY_VARS.elapsed, minus(nowMs(), variable(LATENCY_VARS.sentAt, "long"))),
                    { kind: "cache-lookup-value", key: memberKey, variableName: LATENCY_VARS.memberAvg, defaultValue: "" },
                    { kind: "cache-lookup-value", key: tierKey, variableName: LATENCY_VARS.groupAvg, defaultValue: "" },
                    setVar(LATENCY_VARS.memberMs, tryParseLong(variable(LATENCY_VARS.memberAvg, "string"), -1)),
                    setVar(LATENCY_VARS.groupMs, tryParseLong(variable(LATENCY_VARS.groupAvg, "string"), -1)),
                    ...readSlowMember,
                    // An answer of the avoided member (a probe) resets its average to that answer: a slow
                    // one renews the avoidance below, one at the tier's usual speed ends it.
                    setVar(LATENCY_VARS.memberMs, conditional(avoided, elapsed, memberNext())),
                    store(memberKey, concat(str(""), member), AVERAGE_SECONDS),
                    // The avoided member's answers (probes, overflow) do not move its tier's reference.
                    { kind: "choose", when: [{ condition: { kind: "not", operand: avoided }, policies: [setVar(LATENCY_VARS.groupMs, tierNext()), store(tierKey, concat(str(""), tier), AVERAGE_SECONDS)] }] },
                    {
                      kind: "choose",
                      when: [
                        {
                          condition: slowNow,
                          policies: [
                            store(slowKey(route), twin, byRoute((p) => p.spec.holdSeconds)),
                            ...(sharedTwins ? [store(slowMemberKey(route), answered, byRoute((p) => p.spec.holdSeconds))] : []),
                          ],
                        },
                        // The avoided member is no longer slow (its average came back): stop avoiding it now.
                        { condition: avoided, policies: [store(slowKey(route), str(""), byRoute((p) => p.spec.holdSeconds))] },
                      ],
                    },
                  ],
                },
              ],
            },
          ],
        },
      ],
    },
  ];
}
