// Target selection for one route: which pool serves this request. Later steps override earlier ones:
// stable pool → blue-green active slot → A/B variant → canary. With steering allowed (overrides.ts), an
// honoured test header wins at each step; without it the headers are never read.
import type { Statement } from "../ast";
import type { Expr } from "../expr/ast";
import { and, compare, concat, eq, hashBucket, int, lt, namedValue, or, randomBelow, str, tryParseInt, variable } from "../expr/helpers";
import { NAMES } from "./edge";
import { poolIdOf } from "./names";
import { overrideValue } from "./overrides";
import type { NamedValueDefinition, RouteSpec } from "./types";

export const activeSlotName = (route: string): string => `${route}-active-slot`;
export const canaryPercentName = (route: string): string => `${route}-canary-percent`;

const setVar = (name: string, value: Expr | string): Statement => ({ kind: "set-variable", name, value });
const target = (route: string, side: string, variant?: string): Statement[] => [
  setVar(NAMES.targetVar, poolIdOf(route, side)),
  setVar(NAMES.labelVar, side),
  ...(variant !== undefined ? [setVar(NAMES.variantVar, variant)] : []),
];

function blueGreen(route: RouteSpec, steering: boolean): Statement[] {
  const slot = overrideValue(NAMES.slotHeader);
  return [
    {
      kind: "choose",
      when: [
        // Allowed smoke tests reach either slot explicitly; everyone else follows the named value.
        ...(steering
          ? [
              { condition: eq(slot, str("green")), policies: target(route.name, "green") },
              { condition: eq(slot, str("blue")), policies: target(route.name, "blue") },
            ]
          : []),
        { condition: eq(namedValue(activeSlotName(route.name)), str("green")), policies: target(route.name, "green") },
      ],
      otherwise: target(route.name, "blue"),
    },
  ];
}

function abTest(route: RouteSpec, steering: boolean): Statement[] {
  const ab = route.abTest as NonNullable<RouteSpec["abTest"]>;
  const variants = Object.entries(ab.variants);
  const forced = overrideValue(NAMES.variantHeader);
  const bucket = variable(NAMES.abBucketVar, "int");
  let upper = 0;
  const byBucket = variants.slice(0, -1).map(([name, v]) => {
    upper += v.percent;
    return { condition: lt(bucket, int(upper)), policies: target(route.name, `ab-${name}`, name) };
  });
  const [lastName] = variants[variants.length - 1] as [string, unknown];
  return [
    setVar(NAMES.abBucketVar, hashBucket(concat(str(`${ab.id}:`), variable(NAMES.callerVar, "string")))),
    {
      kind: "choose",
      when: [...(steering ? variants.map(([name]) => ({ condition: eq(forced, str(name)), policies: target(route.name, `ab-${name}`, name) })) : []), ...byBucket],
      otherwise: target(route.name, `ab-${lastName}`, lastName),
    },
  ];
}

function canary(route: RouteSpec, steering: boolean): Statement[] {
  const c = route.canary as NonNullable<RouteSpec["canary"]>;
  const forced = overrideValue(NAMES.canaryHeader);
  const bucket: Expr = c.sticky ? hashBucket(concat(str(`${route.name}-canary:`), variable(NAMES.callerVar, "string"))) : randomBelow(100);
  // A bad named value (not an integer) means 0 %: the canary gets nothing rather than everything.
  const percent = tryParseInt(namedValue(canaryPercentName(route.name)), 0);
  const drawn = lt(variable(NAMES.canaryBucketVar, "int"), percent);
  return [
    setVar(NAMES.canaryBucketVar, bucket),
    {
      kind: "choose",
      when: [
        {
          condition: steering ? or(eq(forced, str("canary")), and(compare("!=", forced, str("stable")), drawn)) : drawn,
          policies: target(route.name, "canary", route.abTest ? "" : undefined),
        },
      ],
    },
    armTrace(route.name),
  ];
}

/**
 * The assignment, into the request's log entry, on every canary route. The gateway log names only
 * the backend that finally answered: with `canary.failover` a stable request can be answered by the
 * canary's deployment, and a request the gateway answers itself (the pool exhausted: 429) names no
 * backend at all, so without the record rollout could not tell whose traffic either was — and a
 * canary whose pool is exhausted would vanish from its own statistics. The record is unsampled (one
 * per request, in App Insights too) and exists only while a canary does. `information` passes the
 * diagnostics' usual verbosity. The route follows the arm (`aoai-arm=<side> aoai-route=<route>`):
 * a v1-surface request's URL does not name it.
 */
function armTrace(route: string): Statement {
  return { kind: "trace", source: NAMES.armTraceSource, severity: "information", message: concat(str(NAMES.armTracePrefix), variable(NAMES.labelVar, "string"), str(`${NAMES.routeTracePrefix}${route}`)), metadata: [] };
}

/**
 * Statements that leave the chosen pool id in `aoai-target` and its side in `aoai-target-label`.
 * `steering`: honour the override values overrides.ts computed (only when config allows anyone).
 */
export function selectionStatements(route: RouteSpec, steering = false): Statement[] {
  const out: Statement[] = [setVar(NAMES.routeVar, route.name)];
  if (route.abTest) out.push(setVar(NAMES.variantVar, ""));
  out.push(...(route.blueGreen ? blueGreen(route, steering) : target(route.name, "stable")));
  if (route.abTest) out.push(...abTest(route, steering));
  if (route.canary) out.push(...canary(route, steering));
  return out;
}

/** Named values the route's policy reads; create them before attaching the policy. */
export function routeNamedValues(route: RouteSpec): NamedValueDefinition[] {
  const out: NamedValueDefinition[] = [];
  if (route.blueGreen)
    out.push({ name: activeSlotName(route.name), value: route.blueGreen.active, allowed: "blue | green", description: `Active blue-green slot of route ${route.name}; switching is a one-value update.` });
  if (route.canary)
    out.push({ name: canaryPercentName(route.name), value: String(route.canary.percent), allowed: "integer 0–100", description: `Percent of route ${route.name} traffic sent to canary ${route.canary.deployment}.` });
  return out;
}
