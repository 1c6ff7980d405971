// Stored Responses of one simulated account. Azure keeps a response (with `store`, the default) on
// the resource that created it, for 30 days; any other account answers "not found". The exact Azure
// status and body for an unknown id are unverified (openai-api-surface.md §3): we answer as OpenAI
// does, 404 "Response with id … not found." for the `{id}` paths and 400
// `previous_response_not_found` for `previous_response_id`, both in the `{"error":…}` shape.
import { openAiError, jsonResponse, type SimResponse } from "../http-types";
import type { ResponseObject } from "./content";
import type { ResponseIdOperation } from "./request";

/** How long Azure keeps a stored response (Learn, "Use the Responses API": 30 days). */
export const RESPONSE_RETENTION_MS = 30 * 24 * 3600 * 1000;

export interface StoredResponse {
  response: ResponseObject;
  /** Input items as the caller sent them (normalised to message items with ids). */
  inputItems: unknown[];
  /** Deployment that produced it. */
  deployment: string;
  storedAt: number;
}

export function unknownResponse(id: string): SimResponse {
  return openAiError(404, null, `Response with id '${id}' not found.`, {}, { param: null, type: "invalid_request_error" });
}

export function unknownPreviousResponse(id: string): SimResponse {
  return openAiError(400, "previous_response_not_found", `Previous response with id '${id}' not found.`, {}, { param: "previous_response_id", type: "invalid_request_error" });
}

export class ResponseStore {
  private readonly byId = new Map<string, StoredResponse>();

  put(entry: StoredResponse): void {
    this.byId.set(entry.response.id, entry);
  }

  /** The stored response, if it exists and has not expired. */
  get(id: string, now: number): StoredResponse | undefined {
    const entry = this.byId.get(id);
    if (entry && now - entry.storedAt > RESPONSE_RETENTION_MS) {
      this.byId.delete(id);
      return undefined;
    }
    return entry;
  }

  get size(): number {
    return this.byId.size;
  }

  /** GET, DELETE, input_items and cancel on `/responses/{id}`. */
  answer(operation: ResponseIdOperation, id: string, now: number): SimResponse {
    const entry = this.get(id, now);
    if (!entry) return unknownResponse(id);
    switch (operation) {
      case "get":
        return jsonResponse(200, entry.response);
      case "delete":
        this.byId.delete(id);
        return jsonResponse(200, { id, object: "response.deleted", deleted: true });
      case "input_items": {
        const data = [...entry.inputItems].reverse();
        const idOf = (item: unknown) => (item as { id?: string }).id ?? null;
        return jsonResponse(200, { object: "list", data, first_id: data.length > 0 ? idOf(data[0]) : null, last_id: data.length > 0 ? idOf(data[data.length - 1]) : null, has_more: false });
      }
      case "cancel":
        // Only background responses can be cancelled; the simulator completes every response at once.
        return openAiError(400, null, "Only responses created with background=true can be cancelled.", {}, { param: null, type: "invalid_request_error" });
    }
  }
}

/** Input items of a create request as message items with ids (what input_items lists). */
export function normaliseInput(input: unknown, idOf: (index: number) => string): unknown[] {
  if (typeof input === "string") return [{ id: idOf(0), type: "message", role: "user", status: "completed", content: [{ type: "input_text", text: input }] }];
  if (!Array.isArray(input)) return [];
  return input.map((item, index) => {
    const o = (item ?? {}) as Record<string, unknown>;
    const content = typeof o.content === "string" ? [{ type: "input_text", text: o.content }] : o.content;
    return { id: idOf(index), type: "message", status: "completed", ...o, content };
  });
}
