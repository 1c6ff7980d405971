// How the service sizes a parsed request body before running it: prompt estimate plus the output
// cap, charged against the token limits on arrival (tokens.ts has the character-based estimate).
import type { SimResponse } from "../http-types";
import { readEmbeddingsInput, type EmbeddingsInput } from "./embeddings";
import type { InferenceOperation } from "./request";
import { estimatePromptTokens, textOf } from "./tokens";

/** What a parsed body costs: prompt estimate and output cap (embeddings: the validated input too). */
export type BodyShape =
  | { ok: true; promptTokens: number; maxTokens: number | undefined; embeddings?: Extract<EmbeddingsInput, { ok: true }> }
  | { ok: false; response: SimResponse };

/**
 * The service's sizing of a parsed body. The Responses API counts `instructions` and `input`, plus the
 * whole earlier conversation when `previous_response_id` chains to a stored response (its input and
 * output become this turn's input).
 */
export function shapeOfBody(operation: InferenceOperation, body: Record<string, unknown>, model: string, previousTokens = 0): BodyShape {
  const max = (field: unknown): number | undefined => (typeof field === "number" ? field : undefined);
  if (operation === "embeddings") {
    const input = readEmbeddingsInput(model, body);
    return input.ok ? { ok: true, promptTokens: input.promptTokens, maxTokens: 0, embeddings: input } : input;
  }
  if (operation === "responses") {
    const text = [textOf(body.instructions), textOf(body.input)].filter((x) => x !== "").join(" ");
    return { ok: true, promptTokens: estimatePromptTokens(text) + previousTokens, maxTokens: max(body.max_output_tokens) };
  }
  const text = operation === "chat" ? textOf(body.messages) : textOf(body.prompt);
  return { ok: true, promptTokens: estimatePromptTokens(text), maxTokens: max(body.max_completion_tokens) ?? max(body.max_tokens) };
}
