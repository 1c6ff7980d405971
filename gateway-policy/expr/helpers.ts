// Typed builders for policy expressions. Strategies use only these, so every emitted expression is a
// shape the parser can lift back and the emulator can evaluate.
import type { CompareOp, ContextProperty, Expr, VariableType } from "./ast";

export const str = (value: string): Expr => ({ kind: "string", value });
export const int = (value: number): Expr => {
  if (!Number.isSafeInteger(value)) throw new Error(`int(${value}): C# int literals must be safe integers`);
  return { kind: "int", value };
};
export const bool = (value: boolean): Expr => ({ kind: "bool", value });
export const nullExpr = (): Expr => ({ kind: "null" });
export const namedValue = (name: string): Expr => ({ kind: "namedValue", name });
export const requestHeader = (name: string, fallback = ""): Expr => ({ kind: "requestHeader", name, fallback });
export const matchedParameter = (name: string, fallback = ""): Expr => ({ kind: "matchedParameter", name, fallback });
export const ctx = (property: ContextProperty): Expr => ({ kind: "context", property });
/** A backend response header read after forward-request; guard with `hasResponse` (see `responseHeaderOr`). */
export const responseHeader = (name: string, fallback = ""): Expr => ({ kind: "responseHeader", name, fallback });
export const hasResponseHeader = (name: string): Expr => ({ kind: "hasResponseHeader", name });
export const tokenClaim = (variable: string, claim: string): Expr => ({ kind: "tokenClaim", variable, claim });
export const hashBucket = (key: Expr, buckets = 100): Expr => ({ kind: "hashBucket", key, buckets });
export const randomBelow = (max: number): Expr => ({ kind: "randomBelow", max });
export const tryParseInt = (value: Expr, fallback: number): Expr => ({ kind: "parseInt", value, fallback });
export const pathAfterDeployment = (): Expr => ({ kind: "pathAfterDeployment" });

export function variable(name: string, type: "string", fallback?: string): Expr;
export function variable(name: string, type: "int", fallback?: number): Expr;
export function variable(name: string, type: "long", fallback?: number): Expr;
export function variable(name: string, type: "bool", fallback?: boolean): Expr;
export function variable(name: string, type: VariableType, fallback?: string | number | boolean): Expr {
  const defaults = { string: "", int: 0, long: 0, bool: false } as const;
  return { kind: "variable", name, type, fallback: fallback ?? defaults[type] };
}

export const compare = (op: CompareOp, left: Expr, right: Expr): Expr => ({ kind: "compare", op, left, right });
export const eq = (left: Expr, right: Expr): Expr => compare("==", left, right);
export const lt = (left: Expr, right: Expr): Expr => compare("<", left, right);

/** Logical AND; a single operand is returned as is so callers can build lists freely. */
export function and(...operands: Expr[]): Expr {
  if (operands.length === 0) throw new Error("and(): needs at least one operand");
  return operands.length === 1 ? (operands[0] as Expr) : { kind: "and", operands };
}
export function or(...operands: Expr[]): Expr {
  if (operands.length === 0) throw new Error("or(): needs at least one operand");
  return operands.length === 1 ? (operands[0] as Expr) : { kind: "or", operands };
}
export const not = (operand: Expr): Expr => ({ kind: "not", operand });
export const conditional = (test: Expr, whenTrue: Expr, whenFalse: Expr): Expr => ({ kind: "conditional", test, whenTrue, whenFalse });
export function concat(...parts: Expr[]): Expr {
  if (parts.length === 0) return str("");
  return parts.length === 1 ? (parts[0] as Expr) : { kind: "concat", parts };
}

export const contains = (haystack: Expr, needle: Expr): Expr => ({ kind: "contains", haystack, needle });

/** The first operand that is not the empty string, else "" (each operand is evaluated at most twice). */
export function firstNonEmpty(...operands: Expr[]): Expr {
  if (operands.length === 0) return str("");
  const [head, ...rest] = operands as [Expr, ...Expr[]];
  return rest.length === 0 ? head : conditional(compare("!=", head, str("")), head, firstNonEmpty(...rest));
}

/** True when the comma-separated list `list` (a multi-valued claim as APIM joins it) contains `item` exactly. */
export const listContains = (list: Expr, item: string): Expr => contains(concat(str(","), list, str(",")), str(`,${item},`));

