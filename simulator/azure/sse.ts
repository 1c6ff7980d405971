// Server-sent event framing of streamed answers, exactly as Azure OpenAI frames them
// (openai-api-surface.md §2.2 chat, §2.3 Responses), produced over time on the deployment's clock:
// each token's chunk exists only once its time has come, so a reader sees the pacing.
import type { Clock } from "../clock";
import { ChunkedBody } from "../http-types";
import { CONTENT_FILTER_RESULTS, PROMPT_FILTER_RESULTS, type ResponseObject, type ToolCall, type Usage } from "./content";

const data = (payload: unknown): string => `data: ${JSON.stringify(payload)}\n\n`;
const event = (type: string, payload: Record<string, unknown>): string => `event: ${type}\ndata: ${JSON.stringify({ type, ...payload })}\n\n`;

async function sleepUntil(clock: Clock, at: number): Promise<void> {
  const wait = at - clock.now();
  if (wait > 0) await clock.sleep(wait);
}

export interface StreamPacing {
  clock: Clock;
  /** Gap between two tokens, ms; the first token is due when the stream starts. */
  gapMs: number;
}

/**
 * Chat completions: Azure's first chunk (empty id/object/model, `prompt_filter_results`, empty
 * `choices`), the role delta, one content delta per token, the `finish_reason` chunk, the usage chunk
 * when `stream_options.include_usage` is set (then every other chunk carries `usage: null`), then
 * `data: [DONE]`. With `choices` > 1 (the request's `n`) every step has one chunk per choice, each
 * carrying its `index`, as OpenAI interleaves them; `toolCalls[index]` is that choice's call.
 */
export function chatCompletionStream(o: { pacing: StreamPacing; id: string; created: number; model: string; tokens: string[]; usage: Usage; includeUsage: boolean; choices: number; toolCalls?: readonly ToolCall[] }): ChunkedBody {
  const { clock, gapMs } = o.pacing;
  const withUsage = o.includeUsage ? { usage: null } : {};
  const chunk = (index: number, choice: Record<string, unknown>) => ({
    id: o.id,
    object: "chat.completion.chunk",
    created: o.created,
    model: o.model,
    system_fingerprint: null,
    choices: [{ index, finish_reason: null, logprobs: null, ...choice }],
    ...withUsage,
  });
  const indices = Array.from({ length: o.choices }, (_, index) => index);
  return new ChunkedBody(async function* () {
    const start = clock.now();
    yield data({ id: "", object: "", created: 0, model: "", prompt_filter_results: PROMPT_FILTER_RESULTS, choices: [], ...withUsage });
    // A function call streams as OpenAI's do: the call's id, type and name first, then its
    // arguments piece by piece (the tokens), as `tool_calls[0]` deltas.
    for (const index of indices) {
      const call = o.toolCalls?.[index];
      yield data(
        chunk(index, {
          delta: call
            ? { role: "assistant", content: null, refusal: null, tool_calls: [{ index: 0, id: call.id, type: "function", function: { name: call.name, arguments: "" } }] }
            : { role: "assistant", content: "", refusal: null },
          content_filter_results: {},
        }),
      );
    }
    for (let i = 0; i < o.tokens.length; i++) {
      await sleepUntil(clock, start + i * gapMs);
      for (const index of indices) {
        const delta = o.toolCalls?.[index] ? { tool_calls: [{ index: 0, function: { arguments: o.tokens[i] } }] } : { content: o.tokens[i] };
        yield data(chunk(index, { delta, content_filter_results: CONTENT_FILTER_RESULTS }));
      }
    }
    for (const index of indices) yield data(chunk(index, { delta: {}, finish_reason: o.toolCalls?.[index] ? "tool_calls" : "stop", content_filter_results: {} }));
    if (o.includeUsage) {
      const u = o.usage;
      yield data({ id: o.id, object: "chat.completion.chunk", created: o.created, model: o.model, system_fingerprint: null, choices: [], usage: { prompt_tokens: u.promptTokens, completion_tokens: u.completionTokens, total_tokens: u.promptTokens + u.completionTokens } });
    }
    yield "data: [DONE]\n\n";
  });
}

/**
 * Responses API: `event:` + `data:` pairs with a monotonically increasing `sequence_number`:
 * created, in_progress, output_item.added, then for a message content_part.added, one
 * output_text.delta per piece, output_text.done, content_part.done; for a function call one
 * function_call_arguments.delta per piece and function_call_arguments.done; then output_item.done
 * and completed (with usage). Azure's event order is OpenAI's (unverified against Azure; the sheet
 * marks it so); no `[DONE]` follows. `pieces` join back to the item's text or arguments.
 *
 * The same function replays a stored response (`GET /responses/{id}?stream=true`): `startAt` is when
 * the original stream started, so events already due come at once and the rest keep their pacing,
 * and `startingAfter` drops the events the caller has seen (sequence numbers up to it), as OpenAI's
 * `starting_after` does. A background response's first event says `queued`, as OpenAI's do.
 */
export function responseStream(o: { pacing: StreamPacing; response: ResponseObject; pieces: readonly string[]; startAt?: number; startingAfter?: number }): ChunkedBody {
  const { clock, gapMs } = o.pacing;
  const final = o.response;
  const item = final.output[0]!;
  const pending = { ...final, status: "in_progress", output: [], usage: null };
  const skipThrough = o.startingAfter ?? -1;
  return new ChunkedBody(async function* () {
    const start = o.startAt ?? clock.now();
    let seq = 0;
    // Every event keeps its number; those at or before `starting_after` are framed as "" and dropped below.
    const next = (type: string, payload: Record<string, unknown>) => {
      const n = seq++;
      return n <= skipThrough ? "" : event(type, { sequence_number: n, ...payload });
    };
    const paced = async function* (frame: (piece: string) => string) {
      for (let i = 0; i < o.pieces.length; i++) {
        await sleepUntil(clock, start + i * gapMs);
        yield frame(o.pieces[i]!);
      }
    };
    const events = async function* () {
      yield next("response.created", { response: final.background === true ? { ...pending, status: "queued" } : pending });
      yield next("response.in_progress", { response: pending });
      if (item.type === "function_call") {
        const at = { item_id: item.id, output_index: 0 };
        yield next("response.output_item.added", { output_index: 0, item: { ...item, status: "in_progress", arguments: "" } });
        yield* paced((delta) => next("response.function_call_arguments.delta", { ...at, delta }));
        yield next("response.function_call_arguments.done", { ...at, name: item.name, arguments: item.arguments });
      } else {
        const at = { item_id: item.id, output_index: 0, content_index: 0 };
        yield next("response.output_item.added", { output_index: 0, item: { ...item, status: "in_progress", content: [] } });
        yield next("response.content_part.added", { ...at, part: { type: "output_text", text: "", annotations: [] } });
        yield* paced((delta) => next("response.output_text.delta", { ...at, delta, logprobs: [] }));
        const text = item.content[0]!.text;
        yield next("response.output_text.done", { ...at, text, logprobs: [] });
        yield next("response.content_part.done", { ...at, part: { type: "output_text", text, annotations: [] } });
      }
      yield next("response.output_item.done", { output_index: 0, item });
      yield next("response.completed", { response: final });
    };
    for await (const frame of events()) if (frame !== "") yield frame;
  });
}
