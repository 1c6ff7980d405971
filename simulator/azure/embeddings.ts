// Embeddings as Azure OpenAI returns them: one vector per input, in input order, deterministic per
// (model, input), unit length, with the model's native dimensions or the requested `dimensions`
// (text-embedding-3 models only), as float arrays or base64 little-endian float32
// (openai-api-surface.md §4: dimensions per model from the models page, 2,048 inputs at most).
import { createHash } from "node:crypto";
import { openAiError, type SimResponse } from "../http-types";
import { Rng } from "../rng";
import { estimatePromptTokens } from "./tokens";

/** Native vector length per model (Learn, "Embeddings models" table). */
export const EMBEDDING_DIMENSIONS: Record<string, number> = {
  "text-embedding-3-large": 3072,
  "text-embedding-3-small": 1536,
  "text-embedding-ada-002": 1536,
};
export const MAX_EMBEDDING_INPUTS = 2048;

export const nativeDimensions = (model: string): number => EMBEDDING_DIMENSIONS[model] ?? 1536;
/** Only the third-generation models accept `dimensions` (shortened, renormalised vectors). */
export const acceptsDimensions = (model: string): boolean => model.startsWith("text-embedding-3");

/** The unit vector of one input: a seeded normal draw per component, cut to `dimensions`, renormalised. */
export function embeddingVector(model: string, input: string, dimensions: number): Float32Array {
  const seed = createHash("sha256").update(`${model}\u0000${input}`).digest().readInt32LE(0);
  const rng = new Rng(seed);
  const full = Array.from({ length: nativeDimensions(model) }, () => rng.normal());
  const cut = full.slice(0, dimensions);
  const norm = Math.sqrt(cut.reduce((s, x) => s + x * x, 0)) || 1;
  return Float32Array.from(cut, (x) => x / norm);
}

/** Little-endian float32 bytes, base64-encoded: what `encoding_format: "base64"` returns. */
export function base64Float32(vector: Float32Array): string {
  const bytes = Buffer.alloc(vector.length * 4);
  vector.forEach((x, i) => bytes.writeFloatLE(x, i * 4));
  return bytes.toString("base64");
}

export type EmbeddingsInput = { ok: true; texts: string[]; promptTokens: number; dimensions: number; base64: boolean } | { ok: false; response: SimResponse };

const invalid = (message: string, param: string): EmbeddingsInput => ({ ok: false, response: openAiError(400, null, message, {}, { param, type: "invalid_request_error" }) });

/** Reads `input`, `dimensions` and `encoding_format`; a bad one is Azure's 400 before anything is charged. */
export function readEmbeddingsInput(model: string, body: Record<string, unknown>): EmbeddingsInput {
  const raw = body.input;
  // Token-id arrays count their ids as tokens; they are embedded by their text form.
  const isTokens = (v: unknown): v is number[] => Array.isArray(v) && v.length > 0 && v.every((x) => Number.isInteger(x));
  let texts: string[];
  let tokens: number;
  if (typeof raw === "string") {
    texts = [raw];
    tokens = estimatePromptTokens(raw);
  } else if (isTokens(raw)) {
    texts = [raw.join(" ")];
    tokens = raw.length;
  } else if (Array.isArray(raw) && raw.length > 0 && (raw.every((x) => typeof x === "string") || raw.every(isTokens))) {
    texts = raw.map((x) => (typeof x === "string" ? x : (x as number[]).join(" ")));
    tokens = raw.reduce<number>((s, x) => s + (typeof x === "string" ? estimatePromptTokens(x) : (x as number[]).length), 0);
  } else {
    return invalid("'input' must be a string, an array of strings, or an array of token arrays, and must not be empty.", "input");
  }
  if (texts.length > MAX_EMBEDDING_INPUTS) return invalid(`'input' has ${texts.length} items; at most ${MAX_EMBEDDING_INPUTS} are allowed per request.`, "input");
  if (texts.some((t) => t === "")) return invalid("'input' must not contain empty strings.", "input");
  const format = body.encoding_format ?? "float";
  if (format !== "float" && format !== "base64") return invalid(`'encoding_format' must be "float" or "base64", got ${JSON.stringify(format)}.`, "encoding_format");
  let dimensions = nativeDimensions(model);
  if (body.dimensions !== undefined && body.dimensions !== null) {
    if (!acceptsDimensions(model)) return invalid(`This model does not support specifying dimensions (${model}).`, "dimensions");
    if (!Number.isInteger(body.dimensions) || (body.dimensions as number) < 1 || (body.dimensions as number) > dimensions)
      return invalid(`'dimensions' must be an integer from 1 to ${dimensions} for ${model}, got ${JSON.stringify(body.dimensions)}.`, "dimensions");
    dimensions = body.dimensions as number;
  }
  return { ok: true, texts, promptTokens: tokens, dimensions, base64: format === "base64" };
}

export function embeddingsBody(model: string, input: Extract<EmbeddingsInput, { ok: true }>): unknown {
  return {
    object: "list",
    model,
    data: input.texts.map((text, index) => {
      const vector = embeddingVector(model, text, input.dimensions);
      return { object: "embedding", index, embedding: input.base64 ? base64Float32(vector) : Array.from(vector) };
    }),
    usage: { prompt_tokens: input.promptTokens, total_tokens: input.promptTokens },
  };
}
