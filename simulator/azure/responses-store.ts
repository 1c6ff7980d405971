// Stored Responses of one simulated account. Azure keeps a response (with `store`, the default) on
// the resource that created it, for 30 days; any other account answers "not found". The exact Azure
// status and body for an unknown id are unverified (openai-api-surface.md §3): we answer as OpenAI
// does, 404 "Response with id … not found." for the `{id}` paths and 400
// `previous_response_not_found` for `previous_response_id`, both in the `{"error":…}` shape.
import type { Clock } from "../clock";
import { openAiError, jsonResponse, type SimResponse } from "../http-types";
import type { ResponseObject } from "./content";
import type { ResponseIdOperation } from "./request";
import { cancelResponse, replayResponse, responseAt } from "./responses-lifecycle";

/** How long Azure keeps a stored response (Learn, "Use the Responses API": 30 days). */
export const RESPONSE_RETENTION_MS = 30 * 24 * 3600 * 1000;

export interface StoredResponse {
  response: ResponseObject;
  /** Input items as the caller sent them (normalised to message items with ids). */
  inputItems: unknown[];
  /** Deployment that produced it. */
  deployment: string;
  storedAt: number;
  /** When its answer is complete: a background or streamed response is in progress until then. */
  completesAt: number;
  /** Created with `background: true`: queued at first, polled, cancellable. */
  background: boolean;
  /** Created with `stream: true`: what streamed and when, so `?stream=true` can replay it. */
  stream?: { startedAt: number; gapMs: number; pieces: readonly string[] };
  /** When a background response was cancelled. */
  cancelledAt?: number;
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

  /**
   * GET (JSON, or the response's events with `stream=true`), DELETE, input_items and cancel on
   * `/responses/{id}`; `query` holds the list and stream parameters. `clock` paces a replayed stream.
   */
  answer(operation: ResponseIdOperation, id: string, clock: Clock, query: Record<string, string> = {}): SimResponse {
    const now = clock.now();
    const entry = this.get(id, now);
    if (!entry) return unknownResponse(id);
    switch (operation) {
      case "get":
        return query.stream === "true" ? replayResponse(entry, clock, query) : jsonResponse(200, responseAt(entry, now));
      case "delete":
        this.byId.delete(id);
        return jsonResponse(200, { id, object: "response.deleted", deleted: true });
      case "input_items":
        return inputItemsPage(entry.inputItems, query);
      case "cancel":
        return cancelResponse(entry, now);
    }
  }
}

const invalidList = (param: string, code: string, message: string): SimResponse => openAiError(400, code, message, {}, { param, type: "invalid_request_error" });

/**
 * One page of a response's input items with OpenAI's list parameters: `order` (`desc`, the default,
 * newest first; `asc`), `limit` (1–100, default 20) and `after` (an item id: the page starts after
 * it). The SDKs' auto-pagers follow `has_more` with `after = last_id`. Found by exploratory QA: the
 * parameters were ignored, so `order: "asc"` listed the conversation backwards. Azure's exact text
 * for a bad parameter is unverified; the messages follow OpenAI's wording for other fields.
 */
function inputItemsPage(items: readonly unknown[], query: Record<string, string>): SimResponse {
  const order = query.order ?? "desc";
  if (order !== "asc" && order !== "desc") return invalidList("order", "invalid_value", `Invalid value: '${order}'. Supported values are: 'asc' and 'desc'.`);
  const limitText = query.limit ?? "20";
  const limit = /^-?\d+$/.test(limitText) ? Number(limitText) : Number.NaN;
  if (!Number.isInteger(limit)) return invalidList("limit", "invalid_type", `Invalid type for 'limit': expected an integer, but got '${limitText}' instead.`);
  if (limit < 1) return invalidList("limit", "integer_below_min_value", `Invalid 'limit': value below minimum. Expected a value >= 1, but got ${limit} instead.`);
  if (limit > 100) return invalidList("limit", "integer_above_max_value", `Invalid 'limit': value above maximum. Expected a value <= 100, but got ${limit} instead.`);
  const idOf = (item: unknown): string | null => (item as { id?: string }).id ?? null;
  const ordered = order === "desc" ? [...items].reverse() : [...items];
  let start = 0;
  if (query.after !== undefined) {
    const at = ordered.findIndex((item) => idOf(item) === query.after);
    if (at < 0) return invalidList("after", "invalid_value", `Invalid 'after': no input item with id '${query.after}' in this response.`);
    start = at + 1;
  }
  const data = ordered.slice(start, start + limit);
  return jsonResponse(200, { object: "list", data, first_id: data.length > 0 ? idOf(data[0]) : null, last_id: data.length > 0 ? idOf(data[data.length - 1]) : null, has_more: start + limit < ordered.length });
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
