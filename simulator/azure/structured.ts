// What a simulated model answers when the request constrains the answer's form, on chat
// completions and the Responses API alike: a JSON document for a json_object / json_schema format
// (an instance of the schema, so the SDKs' `parse` helpers accept it), a function call for `tools`
// (arguments an instance of the function's `parameters`). Real models choose their words; the simulator only keeps the form the
// API promises, deterministically.

/** The form of an answer: free text, a JSON document, or one call of a named function. */
export type AnswerForm = { kind: "text" } | { kind: "json"; json: string } | { kind: "tool"; name: string; arguments: string };

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * The smallest instance of a JSON schema (the subset structured outputs allow: object with
 * properties, array, string, number, integer, boolean, null, enum, const, anyOf, $ref into $defs),
 * strings filled with `text`. Unknown or empty schemas give `text` itself.
 */
export function schemaInstance(schema: unknown, text: string, root: unknown = schema, depth = 0): Json {
  if (!isObject(schema) || depth > 16) return text;
  if ("const" in schema) return schema.const as Json;
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return schema.enum[0] as Json;
  if (typeof schema.$ref === "string") return schemaInstance(resolveRef(root, schema.$ref), text, root, depth + 1);
  for (const key of ["anyOf", "oneOf", "allOf"] as const) {
    const options = schema[key];
    if (Array.isArray(options) && options.length > 0) return schemaInstance(options[0], text, root, depth + 1);
  }
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== "null") ?? schema.type[0] : schema.type;
  switch (type) {
    case "object": {
      const properties = isObject(schema.properties) ? schema.properties : {};
      const out: Record<string, Json> = {};
      for (const [name, sub] of Object.entries(properties)) out[name] = schemaInstance(sub, text, root, depth + 1);
      return out;
    }
    case "array": {
      const min = typeof schema.minItems === "number" ? schema.minItems : 1;
      return Array.from({ length: Math.max(0, Math.min(min, 3)) || 1 }, () => schemaInstance(schema.items, text, root, depth + 1));
    }
    case "integer":
    case "number":
      return typeof schema.minimum === "number" ? schema.minimum : 0;
    case "boolean":
      return true;
    case "null":
      return null;
    default:
      return text;
  }
}

function resolveRef(root: unknown, ref: string): unknown {
  if (!ref.startsWith("#/")) return undefined;
  let at: unknown = root;
  for (const part of ref.slice(2).split("/")) at = isObject(at) ? at[part.replace(/~1/g, "/").replace(/~0/g, "~")] : undefined;
  return at;
}

interface FunctionTool {
  name: string;
  parameters: unknown;
}

/** What decides an answer's form, read from a chat or a Responses body (they spell it differently). */
interface FormRequest {
  tools: FunctionTool[];
  /** `tool_choice` as sent ("none", "auto", "required" or an object naming a function). */
  choice: unknown;
  /** The function a `tool_choice` object names. */
  named: string | undefined;
  /** The conversation's last item is a function's result: the model answers it instead of calling again. */
  answered: boolean;
  /** `json_object`, `json_schema` (with its schema) or undefined for free text. */
  format: { type: "json_object" } | { type: "json_schema"; schema: unknown } | undefined;
}

/**
 * The common rule: a named `tool_choice` or `"required"` calls that (or the first) function; with
 * tools and `tool_choice` absent or `"auto"`, the first function is called unless the conversation's
 * last item is already a tool result (then the model answers, so tool loops such as the SDK's
 * `runTools` end); `"none"` answers in text. Otherwise a json_object / json_schema format makes the
 * answer a JSON document.
 */
function answerForm(r: FormRequest, text: string): AnswerForm {
  if (r.tools.length > 0 && r.choice !== "none") {
    const named = r.named !== undefined ? r.tools.find((t) => t.name === r.named) : undefined;
    const tool = named ?? (r.choice === "required" || !r.answered ? r.tools[0] : undefined);
    if (tool) return { kind: "tool", name: tool.name, arguments: JSON.stringify(schemaInstance(tool.parameters ?? { type: "object" }, "simulated")) };
  }
  if (r.format?.type === "json_object") return { kind: "json", json: JSON.stringify({ answer: text }) };
  if (r.format?.type === "json_schema") return { kind: "json", json: JSON.stringify(schemaInstance(r.format.schema ?? { type: "object" }, text)) };
  return { kind: "text" };
}

const nameOf = (v: unknown): string | undefined => (isObject(v) && typeof v.name === "string" ? v.name : undefined);

/**
 * Chat completions: `tools: [{ type: "function", function: { name, parameters } }]`, `tool_choice:
 * { type: "function", function: { name } }`, a last message of role `tool`, and `response_format`
 * with the schema at `json_schema.schema`.
 */
export function chatAnswerForm(body: Record<string, unknown>, text: string): AnswerForm {
  const tools = Array.isArray(body.tools)
    ? body.tools.flatMap((t) => (isObject(t) && t.type === "function" && isObject(t.function) && nameOf(t.function) !== undefined ? [{ name: nameOf(t.function)!, parameters: t.function.parameters }] : []))
    : [];
  const messages = Array.isArray(body.messages) ? body.messages : [];
  const last: unknown = messages[messages.length - 1];
  const choice = body.tool_choice;
  return answerForm({ tools, choice, named: isObject(choice) ? nameOf(choice.function) : undefined, answered: isObject(last) && last.role === "tool", format: formatOf(body.response_format, (f) => (isObject(f.json_schema) ? f.json_schema.schema : undefined)) }, text);
}

/**
 * The Responses API spells the same request flat: `tools: [{ type: "function", name, parameters }]`,
 * `tool_choice: { type: "function", name }`, a last input item of type `function_call_output`, and
 * `text.format` with the schema at `format.schema` (what the SDK's `responses.parse` and
 * `zodTextFormat` send).
 */
export function responseAnswerForm(body: Record<string, unknown>, text: string): AnswerForm {
  const tools = Array.isArray(body.tools) ? body.tools.flatMap((t) => (isObject(t) && t.type === "function" && nameOf(t) !== undefined ? [{ name: nameOf(t)!, parameters: t.parameters }] : [])) : [];
  const input = Array.isArray(body.input) ? body.input : [];
  const last: unknown = input[input.length - 1];
  const choice = body.tool_choice;
  const format = isObject(body.text) ? body.text.format : undefined;
  return answerForm({ tools, choice, named: isObject(choice) ? nameOf(choice) : undefined, answered: isObject(last) && last.type === "function_call_output", format: formatOf(format, (f) => f.schema) }, text);
}

function formatOf(format: unknown, schemaOf: (f: Record<string, unknown>) => unknown): FormRequest["format"] {
  if (!isObject(format)) return undefined;
  if (format.type === "json_object") return { type: "json_object" };
  if (format.type === "json_schema") return { type: "json_schema", schema: schemaOf(format) };
  return undefined;
}

/** `text` cut into `n` (≥ 1) consecutive pieces that join back to it, for streaming at the token pace. */
export function pieces(text: string, n: number): string[] {
  const count = Math.max(1, Math.min(n, text.length));
  return Array.from({ length: count }, (_, i) => text.slice(Math.floor((i * text.length) / count), Math.floor(((i + 1) * text.length) / count)));
}
