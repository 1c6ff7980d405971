// Traffic-steering overrides: `x-aoai-canary`, `x-aoai-slot` and `x-aoai-variant` let a smoke test or
// a tester force a side. They are off by default; `overrides` allows them for named Entra client
// apps, app roles or APIM subscriptions. Everyone else's override is ignored — never an error that
// would reveal the mechanism — and counted with an `emit-metric` (`aoai-ignored-override`, one point
// per header). The headers are always deleted before forwarding or copying.
import type { Statement } from "../ast";
import type { Expr } from "../expr/ast";
import { and, compare, conditional, ctx, eq, listContains, not, or, requestHeader, str, tokenClaim, variable } from "../expr/helpers";
import { clientAppExpr, DEFAULT_METRIC_NAMESPACE, NAMES } from "./edge";
import type { EdgeSpec } from "./types";

/** The steering headers, each with the variable holding its honoured value ("" when ignored). */
export const OVERRIDES = [
  { header: NAMES.canaryHeader, variable: "aoai-override-canary" },
  { header: NAMES.slotHeader, variable: "aoai-override-slot" },
  { header: NAMES.variantHeader, variable: "aoai-override-variant" },
] as const;

export type OverrideHeader = (typeof OVERRIDES)[number]["header"];

/** Name of the metric counting ignored overrides. */
export const IGNORED_OVERRIDE_METRIC = "aoai-ignored-override";

/** True when config names anyone who may steer. */
export function steeringEnabled(edge: EdgeSpec): boolean {
  const o = edge.overrides;
  return !!o && (o.clientApplicationIds?.length ?? 0) + (o.roles?.length ?? 0) + (o.subscriptionIds?.length ?? 0) > 0;
}

/** The honoured value of one steering header, for selection ("" unless the caller may steer). */
export function overrideValue(header: OverrideHeader): Expr {
  const o = OVERRIDES.find((x) => x.header === header) as (typeof OVERRIDES)[number];
  return variable(o.variable, "string", "");
}

function maySteerExpr(edge: EdgeSpec): Expr {
  const o = edge.overrides ?? {};
  const tests: Expr[] = [
    ...(o.clientApplicationIds ?? []).map((id) => eq(clientAppExpr(), str(id))),
    ...(o.roles ?? []).map((role) => listContains(tokenClaim(NAMES.tokenVar, "roles"), role)),
    ...(o.subscriptionIds ?? []).map((id) => eq(ctx("subscriptionId"), str(id))),
  ];
  return or(...tests);
}

/** Before target selection: may this caller steer, and the override values selection may read. */
export function overrideInputStatements(edge: EdgeSpec): Statement[] {
  if (!steeringEnabled(edge)) return [];
  const maySteer = variable(NAMES.maySteerVar, "bool", false);
  return [
    { kind: "set-variable", name: NAMES.maySteerVar, value: maySteerExpr(edge) },
    ...OVERRIDES.map((o): Statement => ({ kind: "set-variable", name: o.variable, value: conditional(maySteer, requestHeader(o.header, ""), str("")) })),
  ];
}

/** After selection: count every override that was sent but not honoured, then delete all of them. */
export function overrideCleanupStatements(edge: EdgeSpec): Statement[] {
  const enabled = steeringEnabled(edge);
  const out: Statement[] = OVERRIDES.map((o) => {
    const sent = compare("!=", requestHeader(o.header, ""), str(""));
    return {
      kind: "choose",
      when: [
        {
          condition: enabled ? and(not(variable(NAMES.maySteerVar, "bool", false)), sent) : sent,
          policies: [
            {
              kind: "emit-metric",
              name: IGNORED_OVERRIDE_METRIC,
              namespace: edge.metrics?.namespace ?? DEFAULT_METRIC_NAMESPACE,
              value: "1",
              dimensions: [{ name: "API ID" }, { name: "Route", value: variable(NAMES.routeVar, "string") }, { name: "Header", value: o.header }],
            },
          ],
        },
      ],
    };
  });
  for (const o of OVERRIDES) out.push({ kind: "set-header", name: o.header, existsAction: "delete", values: [] });
  return out;
}
