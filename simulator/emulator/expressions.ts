// Structural evaluation of the typed C# expression AST (gateway-policy/expr/ast.ts) with the C#
// semantics the rendered code has in APIM: typed variable reads that throw on a type mismatch,
// null Response dereferences that throw, left-to-right `+`, SHA-256 hash buckets. Raw C# is refused.
import { createHash } from "node:crypto";
import type { ContextProperty, Expr, RawExpression, Value } from "../../gateway-policy/expr/ast";
import type { Rng } from "../rng";
import { PolicyRuntimeError, UnsupportedPolicyError } from "./errors";

/** Values a policy variable can hold in the emulator (C# string, int, bool, or a validated token). */
export type PolicyValue = string | number | boolean | null | JwtValue;

export interface JwtValue {
  kind: "jwt";
  claims: Record<string, string>;
}

export interface ExprEnv {
  requestHeaders: Record<string, string>;
  matchedParameters: Record<string, string>;
  variables: Map<string, PolicyValue>;
  context: Record<ContextProperty, string>;
  /** Status of context.Response, or null when there is none (transport failure, before forwarding). */
  responseStatus: number | null;
  /** Headers of context.Response (lower-case names), or null when there is none. */
  responseHeaders: Record<string, string> | null;
  /** Original request path (for pathAfterDeployment). */
  originalPath: string;
  namedValues: ReadonlyMap<string, string>;
  rng: Rng;
}

const fail = (message: string): never => {
  throw new PolicyRuntimeError("ExpressionValueEvaluationFailure", `Expression evaluation failed. ${message}`, "expression");
};

function typeName(v: PolicyValue): string {
  if (v === null) return "null";
  if (typeof v === "object") return "Jwt";
  return typeof v === "number" ? "System.Int32" : typeof v === "boolean" ? "System.Boolean" : "System.String";
}

/** C# ToString() of a value, as string concatenation produces it. */
function csharpText(v: PolicyValue): string {
  if (v === null) return "";
  if (typeof v === "boolean") return v ? "True" : "False";
  if (typeof v === "object") return "Jwt";
  return String(v);
}

/** SHA-256 of the UTF-8 key, first 4 bytes as little-endian uint32, mod buckets (as rendered in C#). */
export function hashBucketOf(key: string, buckets: number): number {
  return createHash("sha256").update(key, "utf8").digest().readUInt32LE(0) % buckets;
}

/** C# int.TryParse with the default NumberStyles.Integer (whitespace and a sign allowed). */
export function tryParseInt(text: string): number | undefined {
  if (!/^\s*[+-]?\d+\s*$/.test(text)) return undefined;
  const n = Number(text.trim());
  return n >= -2147483648 && n <= 2147483647 ? n : undefined;
}

