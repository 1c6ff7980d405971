// The success answer of one admitted call, complete or streamed: chat completions, completions,
// embeddings and the Responses API (stored in the account's store, chained by previous_response_id).
import { unixMsOf, type Clock } from "../clock";
import { jsonResponse, type SimResponse } from "../http-types";
import { answerTokens, chatCompletionBody, opaqueId, responseObject, textCompletionBody, type ResponseAnswer, type ToolCall, type Usage } from "./content";
import type { InferenceCall, SimDeploymentSpec } from "./deployment";
import { embeddingsBody } from "./embeddings";
import { queuedResponse } from "./responses-lifecycle";
import { normaliseInput, type ResponseStore, type StoredResponse } from "./responses-store";
import type { BodyShape } from "./sizing";
import { chatCompletionStream, responseStream, type StreamPacing } from "./sse";
import { chatAnswerForm, pieces, responseAnswerForm, type AnswerForm } from "./structured";

/** The account's response store and, for a chained call, the stored response it continues. */
export interface ResponsesContext {
  store: ResponseStore;
  previous?: StoredResponse;
  /** Tokens of the earlier conversation, charged as input of this turn. */
  previousTokens: number;
}

type Admitted = Extract<BodyShape, { ok: true }>;

/** `created` timestamps: the clock's Unix time (the wall clock on the local gateway; a fixed epoch on virtual clocks, so runs repeat). */
const createdSeconds = (clock: Clock): number => Math.floor(unixMsOf(clock) / 1000);

export class DeploymentAnswers {
  private served = 0;

  constructor(
    private readonly spec: SimDeploymentSpec,
    private readonly clock: Clock,
  ) {}

  /**
   * Seed of an answer's ids: unique per deployment and answer, and per run of the clock (its epoch:
   * fixed on virtual clocks, so simulated runs repeat; the start time on the local gateway, so an id
   * kept from an earlier run is unknown to this one, as a stored response from elsewhere would be).
   */
  private ids(kind: string): string {
    const run = this.clock.epochUnixMs === undefined ? "" : `${this.clock.epochUnixMs}|`;
    return `${run}${this.spec.region}|${this.spec.deployment}|${kind}|${this.served}`;
  }

  /**
   * A chat answer's id, its form and, when the request asks for a function call, that call once per
   * choice (ids from one seed; the first choice's as before choices were counted).
   */
  private chatAnswer(call: InferenceCall, text: string): { id: string; form: AnswerForm; toolCalls?: ToolCall[] } {
    const seed = this.ids("chat");
    const form = chatAnswerForm(call.body, text);
    const id = opaqueId("chatcmpl-", seed, 29);
    if (form.kind !== "tool") return { id, form };
    const callId = (index: number): string => opaqueId("call_", index === 0 ? `${seed}|call` : `${seed}|call|${index}`, 24);
    return { id, form, toolCalls: Array.from({ length: choiceCount(call) }, (_, index) => ({ id: callId(index), name: form.name, arguments: form.arguments })) };
  }

  /** Usage of an answer: a chat call's completion tokens count every one of its `n` choices. */
  private usage(call: InferenceCall, shape: Admitted, completion: number): Usage {
    return { promptTokens: shape.promptTokens, completionTokens: completion * choiceCount(call) };
  }

  /**
   * The whole answer at once (non-streaming). `backgroundDoneAt` (a background Responses create):
   * the response is stored to complete then, and the create answers it `queued`.
   */
  complete(call: InferenceCall, shape: Admitted, completion: number, headers: Record<string, string>, responses: ResponsesContext | undefined, backgroundDoneAt?: number): SimResponse {
    this.served++;
    const created = createdSeconds(this.clock);
    const tokens = answerTokens(this.spec.model, this.spec.deployment, this.spec.region, completion);
    const text = tokens.join("");
    const usage = this.usage(call, shape, completion);
    switch (call.operation) {
      case "embeddings":
        return jsonResponse(200, embeddingsBody(this.spec.model, shape.embeddings!), headers);
      case "completions":
        return jsonResponse(200, textCompletionBody(opaqueId("cmpl-", this.ids("cmpl"), 29), created, this.spec.model, text, usage), headers);
      case "chat": {
        const { id, form, toolCalls } = this.chatAnswer(call, text);
        return jsonResponse(200, chatCompletionBody(id, created, this.spec.model, form.kind === "json" ? form.json : text, usage, choiceCount(call), toolCalls), headers);
      }
      case "responses": {
        const stored = this.storeResponse(call, created, this.responseAnswer(responseAnswerForm(call.body, text), text), usage, responses, { completesAt: backgroundDoneAt ?? this.clock.now() });
        return jsonResponse(200, backgroundDoneAt === undefined ? stored.response : queuedResponse(stored), headers);
      }
    }
  }

