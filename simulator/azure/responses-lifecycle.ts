// What a stored response looks like over time, and the two operations that depend on it: replaying
// its events (`GET /responses/{id}?stream=true&starting_after=n`) and cancelling a background one
// (`POST /responses/{id}/cancel`). Found by SDK QA: `retrieve(id, { stream: true })` yielded no
// events (the simulator answered JSON) and `background: true` completed at once.
//
// The rules (Learn, "Use the Responses API" → background tasks; openai-api-surface.md §3): a
// background create answers `queued` and the caller polls `GET /responses/{id}` while the status is
// `queued`/`in_progress`; cancel is for background responses only and is idempotent; "Background
// mode requires store=true"; a stream can be resumed only if the original request had
// `stream=true`. The simulator's answer is ready when a synchronous call would have returned it
// (the deployment's latency model), so runs stay deterministic. Azure's exact status and text for a
// refused replay are unverified; the bodies use its `{"error":…}` shape with OpenAI's wording style.
import type { Clock } from "../clock";
import { jsonResponse, openAiError, type SimResponse } from "../http-types";
import type { ResponseObject } from "./content";
import type { StoredResponse } from "./responses-store";
import { responseStream } from "./sse";

const refused = (message: string, param: string | null, code: string | null = null): SimResponse =>
  openAiError(400, code, message, {}, { param, type: "invalid_request_error" });

/** The response with its answer withheld: how a queued, running or cancelled response reads. */
function withoutAnswer(response: ResponseObject, status: ResponseObject["status"]): ResponseObject {
  return { ...response, status, output: [], usage: null };
}

/** The response as it stands at `now`: cancelled, still in progress (until `completesAt`), or complete. */
export function responseAt(entry: StoredResponse, now: number): ResponseObject {
  if (entry.cancelledAt !== undefined) return withoutAnswer(entry.response, "cancelled");
  if (now < entry.completesAt) return withoutAnswer(entry.response, "in_progress");
  return entry.response;
}

/** What a background create answers: the response, queued (its answer comes later). */
export function queuedResponse(entry: StoredResponse): ResponseObject {
  return withoutAnswer(entry.response, "queued");
}

/**
 * `GET /responses/{id}?stream=true`: the stored response's events again, the same events a streamed
 * create sent, paced from when that stream started (events already due come at once, the rest as
 * they are produced), without those at or before `starting_after`. A response created without
 * `stream=true`, or cancelled, has no stream to resume.
 */
export function replayResponse(entry: StoredResponse, clock: Clock, query: Record<string, string>): SimResponse {
  const id = entry.response.id;
  const after = query.starting_after;
  if (after !== undefined && !/^\d+$/.test(after)) {
    return refused(`Invalid type for 'starting_after': expected a non-negative integer, but got '${after}' instead.`, "starting_after", "invalid_type");
  }
  if (!entry.stream) return refused(`Response '${id}' was not created with stream=true, so it cannot be streamed. Retrieve it without stream.`, "stream");
  if (entry.cancelledAt !== undefined) return refused(`Response '${id}' was cancelled; its stream cannot be resumed.`, "stream");
  const body = responseStream({
    pacing: { clock, gapMs: entry.stream.gapMs },
    response: entry.response,
    pieces: entry.stream.pieces,
    startAt: entry.stream.startedAt,
    ...(after === undefined ? {} : { startingAfter: Number(after) }),
  });
  return { status: 200, headers: { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache" }, body };
}

/**
 * `POST /responses/{id}/cancel`: a background response still running becomes `cancelled` (its
 * answer is dropped); cancelling again, or after it completed, returns it as it stands (Learn: cancel
 * is idempotent). A response created without `background` cannot be cancelled.
 */
export function cancelResponse(entry: StoredResponse, now: number): SimResponse {
  if (!entry.background) return refused("Only responses created with background=true can be cancelled.", null);
  if (entry.cancelledAt === undefined && now < entry.completesAt) entry.cancelledAt = now;
  return jsonResponse(200, responseAt(entry, now));
}

/** The create's own 400s for `background`: a boolean, and only with `store` (Learn: "Background mode requires store=true"). */
export function backgroundProblem(body: Record<string, unknown>): SimResponse | undefined {
  const background = body.background;
  if (background !== undefined && background !== null && typeof background !== "boolean") {
    return refused(`Invalid type for 'background': expected a boolean, but got ${Array.isArray(background) ? "an array" : `a ${typeof background}`} instead.`, "background", "invalid_type");
  }
  if (background === true && body.store === false) return refused("Background mode requires store=true.", "background", "invalid_value");
  return undefined;
}
