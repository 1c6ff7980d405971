// What a simulated model "says": a deterministic answer of exactly N tokens, and the non-streamed
// response bodies of each operation in Azure OpenAI's shapes (chat.completion, text_completion,
// response). Streamed framing lives in sse.ts; embeddings in embeddings.ts.
import { createHash } from "node:crypto";

/** The answer as N tokens (roughly four characters each, so estimators count N back). */
export function answerTokens(model: string, deployment: string, region: string, n: number): string[] {
  const lead = ["Simulated", " answer", " from", ` ${deployment}`, " in", ` ${region}`, " by", ` ${model}.`];
  const out = lead.slice(0, n);
  for (let i = out.length; i < n; i++) out.push(i % 12 === 11 ? " word." : " word");
  return out;
}

/** Deterministic opaque id with a prefix (`chatcmpl-`, `resp_`, `msg_`), unique per seed text. */
export function opaqueId(prefix: string, seed: string, length = 48): string {
  return `${prefix}${createHash("sha256").update(seed).digest("hex").slice(0, length)}`;
}

export interface Usage {
  promptTokens: number;
  completionTokens: number;
}

const SAFE = { filtered: false, severity: "safe" } as const;
/** Azure's content-filter annotation when nothing was filtered (D-stream samples). */
export const CONTENT_FILTER_RESULTS = { hate: SAFE, self_harm: SAFE, sexual: SAFE, violence: SAFE } as const;
export const PROMPT_FILTER_RESULTS = [{ prompt_index: 0, content_filter_results: CONTENT_FILTER_RESULTS }] as const;

/** One function call of a chat answer (`message.tool_calls[0]`). */
export interface ToolCall {
  id: string;
  name: string;
  arguments: string;
}

/**
 * A chat.completion with `choices` choices (the request's `n`), each the same answer: the text, or
 * `toolCalls[index]` (one call per choice, each with its own id). `usage` counts every choice.
 */
export function chatCompletionBody(id: string, created: number, model: string, text: string, usage: Usage, choices: number, toolCalls?: readonly ToolCall[]): unknown {
  const choice = (index: number) => {
    const call = toolCalls?.[index];
    const message = call
      ? { role: "assistant", content: null, refusal: null, tool_calls: [{ id: call.id, type: "function", function: { name: call.name, arguments: call.arguments } }] }
      : { role: "assistant", content: text, refusal: null };
    return { index, message, finish_reason: call ? "tool_calls" : "stop", logprobs: null, content_filter_results: CONTENT_FILTER_RESULTS };
  };
  return {
    id,
    object: "chat.completion",
    created,
    model,
    prompt_filter_results: PROMPT_FILTER_RESULTS,
    choices: Array.from({ length: choices }, (_, index) => choice(index)),
    usage: { prompt_tokens: usage.promptTokens, completion_tokens: usage.completionTokens, total_tokens: usage.promptTokens + usage.completionTokens },
  };
}

export function textCompletionBody(id: string, created: number, model: string, text: string, usage: Usage): unknown {
  return {
    id,
    object: "text_completion",
    created,
    model,
    choices: [{ index: 0, text, finish_reason: "stop", logprobs: null }],
    usage: { prompt_tokens: usage.promptTokens, completion_tokens: usage.completionTokens, total_tokens: usage.promptTokens + usage.completionTokens },
  };
}

/** An output item of a response: the assistant's message, or one function call (`function_call`). */
export type ResponseOutputItem =
  | { id: string; type: "message"; status: "completed" | "in_progress"; role: "assistant"; content: Array<{ type: "output_text"; text: string; annotations: unknown[] }> }
  | { id: string; type: "function_call"; status: "completed" | "in_progress"; call_id: string; name: string; arguments: string };

/** A Responses API `response` object (field set from the openai-node `Response` type). */
export interface ResponseObject {
  id: string;
  object: "response";
  created_at: number;
  status: "completed" | "in_progress" | "queued" | "cancelled";
  model: string;
  output: ResponseOutputItem[];
  previous_response_id: string | null;
  store: boolean;
  usage: { input_tokens: number; input_tokens_details: { cached_tokens: number }; output_tokens: number; output_tokens_details: { reasoning_tokens: number }; total_tokens: number } | null;
  [field: string]: unknown;
}

/** What a response says: text (a JSON document when the request asked for one) or a function call (`id` fc_…, `callId` call_…). */
export type ResponseAnswer = { kind: "text"; messageId: string; text: string } | { kind: "tool"; id: string; callId: string; name: string; arguments: string };

/** The request fields a response echoes as it was asked (absent: the API's defaults). */
export interface ResponseEcho {
  instructions: unknown;
  maxOutputTokens: unknown;
  tools: unknown;
  toolChoice: unknown;
  textFormat: unknown;
}

export function responseObject(o: { id: string; created: number; model: string; answer: ResponseAnswer; usage: Usage; previous: string | null; store: boolean; background: boolean; echo: ResponseEcho; status?: "completed" | "in_progress" }): ResponseObject {
  const status = o.status ?? "completed";
  const a = o.answer;
  const item: ResponseOutputItem =
    a.kind === "tool"
      ? { id: a.id, type: "function_call", status: "completed", call_id: a.callId, name: a.name, arguments: a.arguments }
      : { id: a.messageId, type: "message", status: "completed", role: "assistant", content: [{ type: "output_text", text: a.text, annotations: [] }] };
  return {
    id: o.id,
    object: "response",
    created_at: o.created,
    status,
    background: o.background,
    error: null,
    incomplete_details: null,
    instructions: o.echo.instructions ?? null,
    max_output_tokens: o.echo.maxOutputTokens ?? null,
    model: o.model,
    output: status === "completed" ? [item] : [],
    parallel_tool_calls: true,
    previous_response_id: o.previous,
    reasoning: { effort: null, summary: null },
    store: o.store,
    temperature: 1,
    text: { format: o.echo.textFormat ?? { type: "text" } },
    tool_choice: o.echo.toolChoice ?? "auto",
    tools: o.echo.tools ?? [],
    top_p: 1,
    truncation: "disabled",
    usage:
      status === "completed"
        ? {
            input_tokens: o.usage.promptTokens,
            input_tokens_details: { cached_tokens: 0 },
            output_tokens: o.usage.completionTokens,
            output_tokens_details: { reasoning_tokens: 0 },
            total_tokens: o.usage.promptTokens + o.usage.completionTokens,
          }
        : null,
    user: null,
    metadata: {},
  };
}
