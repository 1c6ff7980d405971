// The gateway's own 400s for Responses calls it will not forward. Azure answers a call an operation
// its model cannot run with 400 `OperationNotSupported` (`The chatCompletion operation does not work
// with the specified model, …`, openai-api-surface.md §4); the same status and code are used here,
// so a client handles both alike. The message is the gateway's own (Azure's exact wording for the
// Responses API on an embeddings model is undocumented): it names the route, never a backend.
import type { Statement } from "../ast";
import { and, eq, or, str, variable } from "../expr/helpers";
import { NAMES } from "./edge";
import { staticJsonResponse, surfaceIs } from "./surface";
import type { BackendInventory, PoolDefinition } from "./types";

const notSupported = (message: string): Statement => staticJsonResponse(400, "Bad Request", { error: { code: "OperationNotSupported", message } });

/** Where the Responses API is not served at all (Consumption): every Responses call gets 400 with the reason. */
export function responsesRefused(reason: string): Statement[] {
  return [{ kind: "choose", when: [{ condition: or(surfaceIs("responses"), surfaceIs("response")), policies: [notSupported(`This gateway does not serve the Responses API: ${reason}`)] }] }];
}

/**
 * True when every member of a route's deployment-path pools answers embeddings. The fleet check
 * keeps a route to one kind, so such a route never serves the Responses API: no account twins, no
 * `-resp` pools, and its Responses creates are refused (below) instead of forwarded.
 */
export function embeddingsOnly(pools: readonly PoolDefinition[], inventory: BackendInventory): boolean {
  const embeddings = new Set(inventory.backends.filter((b) => b.embeddings).map((b) => b.backendId));
  const members = pools.flatMap((p) => p.members);
  return members.length > 0 && members.every((m) => embeddings.has(m.backendId));
}

/**
 * After route selection: a Responses create (with or without previous_response_id) on an
 * embeddings route gets 400 before the caller's token limit counts it. One branch per route, so
 * each message names its route as a literal (escaped by the renderer, never concatenated at run
 * time). A `/responses/{id}` call names no route and is not refused here.
 */
export function embeddingsRouteRefusals(embeddingsRoutes: readonly string[], otherRoutes: readonly string[]): Statement[] {
  if (embeddingsRoutes.length === 0) return [];
  const instead = otherRoutes.length > 0 ? `send Responses calls to a chat route (${[...otherRoutes].sort().join(", ")})` : "this gateway has no chat route";
  return [
    {
      kind: "choose",
      when: [...embeddingsRoutes].sort().map((route) => ({
        condition: and(surfaceIs("responses"), eq(variable(NAMES.routeVar, "string"), str(route))),
        policies: [notSupported(`The responses operation does not work with route "${route}": it serves embeddings only; ${instead}.`)],
      })),
    },
  ];
}
