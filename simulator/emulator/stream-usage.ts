// Token counting for streamed answers, as APIM documents it: with `stream: true` the token policies
// estimate (azure-openai-token-limit: "prompt tokens are always estimated … completion tokens are
// also estimated"; azure-openai-emit-token-metric: "token metrics are estimated"). The emulator
// estimates the completion from the text that streams past (the same characters-per-token rule the
// prompt estimate uses), without holding any chunk back; a usage chunk in the stream does not change
// the estimate, since APIM documents estimation for streams regardless.
import { CHARS_PER_TOKEN } from "../azure/tokens";
import type { ChunkedBody } from "../http-types";

/**
 * Text a parsed SSE payload adds to the answer: chat content deltas and the arguments of streamed
 * function calls (`delta.tool_calls[].function.arguments`), Responses output_text and
 * function_call_arguments deltas. Arguments are completion tokens too (billed and metered as
 * output); found by exploratory QA: a streamed function call was estimated at 0 completion tokens,
 * so token limits and metrics under-counted tool-using callers.
 */
function deltaText(payload: unknown): string {
  if (!payload || typeof payload !== "object") return "";
  const o = payload as { type?: unknown; delta?: unknown; choices?: Array<{ delta?: { content?: unknown; tool_calls?: unknown } }> };
  if ((o.type === "response.output_text.delta" || o.type === "response.function_call_arguments.delta") && typeof o.delta === "string") return o.delta;
  if (!Array.isArray(o.choices)) return "";
  return o.choices.map((c) => (typeof c.delta?.content === "string" ? c.delta.content : "") + toolArguments(c.delta?.tool_calls)).join("");
}

/** The argument text a chat delta's `tool_calls` carry. */
function toolArguments(calls: unknown): string {
  if (!Array.isArray(calls)) return "";
  return calls.map((call) => {
    const args = (call as { function?: { arguments?: unknown } } | null)?.function?.arguments;
    return typeof args === "string" ? args : "";
  }).join("");
}

/** Reads SSE text incrementally and returns the answer text seen so far. */
export class SseTextCounter {
  private pending = "";
  private chars = 0;

  push(chunk: string): void {
    this.pending += chunk;
    let end = this.pending.indexOf("\n\n");
    while (end >= 0) {
      this.event(this.pending.slice(0, end));
      this.pending = this.pending.slice(end + 2);
      end = this.pending.indexOf("\n\n");
    }
  }

  private event(block: string): void {
    const data = block
      .split("\n")
      .filter((line) => line.startsWith("data:"))
      .map((line) => line.slice(5).trimStart())
      .join("\n");
    if (data === "" || data.startsWith("[DONE]")) return;
    try {
      this.chars += deltaText(JSON.parse(data)).length;
    } catch {
      // Not JSON: nothing countable (APIM would count nothing either).
    }
  }

  /** Estimated completion tokens of what has streamed past. */
  get completionTokens(): number {
    return Math.ceil(this.chars / CHARS_PER_TOKEN);
  }
}

/** The same stream, estimating its completion tokens; `onEnd` gets the estimate after the last chunk. */
export function estimateWhileStreaming(body: ChunkedBody, onEnd: (completionTokens: number) => void): ChunkedBody {
  const counter = new SseTextCounter();
  return body.tap((chunk) => counter.push(chunk), () => onEnd(counter.completionTokens));
}
