// How Azure OpenAI sizes a request before running it (§7.1 of the reference sheet): the prompt is
// estimated from its character count, the completion from max_tokens; the sum is what the
// per-minute token counter is charged on arrival. Actual usage is prompt + generated tokens.

import { readCallerJson } from "../safe-json";

/** Roughly four characters per token for English text, the usual character-based estimate. */
export const CHARS_PER_TOKEN = 4;

export interface RequestShape {
  operation: "chat" | "completions" | "embeddings";
  promptTokens: number;
  /** max_tokens / max_completion_tokens from the body, if present. */
  maxTokens: number | undefined;
}

/**
 * The text of a prompt value: strings, arrays of them, and message/content-part objects' `content`
 * and `text`. Iterative (an explicit stack), so no nesting depth can overflow the call stack.
 */
export function textOf(value: unknown): string {
  const parts: string[] = [];
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const next = stack.pop();
    if (typeof next === "string") parts.push(next);
    else if (Array.isArray(next)) for (let i = next.length - 1; i >= 0; i--) stack.push(next[i]);
    else if (next && typeof next === "object") {
      const o = next as Record<string, unknown>;
      if (typeof o.content === "string" || Array.isArray(o.content)) stack.push(o.content);
      else if (typeof o.text === "string") parts.push(o.text);
    }
  }
  return parts.join(" ");
}

export function estimatePromptTokens(text: string): number {
  return Math.max(1, Math.ceil(text.length / CHARS_PER_TOKEN));
}

/** The prompt text of an operation's parsed body (`messages`, `input` or `prompt`). */
export function promptTextOf(operation: RequestShape["operation"], body: Record<string, unknown>): string {
  return operation === "chat" ? textOf(body.messages) : operation === "embeddings" ? textOf(body.input) : textOf(body.prompt);
}

/** How the service sizes an already parsed and validated body. */
export function shapeOfParsed(operation: RequestShape["operation"], body: Record<string, unknown>): RequestShape {
  const max = typeof body.max_completion_tokens === "number" ? body.max_completion_tokens : typeof body.max_tokens === "number" ? body.max_tokens : undefined;
  return { operation, promptTokens: estimatePromptTokens(promptTextOf(operation, body)), maxTokens: operation === "embeddings" ? 0 : max };
}

/** Reads the request body the way the service sizes it; invalid or too deeply nested JSON yields `undefined`. */
export function shapeOf(operation: RequestShape["operation"], body: string): RequestShape | undefined {
  const read = readCallerJson(body);
  if (!read.ok || !read.value || typeof read.value !== "object" || Array.isArray(read.value)) return undefined;
  return shapeOfParsed(operation, read.value as Record<string, unknown>);
}

