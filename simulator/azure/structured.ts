// What a simulated chat model answers when the request constrains the answer's form: a JSON
// document for `response_format` json_object / json_schema (an instance of the schema, so the
// SDKs' `parse` helpers accept it), a function call for `tools` (arguments an instance of the
// function's `parameters`). Real models choose their words; the simulator only keeps the form the
// API promises, deterministically.

/** The form of a chat answer: free text, a JSON document, or one call of a named function. */
export type ChatAnswerForm = { kind: "text" } | { kind: "json"; json: string } | { kind: "tool"; name: string; arguments: string };

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

/** The function tools of a chat request (`tools: [{ type: "function", function: { name, parameters } }]`). */
function functionTools(body: Record<string, unknown>): FunctionTool[] {
  if (!Array.isArray(body.tools)) return [];
  return body.tools.flatMap((t) => (isObject(t) && t.type === "function" && isObject(t.function) && typeof t.function.name === "string" ? [{ name: t.function.name, parameters: t.function.parameters }] : []));
}

/**
 * The form of a chat answer: a named `tool_choice` or `"required"` calls that (or the first)
 * function; with `tools` and `tool_choice` absent or `"auto"`, the first function is called unless
 * the conversation's last message is already a tool result (then the model answers, so tool loops
 * such as the SDK's `runTools` end); `"none"` answers in text. Otherwise `response_format`
 * json_object / json_schema makes the answer a JSON document.
 */
export function chatAnswerForm(body: Record<string, unknown>, text: string): ChatAnswerForm {
  const tools = functionTools(body);
  const choice = body.tool_choice;
  if (tools.length > 0 && choice !== "none") {
    const named = isObject(choice) && isObject(choice.function) && typeof choice.function.name === "string" ? tools.find((t) => t.name === (choice.function as { name: string }).name) : undefined;
    const messages = Array.isArray(body.messages) ? body.messages : [];
    const last: unknown = messages[messages.length - 1];
    const answered = isObject(last) && last.role === "tool";
    const tool = named ?? (choice === "required" || !answered ? tools[0] : undefined);
    if (tool) return { kind: "tool", name: tool.name, arguments: JSON.stringify(schemaInstance(tool.parameters ?? { type: "object" }, "simulated")) };
  }
  const format = body.response_format;
  if (isObject(format) && format.type === "json_object") return { kind: "json", json: JSON.stringify({ answer: text }) };
  if (isObject(format) && format.type === "json_schema") {
    const schema = isObject(format.json_schema) ? format.json_schema.schema : undefined;
    return { kind: "json", json: JSON.stringify(schemaInstance(schema ?? { type: "object" }, text)) };
  }
  return { kind: "text" };
}

/** `text` cut into `n` (≥ 1) consecutive pieces that join back to it, for streaming at the token pace. */
export function pieces(text: string, n: number): string[] {
  const count = Math.max(1, Math.min(n, text.length));
  return Array.from({ length: count }, (_, i) => text.slice(Math.floor((i * text.length) / count), Math.floor(((i + 1) * text.length) / count)));
}
