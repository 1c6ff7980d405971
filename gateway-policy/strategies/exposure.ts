// Information hiding on the way back: callers never learn backend host names. Azure's own
// `x-ms-region` is removed unless `expose.region`; the route and target (and A/B variant) headers are
// added only with `expose.target`, for debugging.
import type { SetHeader } from "../ast";
import { conditional, neq, str, variable } from "../expr/helpers";
import { NAMES } from "./edge";
import type { EdgeSpec } from "./types";

/**
 * A header carrying a variable, absent while the variable is empty: a request answered before its
 * route is known (an Entra token refused, a v1 body that is not JSON) has no route, one bound to a
 * stored response (`GET /responses/{id}`) has no route either, and a route without an A/B test no
 * variant. APIM's set-header documents no special case for an empty value (it sets the header), so
 * the policy decides: `exists-action` is an expression (allowed by Learn), `delete` when empty. Not a
 * `choose`: the on-error answers set these inside return-response, which takes set-header only.
 */
function unlessEmpty(name: string, variableName: string): SetHeader {
  const value = variable(variableName, "string");
  return { kind: "set-header", name, existsAction: conditional(neq(value, str("")), str("override"), str("delete")), values: [value] };
}

/** The exposure headers, for outbound and for every on-error answer: deletions first, then the headers set. */
export function exposureHeaders(edge: EdgeSpec, withVariant: boolean): SetHeader[] {
  const out: SetHeader[] = [];
  if (!edge.expose?.region) out.push({ kind: "set-header", name: NAMES.regionHeader, existsAction: "delete", values: [] });
  if (edge.expose?.target) {
    out.push(unlessEmpty(NAMES.routeHeader, NAMES.routeVar));
    // The split's side (stable, canary, blue, green, a variant's pool, affinity): set with the route,
    // so it names the side a gateway answer (exhaustion 429, token limit) was given for.
    out.push(unlessEmpty(NAMES.targetHeader, NAMES.labelVar));
    if (withVariant) out.push(unlessEmpty(NAMES.variantHeader, NAMES.variantVar));
  }
  return out;
}