  /** A streamed answer: the first chunk is ready now, every token follows `pacing`. */
  stream(call: InferenceCall, shape: Admitted, completion: number, pacing: StreamPacing, headers: Record<string, string>, responses: ResponsesContext | undefined): SimResponse {
    this.served++;
    const created = createdSeconds(this.clock);
    const tokens = answerTokens(this.spec.model, this.spec.deployment, this.spec.region, completion);
    const usage = this.usage(call, shape, completion);
    const sse = { ...headers, "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache" };
    if (call.operation === "responses") {
      const text = tokens.join("");
      const form = responseAnswerForm(call.body, text);
      const streamed = streamedPieces(form, tokens);
      // Stored with what streams and when, so a later `?stream=true` replays the same events (responses-lifecycle.ts).
      const startedAt = this.clock.now();
      const timing = { completesAt: startedAt + Math.max(0, streamed.length - 1) * pacing.gapMs, stream: { startedAt, gapMs: pacing.gapMs, pieces: streamed } };
      const stored = this.storeResponse(call, created, this.responseAnswer(form, text), usage, responses, timing);
      return { status: 200, headers: sse, body: responseStream({ pacing, response: stored.response, pieces: streamed, startAt: startedAt }) };
    }
    const options = call.body.stream_options as { include_usage?: unknown } | undefined;
    const includeUsage = options?.include_usage === true;
    // JSON answers and function arguments stream in as many pieces as the answer has tokens.
    const { id, form, toolCalls } = this.chatAnswer(call, tokens.join(""));
    return { status: 200, headers: sse, body: chatCompletionStream({ pacing, id, created, model: this.spec.model, tokens: streamedPieces(form, tokens), usage, includeUsage, choices: choiceCount(call), ...(toolCalls ? { toolCalls } : {}) }) };
  }

  /** A response's output: its text (a JSON document when asked for) or its function call, ids from the response's seed. */
  private responseAnswer(form: AnswerForm, text: string): ResponseAnswer {
    const seed = this.ids("resp");
    return form.kind === "tool"
      ? { kind: "tool", id: opaqueId("fc_", `${seed}|out`), callId: opaqueId("call_", `${seed}|call`, 24), name: form.name, arguments: form.arguments }
      : { kind: "text", messageId: opaqueId("msg_", `${seed}|out`), text: form.kind === "json" ? form.json : text };
  }

  /** Builds the `response` object and stores it in the account unless `store: false`; `timing` says when it completes and what streamed. */
  private storeResponse(call: InferenceCall, created: number, answer: ResponseAnswer, usage: Usage, responses: ResponsesContext | undefined, timing: Pick<StoredResponse, "completesAt" | "stream">): StoredResponse {
    const seed = this.ids("resp");
    const store = call.body.store !== false;
    const text = call.body.text as { format?: unknown } | undefined;
    const response = responseObject({
      id: opaqueId("resp_", seed),
      created,
      model: this.spec.model,
      answer,
      usage,
      previous: responses?.previous?.response.id ?? null,
      store,
      background: call.body.background === true,
      echo: { instructions: call.body.instructions, maxOutputTokens: call.body.max_output_tokens, tools: call.body.tools, toolChoice: call.body.tool_choice, textFormat: text?.format },
    });
    const entry: StoredResponse = {
      response,
      inputItems: normaliseInput(call.body.input, (i) => opaqueId("msg_", `${seed}|in|${i}`)),
      deployment: this.spec.deployment,
      storedAt: this.clock.now(),
      background: call.body.background === true,
      ...timing,
    };
    if (store && responses) responses.store.put(entry);
    return entry;
  }
}

/**
 * How many choices a chat call asks for (`n`, validated as an integer 1–128 before admission; absent
 * or null: 1). Found by exploratory QA: `n` was accepted but one choice came back. Other operations
 * have one. Admission still charges one completion's estimate (Azure's documented estimate names
 * the prompt, max_tokens and best_of, not n).
 */
function choiceCount(call: InferenceCall): number {
  const n = call.body.n;
  return call.operation === "chat" && typeof n === "number" && Number.isInteger(n) && n > 1 ? n : 1;
}

/** What streams, one piece per token: the text, or a JSON answer / function arguments cut into as many pieces as the answer has tokens. */
function streamedPieces(form: AnswerForm, tokens: string[]): string[] {
  if (form.kind === "tool") return pieces(form.arguments, tokens.length);
  return form.kind === "json" ? pieces(form.json, tokens.length) : tokens;
}
