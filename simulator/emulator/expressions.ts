// Structural evaluation of the typed C# expression AST (gateway-policy/expr/ast.ts) with the C#
// semantics the rendered code has in APIM: typed variable reads that throw on a type mismatch,
// null Response dereferences that throw, left-to-right `+`, SHA-256 hash buckets. Raw C# is refused.
import { createHash } from "node:crypto";
import type { ContextProperty, Expr, RawExpression, Value } from "../../gateway-policy/expr/ast";
import { DEPLOYMENT_PREFIX_PATTERN, INLINE_DATA_PATTERN, MAX_TOKENS_PATTERN, UNICODE_ESCAPE_PATTERN } from "../../gateway-policy/expr/render";
import type { Rng } from "../rng";
import { UnsupportedPolicyError } from "./errors";
import { evaluateTable } from "./tables";
import { bodyObject, failExpression, jsonFieldText, jsonTokenType } from "./json-body";

/**
 * Values a policy variable or expression can hold in the emulator: C# string, int/long, bool, a
 * validated token, a JSON object (JObject) or a send-request response (IResponse).
 */
export type PolicyValue = string | number | boolean | null | JwtValue | JsonValue | SentResponse;

export interface JwtValue {
  kind: "jwt";
  claims: Record<string, string>;
}

/** A Newtonsoft JObject built by a `jsonObject` expression. */
export interface JsonValue {
  kind: "json";
  value: Record<string, unknown>;
}

/** The IResponse a send-request stored in its response variable. */
export interface SentResponse {
  kind: "response";
  status: number;
  headers: Record<string, string>;
  body: string;
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
  /** The request body as it stands now (set-body changes it). */
  requestBody: string;
  /** Body text of context.Response; undefined while it is a stream (reading it would buffer it). */
  responseBody: string | undefined;
  /** Path of the URL the request was last forwarded to (context.Request.Url.Path after forward-request). */
  forwardedPath: string;
  /**
   * `DateTime.UtcNow.Ticks / 10000` as APIM computes it: milliseconds since 0001-01-01 on the gateway's
   * clock. The absolute value matters where a policy compares a record it never wrote (read as 0)
   * with now: 0 is then long past, as in APIM, not a moment just after the clock started.
   */
  nowMs(): number;
}

const fail = failExpression;

function typeName(v: PolicyValue): string {
  if (v === null) return "null";
  if (typeof v === "object") return v.kind === "jwt" ? "Jwt" : v.kind === "json" ? "JObject" : "IResponse";
  return typeof v === "number" ? "System.Int32" : typeof v === "boolean" ? "System.Boolean" : "System.String";
}

/** C# ToString() of a value, as string concatenation produces it. */
function csharpText(v: PolicyValue): string {
  if (v === null) return "";
  if (typeof v === "boolean") return v ? "True" : "False";
  if (typeof v === "object") return v.kind === "json" ? JSON.stringify(v.value, null, 2) : typeName(v);
  return String(v);
}

/** C# long.TryParse (NumberStyles.Integer). */
export function tryParseLong(text: string): number | undefined {
  if (!/^\s*[+-]?\d+\s*$/.test(text)) return undefined;
  const n = BigInt(text.trim());
  return n >= -(2n ** 63n) && n < 2n ** 63n ? Number(n) : undefined;
}

