// How APIM's Newtonsoft reads a request or response body in policy expressions: the body as a
// JObject, a top-level field's ToString() and its JToken.Type, with the errors APIM raises.
import { PolicyRuntimeError } from "./errors";

/** An expression that APIM would fail evaluating (`ExpressionValueEvaluationFailure`), with APIM's message prefix. */
export const failExpression = (message: string): never => {
  throw new PolicyRuntimeError("ExpressionValueEvaluationFailure", `Expression evaluation failed. ${message}`, "expression");
};

/** Newtonsoft's JToken.ToString() of a top-level field value (strings bare, objects as indented JSON). */
export function jsonFieldText(v: unknown): string {
  if (v === undefined || v === null) return "";
  if (typeof v === "string") return v;
  if (typeof v === "boolean") return v ? "True" : "False";
  if (typeof v === "number") return String(v);
  return JSON.stringify(v, null, 2);
}

/** Newtonsoft's `JToken.Type` name of a parsed JSON value; "" for an absent field (the C# chain's null). */
export function jsonTokenType(v: unknown): string {
  if (v === undefined) return "";
  if (v === null) return "Null";
  if (typeof v === "string") return "String";
  if (typeof v === "boolean") return "Boolean";
  // JSON.parse keeps no trace of `5.0`; Newtonsoft reads it as Float. Both are "not a string" to the policy.
  if (typeof v === "number") return Number.isInteger(v) ? "Integer" : "Float";
  return Array.isArray(v) ? "Array" : "Object";
}

/** `Body.As<JObject>()`: the body as a JSON object, null when there is no body, an error when it is not a JSON object. */
export function bodyObject(text: string | undefined, which: string): Record<string, unknown> | null {
  if (text === undefined) return failExpression(`the emulator does not read a streamed ${which} body (APIM would buffer the whole stream).`);
  if (text === "") return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    return failExpression(`${which} body is not JSON: ${(error as Error).message}`);
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) return failExpression(`${which} body is not a JSON object.`);
  return parsed as Record<string, unknown>;
}
