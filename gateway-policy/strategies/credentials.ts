// What reaches Azure OpenAI: only the gateway's managed-identity token. The caller's credentials —
// the subscription key as `api-key` or `Ocp-Apim-Subscription-Key` header or as `api-key` /
// `subscription-key` query parameter, and its own Authorization — are removed before forwarding, so
// no client secret is ever sent to (or logged by) an account.
import type { Statement } from "../ast";
import { concat, str, variable } from "../expr/helpers";
import { COGNITIVE_SERVICES_RESOURCE, NAMES } from "./edge";

/** Client credential headers removed from every forwarded or copied request. */
export const CLIENT_CREDENTIAL_HEADERS = ["api-key", "Ocp-Apim-Subscription-Key"] as const;
/** Client credential query parameters removed likewise (APIM accepts subscription keys in the query). */
export const CLIENT_CREDENTIAL_QUERY = ["api-key", "subscription-key"] as const;
/**
 * Headers that would let a caller steer Azure itself: `x-ms-spillover-deployment` picks the spillover
 * deployment of a provisioned deployment; routing is the gateway's decision, never the caller's.
 */
export const AZURE_STEERING_HEADERS = ["x-ms-spillover-deployment"] as const;

const del = (name: string): Statement => ({ kind: "set-header", name, existsAction: "delete", values: [] });

/** Strip every client credential and put the managed identity's token in Authorization. */
export function credentialStatements(): Statement[] {
  return [
    { kind: "authentication-managed-identity", resource: COGNITIVE_SERVICES_RESOURCE, outputTokenVariableName: NAMES.msiTokenVar },
    { kind: "set-header", name: "Authorization", existsAction: "override", values: [concat(str("Bearer "), variable(NAMES.msiTokenVar, "string"))] },
    ...CLIENT_CREDENTIAL_HEADERS.map(del),
    ...CLIENT_CREDENTIAL_QUERY.map((name): Statement => ({ kind: "set-query-parameter", name, existsAction: "delete", values: [] })),
    ...AZURE_STEERING_HEADERS.map(del),
  ];
}