/** System.Uri.EscapeDataString: RFC 3986 unreserved characters stay, everything else is %-escaped. */
export function escapeDataString(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** The patterns .NET's Regex runs (no construct in them differs between the two engines). */
const MAX_TOKENS = new RegExp(MAX_TOKENS_PATTERN);
const UNICODE_ESCAPES = new RegExp(UNICODE_ESCAPE_PATTERN, "g");
const INLINE_DATA = new RegExp(INLINE_DATA_PATTERN, "g");

/** `context.Request.Body.As<string>()`: the body's text; APIM's Body is null without a body, and As on it throws. */
function requestBodyText(env: ExprEnv): string {
  if (env.requestBody === "") return fail("Object reference not set to an instance of an object (context.Request.Body is null).");
  return env.requestBody;
}

function jsonPlain(v: PolicyValue): unknown {
  if (v !== null && typeof v === "object") {
    if (v.kind === "json") return v.value;
    return fail(`a ${typeName(v)} cannot be a JSON value.`);
  }
  return v;
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
      // int and long are both JS numbers here; the generator keeps each variable to one C# type.
      const want = e.type === "int" || e.type === "long" ? "number" : e.type === "bool" ? "boolean" : "string";
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
      if (typeof v !== "object" || v.kind !== "jwt") return fail(`GetValueOrDefault<Jwt>("${e.variable}"): the variable holds ${typeName(v)}.`);
      return v.claims[e.claim] ?? "";
    }
    case "sentStatus": {
      const v = env.variables.get(e.variable);
      if (v === undefined || v === null) return 0;
      if (typeof v !== "object" || v.kind !== "response") return fail(`GetValueOrDefault<IResponse>("${e.variable}"): the variable holds ${typeName(v)}; specified cast is not valid.`);
      return v.status;
    }
    case "arith": {
      const a = evaluate(e.left, env);
      const b = evaluate(e.right, env);
      if (typeof a !== "number" || typeof b !== "number") return fail(`Operator '${e.op}' needs two numbers, got ${typeName(a)} and ${typeName(b)}.`);
      if (e.op === "-") return a - b;
      if (e.op === "*") return a * b;
      if (b === 0) return fail("Attempted to divide by zero.");
      return Math.trunc(a / b);
    }
    case "math": {
      const a = evaluate(e.left, env);
      const b = evaluate(e.right, env);
      if (typeof a !== "number" || typeof b !== "number") return fail(`Math.${e.fn} needs two numbers, got ${typeName(a)} and ${typeName(b)}.`);
      return e.fn === "Min" ? Math.min(a, b) : Math.max(a, b);
    }
    case "nowMs":
      return Math.floor(env.nowMs());
    case "bodyField": {
      if (e.source === "response" && env.responseStatus === null) return fail("Object reference not set to an instance of an object (context.Response is null).");
      const body = bodyObject(e.source === "request" ? env.requestBody : env.responseBody, e.source);
      return body === null ? "" : jsonFieldText(body[e.field]);
    }
    case "bodyFieldType": {
      const body = bodyObject(env.requestBody, "request");
      return body === null ? "" : jsonTokenType(body[e.field]);
    }
    case "bodyWithModel": {
      const body = bodyObject(env.requestBody, "request");
      if (body === null) return fail("Value cannot be null (the request has no body).");
      const model = evaluate(e.model, env);
      return JSON.stringify({ ...body, model: jsonPlain(model) });
    }
    case "jsonObject": {
      const out: Record<string, unknown> = {};
      for (const p of e.properties) out[p.name] = jsonPlain(evaluate(p.value, env));
      return { kind: "json", value: out };
    }
    case "jsonText": {
      const v = evaluate(e.value, env);
      if (v === null || typeof v !== "object" || v.kind !== "json") return fail(`ToString(Formatting.None) needs a JObject, got ${typeName(v)}.`);
      return JSON.stringify(v.value);
    }
    case "urlEscape":
      return escapeDataString(asString(evaluate(e.value, env), "EscapeDataString"));
    case "requestBodyLength":
      return env.requestBody.length;
    case "urlDeployment":
      return /\/deployments\/([^/]+)/.exec(env.forwardedPath)?.[1] ?? "";
    case "requestMaxTokens":
      return MAX_TOKENS.exec(requestBodyText(env))?.[1] ?? "";
    case "requestTextLength":
      return requestBodyText(env).replace(INLINE_DATA, "").length;
    case "requestUnicodeEscapes":
      return requestBodyText(env).match(UNICODE_ESCAPES)?.length ?? 0;
    case "hashBucket":
      return hashBucketOf(asString(evaluate(e.key, env), "hashBucket key"), e.buckets);
    case "randomBelow":
      return env.rng.int(0, e.max - 1);
    case "parseInt": {
      const value = evaluate(e.value, env);
      const text = typeof value === "string" ? value : csharpText(value);
      return (e.long ? tryParseLong(text) : tryParseInt(text)) ?? e.fallback;
    }
    case "pathAfterDeployment":
      return env.originalPath.replace(new RegExp(DEPLOYMENT_PREFIX_PATTERN), "");
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
    case "lookup":
    case "earliestFresh":
      return evaluateTable(e, env, evaluate, fail, typeName);
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
