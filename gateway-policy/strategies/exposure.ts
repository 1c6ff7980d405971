// Information hiding on the way back: callers never learn backend host names. Azure's own
// `x-ms-region` is removed unless `expose.region`; the route and target (and A/B variant) headers are
// added only with `expose.target`, for debugging.
import type { SetHeader, Statement } from "../ast";
import { neq, str, variable } from "../expr/helpers";
import { NAMES } from "./edge";
import type { EdgeSpec } from "./types";

/** The exposure headers as plain set-header statements: deletions first, then the headers set. */
export function exposureHeaders(edge: EdgeSpec, withVariant: boolean): SetHeader[] {
  const out: SetHeader[] = [];
  if (!edge.expose?.region) out.push({ kind: "set-header", name: NAMES.regionHeader, existsAction: "delete", values: [] });
  if (edge.expose?.target) {
    out.push({ kind: "set-header", name: NAMES.routeHeader, existsAction: "override", values: [variable(NAMES.routeVar, "string")] });
    out.push({ kind: "set-header", name: NAMES.targetHeader, existsAction: "override", values: [variable(NAMES.labelVar, "string")] });
    if (withVariant) out.push({ kind: "set-header", name: NAMES.variantHeader, existsAction: "override", values: [variable(NAMES.variantVar, "string")] });
  }
  return out;
}

/**
 * Outbound: the exposure headers (`exposureHeaders`), the variant only when the request was assigned one (routes without
 * an A/B test have none, and an empty header would be sent as such). on-error answers take
 * `exposureHeaders` as they are: inside return-response only set-header may appear, no choose.
 */
export function responseHeaderStatements(headers: readonly SetHeader[]): Statement[] {
  return headers.map((header): Statement =>
    header.name === NAMES.variantHeader ? { kind: "choose", when: [{ condition: neq(variable(NAMES.variantVar, "string"), str("")), policies: [header] }] } : header,
  );
}
