// What Azure OpenAI refuses with 400 before it counts a request against any limit: bodies nested
// too deep, fields of the wrong type, `max_tokens` above the model's output limit, and a prompt plus
// output above the context window. A simulated deployment runs this once, where it sizes the request
// (its result is that sizing), so a bad request costs the deployment nothing: one
// `max_tokens: 1e308` no longer fills a window. Bodies follow Azure's error shape:
// {"error":{"code","message","param","type":"invalid_request_error"}}. The account has already parsed
// the body and checked `stream` and `model` (request.ts); embeddings input is checked where it is read.
import type { RequestLimits } from "../../core/catalog/catalog";
import { openAiError } from "../http-types";
import { jsonDepth, MAX_JSON_DEPTH } from "../safe-json";
import type { InferenceOperation } from "./request";
import { backgroundProblem } from "./responses-lifecycle";
import { shapeOfBody, type BodyShape } from "./sizing";

const invalid = (code: string, message: string, param: string | null): BodyShape => ({
  ok: false,
  response: openAiError(400, code, message, {}, { param, type: "invalid_request_error" }),
});

/** JSON's name for a value, as the API words type errors ("expected an integer, but got a string"). */
export function jsonTypeName(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "number") return Number.isInteger(value) ? "an integer" : "a decimal number";
  if (typeof value === "string") return "a string";
  if (typeof value === "boolean") return "a boolean";
  return "an object";
}

type FieldRule = { type: "integer" | "number" | "boolean"; min?: number; max?: number };

/** Fields whose type Azure checks (absent or null means "use the default"). */
const FIELD_RULES: Record<string, FieldRule> = {
  max_tokens: { type: "integer", min: 1 },
  max_completion_tokens: { type: "integer", min: 1 },
  max_output_tokens: { type: "integer", min: 1 },
  n: { type: "integer", min: 1, max: 128 },
  temperature: { type: "number", min: 0, max: 2 },
  top_p: { type: "number", min: 0, max: 1 },
  stream: { type: "boolean" },
};

function checkField(name: string, value: unknown, rule: FieldRule): BodyShape | undefined {
  if (value === undefined || value === null) return undefined;
  const fits = rule.type === "boolean" ? typeof value === "boolean" : typeof value === "number" && Number.isFinite(value) && (rule.type === "number" || Number.isInteger(value));
  if (!fits) {
    const expected = rule.type === "integer" ? "an integer" : rule.type === "number" ? "a number" : "a boolean";
    return invalid("invalid_type", `Invalid type for '${name}': expected ${expected}, but got ${jsonTypeName(value)} instead.`, name);
  }
  if (typeof value === "number" && rule.min !== undefined && value < rule.min) {
    return invalid("integer_below_min_value", `Invalid '${name}': value below minimum. Expected a value >= ${rule.min}, but got ${value} instead.`, name);
  }
  if (typeof value === "number" && rule.max !== undefined && value > rule.max) {
    return invalid("integer_above_max_value", `Invalid '${name}': value above maximum. Expected a value <= ${rule.max}, but got ${value} instead.`, name);
  }
  return undefined;
}

/** The prompt field chat and completions require, and what it may hold. */
const PROMPT_FIELD: Partial<Record<InferenceOperation, { name: string; accepts: (v: unknown) => boolean; expected: string }>> = {
  chat: { name: "messages", accepts: (v) => Array.isArray(v) && v.length > 0 && v.every((m) => m !== null && typeof m === "object" && !Array.isArray(m)), expected: "a non-empty array of message objects" },
  completions: { name: "prompt", accepts: (v) => typeof v === "string" || Array.isArray(v), expected: "a string or an array" },
};

/** The field that carries the output cap, as messages name it. */
function outputParam(operation: InferenceOperation, body: Record<string, unknown>): string {
  if (operation === "responses") return "max_output_tokens";
  return typeof body.max_completion_tokens === "number" ? "max_completion_tokens" : "max_tokens";
}

/** Where the prompt is, as messages name it. */
const PROMPT_NAME: Record<InferenceOperation, string> = { chat: "messages", completions: "prompt", embeddings: "input", responses: "input" };

/**
 * Validates and sizes a request as Azure does before admission. `rawBody` is the text (its nesting is
 * measured without recursion); `body` the account's parse of it. `limits` come from the model catalog
 * (context window, input and output maxima for the deployment's version and type); without them only
 * shape and types are checked. The prompt is sized by the simulator's character estimate (Azure
 * tokenizes exactly, so its threshold falls a little elsewhere); a Responses call counts the stored
 * conversation it continues (`previousTokens`).
 */
export function validateRequest(
  call: { operation: InferenceOperation; body: Record<string, unknown> },
  rawBody: string,
  model: string,
  limits: RequestLimits | undefined,
  previousTokens = 0,
): BodyShape {
  const { operation, body } = call;
  if (jsonDepth(rawBody, MAX_JSON_DEPTH) > MAX_JSON_DEPTH) {
    return invalid("json_too_deep", `The request body nests JSON more than ${MAX_JSON_DEPTH} levels deep; the limit is ${MAX_JSON_DEPTH}.`, null);
  }
  const background = operation === "responses" ? backgroundProblem(body) : undefined;
  if (background) return { ok: false, response: background };
  const prompt = PROMPT_FIELD[operation];
  if (prompt && body[prompt.name] === undefined) return invalid("missing_required_parameter", `Missing required parameter: '${prompt.name}'.`, prompt.name);
  if (prompt && !prompt.accepts(body[prompt.name])) return invalid("invalid_type", `Invalid type for '${prompt.name}': expected ${prompt.expected}.`, prompt.name);
  if (operation !== "embeddings") {
    for (const [name, rule] of Object.entries(FIELD_RULES)) {
      const problem = checkField(name, body[name], rule);
      if (problem) return problem;
    }
  }
  if (operation === "chat" && limits?.completionTokensOnly && body.max_tokens !== undefined && body.max_tokens !== null) {
    return invalid("unsupported_parameter", "Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead.", "max_tokens");
  }
  const shape = shapeOfBody(operation, body, model, previousTokens);
  if (!shape.ok || !limits) return shape;
  const output = shape.maxTokens ?? 0;
  const param = outputParam(operation, body);
  if (limits.maxOutputTokens !== undefined && output > limits.maxOutputTokens) {
    return invalid("invalid_value", `${param} is too large: ${output}. This model supports at most ${limits.maxOutputTokens} completion tokens, whereas you provided ${output}.`, param);
  }
  const field = PROMPT_NAME[operation];
  if (limits.maxInputTokens !== undefined && shape.promptTokens > limits.maxInputTokens) {
    return invalid("context_length_exceeded", `This model's maximum input length is ${limits.maxInputTokens} tokens. However, your ${field} resulted in ${shape.promptTokens} tokens. Please reduce the length of the ${field}.`, field);
  }
  if (limits.contextTokens !== undefined && shape.promptTokens + output > limits.contextTokens) {
    return invalid(
      "context_length_exceeded",
      `This model's maximum context length is ${limits.contextTokens} tokens. However, you requested ${shape.promptTokens + output} tokens (${shape.promptTokens} in the ${field}, ${output} in the completion). Please reduce the length of the ${field} or completion.`,
      field,
    );
  }
  return shape;
}
