// Information hiding on the way back: callers never learn backend host names. Azure's own
// `x-ms-region` is removed unless `expose.region`; the route and target (and A/B variant) headers are
// added only with `expose.target`, for debugging.
import type { Statement } from "../ast";
import { variable } from "../expr/helpers";
import { NAMES } from "./edge";
import type { EdgeSpec } from "./types";

/** Outbound and on-error response headers. */
export function responseHeaderStatements(edge: EdgeSpec, withVariant: boolean): Statement[] {
  const out: Statement[] = [];
  if (!edge.expose?.region) out.push({ kind: "set-header", name: NAMES.regionHeader, existsAction: "delete", values: [] });
  if (edge.expose?.target) {
    out.push({ kind: "set-header", name: NAMES.routeHeader, existsAction: "override", values: [variable(NAMES.routeVar, "string")] });
    out.push({ kind: "set-header", name: NAMES.targetHeader, existsAction: "override", values: [variable(NAMES.labelVar, "string")] });
    if (withVariant) out.push({ kind: "set-header", name: NAMES.variantHeader, existsAction: "override", values: [variable(NAMES.variantVar, "string")] });
  }
  return out;
}
