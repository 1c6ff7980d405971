// How Azure OpenAI sizes a request before running it (§7.1 of the reference sheet): the prompt is
// estimated from its character count, the completion from max_tokens; the sum is what the
// per-minute token counter is charged on arrival. Actual usage is prompt + generated tokens.

/** Roughly four characters per token for English text, the usual character-based estimate. */
export const CHARS_PER_TOKEN = 4;

export interface RequestShape {
  operation: "chat" | "completions" | "embeddings";
  promptTokens: number;
  /** max_tokens / max_completion_tokens from the body, if present. */
  maxTokens: number | undefined;
}

export function textOf(value: unknown): string {
  if (typeof value === "string") return value;
  if (Array.isArray(value)) return value.map(textOf).join(" ");
  if (value && typeof value === "object") {
    const o = value as Record<string, unknown>;
    if (typeof o.content === "string" || Array.isArray(o.content)) return textOf(o.content);
    if (typeof o.text === "string") return o.text;
  }
  return "";
}

export function estimatePromptTokens(text: string): number {
  return Math.max(1, Math.ceil(text.length / CHARS_PER_TOKEN));
}

/** Reads the request body the way the service sizes it; invalid JSON yields `undefined`. */
export function shapeOf(operation: RequestShape["operation"], body: string): RequestShape | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return undefined;
  }
  if (!parsed || typeof parsed !== "object") return undefined;
  const o = parsed as Record<string, unknown>;
  const text = operation === "chat" ? textOf(o.messages) : operation === "embeddings" ? textOf(o.input) : textOf(o.prompt);
  const max = typeof o.max_completion_tokens === "number" ? o.max_completion_tokens : typeof o.max_tokens === "number" ? o.max_tokens : undefined;
  return { operation, promptTokens: estimatePromptTokens(text), maxTokens: operation === "embeddings" ? 0 : max };
}

