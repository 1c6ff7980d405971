// Azure's deployment-level spillover (reference sheet azure-openai-models.md §8.4): a provisioned
// deployment with `spilloverDeploymentName`, or a request carrying `x-ms-spillover-deployment`, has
// the service try the PTU first and, when it answers 429 (fully used), 400 for a long-context
// request, 500 or 503, call the named standard deployment of the same account with the same request
// (chat completions, completions, embeddings; not the Responses API).
// A spilled answer carries `x-ms-spillover-from-<ptu>`; when the standard deployment fails too, the
// PTU's ORIGINAL answer goes back with `x-ms-spillover-error: <the standard's status>`. Each
// deployment meters what reaches it: the PTU records its 429 (as Azure's metrics do), the standard
// deployment's own windows decide whether it serves.
import type { Clock } from "../clock";
import { TransportError, type SimRequest, type SimResponse } from "../http-types";
import type { InferenceCall, SimulatedDeployment } from "./deployment";

/** Per-request spillover target (Azure's inference header). */
export const SPILLOVER_REQUEST_HEADER = "x-ms-spillover-deployment";
/** Prefix of the header that marks a spilled answer; the PTU deployment's name follows it. */
export const SPILLED_FROM_PREFIX = "x-ms-spillover-from-";
/** On the PTU's original answer when the spillover call failed too: that call's status. */
export const SPILLOVER_ERROR_HEADER = "x-ms-spillover-error";

/**
 * What Azure answers when the spillover deployment cannot be reached is not documented. A simulated
 * outage of the standard deployment (no response at all) is reported as this status.
 */
const UNREACHABLE_STATUS = 503;

/** The error code of a JSON error body, if the answer has one (a stream never does). */
function errorCode(response: SimResponse): string | undefined {
  if (typeof response.body !== "string") return undefined;
  try {
    const code = (JSON.parse(response.body) as { error?: { code?: unknown } }).error?.code;
    return typeof code === "string" ? code : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The PTU answers that start spillover (§8.4): 429 (utilisation above 100%), 500 and 503, and the
 * 400 for a long-context request (§2.2: the gpt-4.1 family's PTU refuses more than 128 K; the
 * catalog's per-type context window is what the simulated PTU checks). Every other answer (a
 * success, a 400 for a malformed body, a 404) goes back as it is.
 */
export function triggersSpillover(response: SimResponse): boolean {
  if (response.status === 429 || response.status === 500 || response.status === 503) return true;
  return response.status === 400 && errorCode(response) === "context_length_exceeded";
}

/**
 * The standard deployment a request to `primary` may spill over to: the deployment's own
 * `spilloverDeploymentName` wins over the request header (§8.4). Only a provisioned deployment
 * spills, and only to a standard deployment of its own account; a header naming anything else is
 * ignored (what Azure answers then is not documented). Responses API calls never spill: Learn's
 * spillover page said "Spillover is currently not available for the responses API" (2025 versions;
 * the sheet's 2026 source is silent).
 */
export function spilloverTarget(primary: SimulatedDeployment, call: Pick<InferenceCall, "operation">, request: SimRequest, find: (name: string) => SimulatedDeployment | undefined): SimulatedDeployment | undefined {
  if (primary.spec.provisioned !== true || call.operation === "responses") return undefined;
  const name = primary.spec.spillover ?? headerOf(request, SPILLOVER_REQUEST_HEADER);
  if (name === undefined || name === primary.spec.deployment) return undefined;
  const target = find(name);
  return target && target.spec.provisioned !== true ? target : undefined;
}

function headerOf(request: SimRequest, name: string): string | undefined {
  const entry = Object.entries(request.headers).find(([k]) => k.toLowerCase() === name);
  return entry?.[1].trim() || undefined;
}

/**
 * Serves `call` on the PTU, then on `target` when the PTU's answer is a trigger. The PTU's time
 * (its reject latency for a 429) is spent before the standard deployment is called, and both share
 * the caller's timeout. A PTU that cannot be reached at all (simulated outage) spills nothing: the
 * transport error goes back as it is.
 */
export async function serveWithSpillover(
  primary: SimulatedDeployment,
  target: SimulatedDeployment,
  clock: Clock,
  call: InferenceCall,
  request: SimRequest,
  timeoutMs: number,
): Promise<SimResponse> {
  const started = clock.now();
  const original = await primary.serve(call, request, timeoutMs);
  if (!triggersSpillover(original)) return original;
  primary.stats.spilledOut++;
  let spilled: SimResponse;
  try {
    spilled = await target.serve(call, request, timeoutMs - (clock.now() - started));
  } catch (error) {
    // The caller's timeout ran out during the spillover call: the caller sees no answer, as with any timeout.
    if (!(error instanceof TransportError) || error.reason === "Timeout") throw error;
    primary.stats.spilloverFailed++;
    return { ...original, headers: { ...original.headers, [SPILLOVER_ERROR_HEADER]: String(UNREACHABLE_STATUS) } };
  }
  if (spilled.status >= 200 && spilled.status < 300) {
    target.stats.spilledIn++;
    return { ...spilled, headers: { ...spilled.headers, [`${SPILLED_FROM_PREFIX}${primary.spec.deployment}`]: primary.spec.deployment } };
  }
  primary.stats.spilloverFailed++;
  return { ...original, headers: { ...original.headers, [SPILLOVER_ERROR_HEADER]: String(spilled.status) } };
}

/**
 * The deployment that served a spilled answer (its `x-ms-deployment-name`), or undefined when the
 * answer was not spilled. The gateway's trace records it on the attempt, so the cost model bills the
 * tokens to the standard deployment rather than to the PTU the gateway called.
 */
export function spilledTo(headers: Record<string, string>): string | undefined {
  const spilled = Object.keys(headers).some((k) => k.toLowerCase().startsWith(SPILLED_FROM_PREFIX));
  return spilled ? headers["x-ms-deployment-name"] : undefined;
}