/** `context.Response != null && StatusCode == c` for one code, ranges as `>=`/`<=`; never StatusReason. */
export function statusIs(...codes: Array<number | [number, number]>): Expr {
  const tests = codes.map((c) =>
    typeof c === "number"
      ? eq({ kind: "statusCode" }, int(c))
      : and(compare(">=", { kind: "statusCode" }, int(c[0])), compare("<=", { kind: "statusCode" }, int(c[1]))),
  );
  return and({ kind: "hasResponse" }, or(...tests));
}

/**
 * A backend answer worth sending to another member: 408, 429, 500, 502–504 (guarded by a null check).
 * 501 and every other 4xx are final: another member would answer the same.
 */
export function retryableStatus(): Expr {
  return statusIs(408, 429, 500, [502, 504]);
}

/**
 * Retry condition for Azure OpenAI backends: no response (transport failure, timeout) or 408, 429,
 * 500–504. 400/401/403/404 are never retried: another backend would answer the same.
 */
export function retryableFailure(): Expr {
  return or(
    not({ kind: "hasResponse" }),
    eq({ kind: "statusCode" }, int(408)),
    eq({ kind: "statusCode" }, int(429)),
    and(compare(">=", { kind: "statusCode" }, int(500)), compare("<=", { kind: "statusCode" }, int(504))),
  );
}

export const tryParseLong = (value: Expr, fallback: number): Expr => ({ kind: "parseInt", value, fallback, long: true });
export const minus = (left: Expr, right: Expr): Expr => ({ kind: "arith", op: "-", left, right });
export const times = (left: Expr, right: Expr): Expr => ({ kind: "arith", op: "*", left, right });
export const divide = (left: Expr, right: Expr): Expr => ({ kind: "arith", op: "/", left, right });
/** `a + b` on numbers (renders as `+`, which C# adds when both sides are numbers). */
export const plus = (left: Expr, right: Expr): Expr => ({ kind: "concat", parts: [left, right] });
export const min = (left: Expr, right: Expr): Expr => ({ kind: "math", fn: "Min", left, right });
/** The earliest of `<prefix>0…<prefix><count - 1>` (text longs) that is after `now`, each other slot counting as `stale`. */
/** `entries[key]` of a constant string table, else `fallback`. */
export const lookup = (key: Expr, entries: ReadonlyArray<{ key: string; value: string }>, fallback: string): Expr => ({ kind: "lookup", key, entries, fallback });
export const earliestFresh = (prefix: string, count: Expr, now: Expr, stale: Expr): Expr => ({ kind: "earliestFresh", prefix, count, now, stale });
export const max = (left: Expr, right: Expr): Expr => ({ kind: "math", fn: "Max", left, right });
export const nowMs = (): Expr => ({ kind: "nowMs" });
export const requestBodyField = (field: string): Expr => ({ kind: "bodyField", source: "request", field });
export const responseBodyField = (field: string): Expr => ({ kind: "bodyField", source: "response", field });
export const requestBodyFieldType = (field: string): Expr => ({ kind: "bodyFieldType", field });
export const bodyWithModel = (model: Expr): Expr => ({ kind: "bodyWithModel", model });
export const jsonObject = (properties: Record<string, Expr>): Expr => ({ kind: "jsonObject", properties: Object.entries(properties).map(([name, value]) => ({ name, value })) });
/** Compact JSON text of an object built with `jsonObject`; every value is escaped by the JSON writer. */
export const jsonText = (properties: Record<string, Expr>): Expr => ({ kind: "jsonText", value: jsonObject(properties) });
export const sentStatus = (variableName: string): Expr => ({ kind: "sentStatus", variable: variableName });
export const urlEscape = (value: Expr): Expr => ({ kind: "urlEscape", value });
export const urlDeployment = (): Expr => ({ kind: "urlDeployment" });
export const requestMaxTokens = (): Expr => ({ kind: "requestMaxTokens" });
export const requestTextLength = (): Expr => ({ kind: "requestTextLength" });
export const requestUnicodeEscapes = (): Expr => ({ kind: "requestUnicodeEscapes" });
export const requestBodyLength = (): Expr => ({ kind: "requestBodyLength" });
export const neq = (left: Expr, right: Expr): Expr => compare("!=", left, right);
