// What Azure OpenAI refuses with 400 before it counts a request against any limit: bodies that are
// not JSON objects, fields of the wrong type, `max_tokens` above the model's output limit, and a
// prompt plus output above the context window. A simulated deployment runs this first, so a bad
// request costs the deployment nothing (one `max_tokens: 1e308` no longer fills a window).
// Bodies follow Azure's error shape: {"error":{"code","message","param","type":"invalid_request_error"}}.
import type { RequestLimits } from "../../core/catalog/catalog";
import { openAiError, type SimResponse } from "../http-types";
import { readCallerJson } from "../safe-json";
import { estimatePromptTokens, promptTextOf, shapeOfParsed, type RequestShape } from "./tokens";

export type RequestCheck = { ok: true; shape: RequestShape } | { ok: false; response: SimResponse };

const invalid = (code: string, message: string, param: string | null): RequestCheck => ({
  ok: false,
  response: openAiError(400, code, message, {}, { param, type: "invalid_request_error" }),
});

/** JSON's name for a value, as the API words type errors ("expected an integer, but got a string"). */
function typeName(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "number") return Number.isInteger(value) ? "an integer" : "a decimal number";
  if (typeof value === "string") return "a string";
  if (typeof value === "boolean") return "a boolean";
  return "an object";
}

type FieldRule = { type: "integer" | "number" | "boolean"; min?: number; max?: number };

/** Fields whose type Azure checks on every text operation (absent or null means "use the default"). */
const FIELD_RULES: Record<string, FieldRule> = {
  max_tokens: { type: "integer", min: 1 },
  max_completion_tokens: { type: "integer", min: 1 },
  n: { type: "integer", min: 1, max: 128 },
  temperature: { type: "number", min: 0, max: 2 },
  top_p: { type: "number", min: 0, max: 1 },
  stream: { type: "boolean" },
};

function checkField(name: string, value: unknown, rule: FieldRule): RequestCheck | undefined {
  if (value === undefined || value === null) return undefined;
  const fits = rule.type === "boolean" ? typeof value === "boolean" : typeof value === "number" && Number.isFinite(value) && (rule.type === "number" || Number.isInteger(value));
  if (!fits) {
    const expected = rule.type === "integer" ? "an integer" : rule.type === "number" ? "a number" : "a boolean";
    return invalid("invalid_type", `Invalid type for '${name}': expected ${expected}, but got ${typeName(value)} instead.`, name);
  }
  if (typeof value === "number" && rule.min !== undefined && value < rule.min) {
    return invalid("integer_below_min_value", `Invalid '${name}': value below minimum. Expected a value >= ${rule.min}, but got ${value} instead.`, name);
  }
  if (typeof value === "number" && rule.max !== undefined && value > rule.max) {
    return invalid("integer_above_max_value", `Invalid '${name}': value above maximum. Expected a value <= ${rule.max}, but got ${value} instead.`, name);
  }
  return undefined;
}

/** The prompt field each operation requires, and what it may hold. */
const PROMPT_FIELD: Record<RequestShape["operation"], { name: string; accepts: (v: unknown) => boolean; expected: string }> = {
  chat: { name: "messages", accepts: (v) => Array.isArray(v) && v.length > 0 && v.every((m) => m !== null && typeof m === "object" && !Array.isArray(m)), expected: "a non-empty array of message objects" },
  completions: { name: "prompt", accepts: (v) => typeof v === "string" || Array.isArray(v), expected: "a string or an array" },
  embeddings: { name: "input", accepts: (v) => typeof v === "string" || Array.isArray(v), expected: "a string or an array" },
};

/**
 * Validates a request body as Azure does before admission. `limits` come from the model catalog
 * (context window, input and output maxima for the deployment's version and type); without them
 * only shape and types are checked. The prompt is sized with the same character estimate the
 * simulator charges (Azure tokenizes exactly, so its threshold can fall a little elsewhere).
 */
export function validateRequest(operation: RequestShape["operation"], body: string, limits: RequestLimits | undefined): RequestCheck {
  const read = readCallerJson(body);
  if (!read.ok) return invalid(read.problem === "too-deep" ? "json_too_deep" : "invalid_json", read.message, null);
  const parsed = read.value;
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
    return invalid("invalid_type", `Invalid type for the request body: expected an object, but got ${typeName(parsed)} instead.`, null);
  }
  const o = parsed as Record<string, unknown>;
  const prompt = PROMPT_FIELD[operation];
  if (o[prompt.name] === undefined) return invalid("missing_required_parameter", `Missing required parameter: '${prompt.name}'.`, prompt.name);
  if (!prompt.accepts(o[prompt.name])) return invalid("invalid_type", `Invalid type for '${prompt.name}': expected ${prompt.expected}.`, prompt.name);
  if (operation !== "embeddings") {
    for (const [name, rule] of Object.entries(FIELD_RULES)) {
      const problem = checkField(name, o[name], rule);
      if (problem) return problem;
    }
  }
  return checkLimits(operation, o, limits);
}

function checkLimits(operation: RequestShape["operation"], body: Record<string, unknown>, limits: RequestLimits | undefined): RequestCheck {
  const shape = shapeOfParsed(operation, body);
  if (!limits) return { ok: true, shape };
  const param = typeof body.max_completion_tokens === "number" ? "max_completion_tokens" : "max_tokens";
  const output = shape.maxTokens ?? 0;
  if (limits.maxOutputTokens !== undefined && output > limits.maxOutputTokens) {
    return invalid("invalid_value", `${param} is too large: ${output}. This model supports at most ${limits.maxOutputTokens} completion tokens, whereas you provided ${output}.`, param);
  }
  const promptTokens = estimatePromptTokens(promptTextOf(operation, body));
  const field = PROMPT_FIELD[operation].name;
  if (limits.maxInputTokens !== undefined && promptTokens > limits.maxInputTokens) {
    return invalid("context_length_exceeded", `This model's maximum input length is ${limits.maxInputTokens} tokens. However, your ${field} resulted in ${promptTokens} tokens. Please reduce the length of the ${field}.`, field);
  }
  if (limits.contextTokens !== undefined && promptTokens + output > limits.contextTokens) {
    return invalid(
      "context_length_exceeded",
      `This model's maximum context length is ${limits.contextTokens} tokens. However, you requested ${promptTokens + output} tokens (${promptTokens} in the ${field}, ${output} in the completion). Please reduce the length of the ${field} or completion.`,
      field,
    );
  }
  return { ok: true, shape };
}