export function evaluate(e: Expr, env: ExprEnv): PolicyValue {
  switch (e.kind) {
    case "string":
      return e.value;
    case "int":
      return e.value;
    case "bool":
      return e.value;
    case "null":
      return null;
    case "namedValue": {
      const v = env.namedValues.get(e.name);
      if (v === undefined) throw new UnsupportedPolicyError(`Named value {{${e.name}}} is not defined; add it to the emulator's named values.`);
      return v;
    }
    case "requestHeader":
      return env.requestHeaders[e.name.toLowerCase()] ?? e.fallback;
    case "matchedParameter":
      return env.matchedParameters[e.name] ?? e.fallback;
    case "variable": {
      if (!env.variables.has(e.name)) return e.fallback;
      const v = env.variables.get(e.name)!;
      const want = e.type === "int" ? "number" : e.type === "bool" ? "boolean" : "string";
      if (typeof v !== want) fail(`GetValueOrDefault<${e.type}>("${e.name}"): the variable holds ${typeName(v)}; specified cast is not valid.`);
      return v;
    }
    case "context":
      return env.context[e.property];
    case "statusCode":
      if (env.responseStatus === null) fail("Object reference not set to an instance of an object (context.Response is null).");
      return env.responseStatus;
    case "hasResponse":
      return env.responseStatus !== null;
    case "responseHeader":
    case "hasResponseHeader": {
      // APIM's header dictionary is case-insensitive; a missing response is a null dereference in C#.
      const headers = env.responseHeaders;
      if (headers === null) return fail("Object reference not set to an instance of an object (context.Response is null).");
      const v = headers[e.name.toLowerCase()];
      return e.kind === "hasResponseHeader" ? v !== undefined : (v ?? e.fallback);
    }
    case "tokenClaim": {
      const v = env.variables.get(e.variable);
      if (v === undefined || v === null) return "";
      if (typeof v !== "object") fail(`GetValueOrDefault<Jwt>("${e.variable}"): the variable holds ${typeName(v)}.`);
      return (v as JwtValue).claims[e.claim] ?? "";
    }
    case "hashBucket":
      return hashBucketOf(asString(evaluate(e.key, env), "hashBucket key"), e.buckets);
    case "randomBelow":
      return env.rng.int(0, e.max - 1);
    case "parseInt": {
      const text = evaluate(e.value, env);
      return tryParseInt(typeof text === "string" ? text : csharpText(text)) ?? e.fallback;
    }
    case "pathAfterDeployment":
      return env.originalPath.replace(/^.*?\/deployments\/[^/]+/, "");
    case "compare":
      return compare(e.op, evaluate(e.left, env), evaluate(e.right, env));
    case "and":
      for (const o of e.operands) if (!asBool(evaluate(o, env), "&&")) return false;
      return true;
    case "or":
      for (const o of e.operands) if (asBool(evaluate(o, env), "||")) return true;
      return false;
    case "not":
      return !asBool(evaluate(e.operand, env), "!");
    case "conditional":
      return asBool(evaluate(e.test, env), "?:") ? evaluate(e.whenTrue, env) : evaluate(e.whenFalse, env);
    case "concat": {
      // C# `a + b + c` folds left: int + int adds, anything with a string concatenates.
      let acc = evaluate(e.parts[0]!, env);
      for (const p of e.parts.slice(1)) {
        const v = evaluate(p, env);
        acc = typeof acc === "number" && typeof v === "number" ? acc + v : csharpText(acc) + csharpText(v);
      }
      return acc;
    }
    case "contains":
      // C# string.Contains is ordinal; a null receiver would throw, but every operand here is a string.
      return asString(evaluate(e.haystack, env), "Contains receiver").includes(asString(evaluate(e.needle, env), "Contains argument"));
    default:
      throw new UnsupportedPolicyError(`Expression kind "${(e as { kind: string }).kind}" is not supported by the emulator.`);
  }
}

function asBool(v: PolicyValue, op: string): boolean {
  if (typeof v !== "boolean") fail(`Operator '${op}' needs a bool, got ${typeName(v)}.`);
  return v as boolean;
}

function asString(v: PolicyValue, what: string): string {
  if (typeof v !== "string") fail(`${what} must be a string, got ${typeName(v)}.`);
  return v as string;
}

function compare(op: string, a: PolicyValue, b: PolicyValue): boolean {
  if (op === "==" || op === "!=") {
    const sameKind = a === null || b === null || typeof a === typeof b;
    if (!sameKind) fail(`Operator '${op}' cannot compare ${typeName(a)} with ${typeName(b)}.`);
    return op === "==" ? a === b : a !== b;
  }
  if (typeof a !== "number" || typeof b !== "number") fail(`Operator '${op}' needs two ints, got ${typeName(a)} and ${typeName(b)}.`);
  const x = a as number;
  const y = b as number;
  return op === "<" ? x < y : op === "<=" ? x <= y : op === ">" ? x > y : x >= y;
}

function isRawValue(v: Value): v is RawExpression {
  return typeof v === "object" && v.kind === "raw";
}

/** Evaluates an attribute/element Value: literal text, a typed expression, or (refused) raw C#. */
export function evaluateValue(v: Value, env: ExprEnv, where: string): PolicyValue {
  // Plain strings are literals: the renderer protects any `{{` in them from substitution, and
  // real references were substituted in the XML text before parsing (load.ts).
  if (typeof v === "string") return v;
  if (isRawValue(v)) {
    throw new UnsupportedPolicyError(`${where}: raw C# ${v.block ? "@{…}" : "@(…)"} cannot be emulated (${v.code.slice(0, 80)}); express it with the typed expression helpers.`);
  }
  return evaluate(v, env);
}
