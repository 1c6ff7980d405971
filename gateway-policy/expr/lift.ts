// Generic C# syntax → typed Expr. Recognises exactly the shapes render.ts emits; anything else throws
// LiftError so the caller keeps the text as a RawExpression.
import type { CompareOp, ContextProperty, Expr, VariableType } from "./ast";
import { CONTEXT_PROPERTIES } from "./ast";
import { contextCode, DEPLOYMENT_PREFIX_PATTERN, EARLIEST_SLOT, EARLIEST_VALUE, JSON_FORMATTING_NONE, LOOKUP_TYPE, INLINE_DATA_PATTERN, MAX_TOKENS_PATTERN, UNICODE_ESCAPE_PATTERN, URL_DEPLOYMENT_PATTERN } from "./render";
import { CSharpSyntaxError, parseCSharp, type Syn } from "./syntax";

export class LiftError extends Error {}

/** `a.b?.c(x,y)` → shape "a.b?.c($,$)" plus the argument nodes in order; null for non-chains. */
function shape(s: Syn, args: Syn[]): string | null {
  switch (s.t) {
    case "name":
      return s.name;
    case "member": {
      const target = shape(s.target, args);
      return target === null ? null : `${target}${s.nullConditional ? "?." : "."}${s.name}`;
    }
    case "call": {
      const target = shape(s.target, args);
      if (target === null) return null;
      args.push(...s.args);
      return `${target}${s.typeArgs ? `<${s.typeArgs.join(",")}>` : ""}(${s.args.map(() => "$").join(",")})`;
    }
    case "new": {
      args.push(...s.args);
      const created = `new ${s.type}(${s.args.map(() => "$").join(",")})`;
      if (!s.init) return created;
      for (const i of s.init) args.push(i.key, i.value);
      return `${created}{${s.init.map(() => "[$]=$").join(",")}}`;
    }
    case "index": {
      const target = shape(s.target, args);
      if (target === null) return null;
      args.push(s.index);
      return `${target}${s.nullConditional ? "?[" : "["}$]`;
    }
    default:
      return null;
  }
}

function chain(s: Syn): { shape: string; args: Syn[] } | null {
  const args: Syn[] = [];
  const sh = shape(s, args);
  return sh === null ? null : { shape: sh, args };
}

function stringArg(s: Syn | undefined): string {
  if (s?.t !== "string" || s.text.includes("{{")) throw new LiftError("expected a string literal argument");
  return s.value;
}
function intArg(s: Syn | undefined): number {
  if (s?.t === "number") return s.value;
  if (s?.t === "unary" && s.op === "-" && s.operand.t === "number") return -s.operand.value;
  throw new LiftError("expected an integer literal argument");
}

// Chains rendered by context properties: the code text without whitespace, keyed back to the property.
const CONTEXT_BY_CODE = new Map<string, ContextProperty>(CONTEXT_PROPERTIES.map((p) => [contextCode(p).replace(/\s+/g, ""), p]));

const VARIABLE_CALL = /^context\.Variables\.GetValueOrDefault<(string|int|long|bool)>\(\$,\$\)$/;

function liftChain(s: Syn): Expr {
  const c = chain(s);
  if (!c) throw new LiftError(`unsupported expression node ${s.t}`);
  const a = c.args;
  const property = CONTEXT_BY_CODE.get(c.shape);
  if (property && a.length === 0) return { kind: "context", property };
  switch (c.shape) {
    case "context.Request.Headers.GetValueOrDefault($,$)":
      return { kind: "requestHeader", name: stringArg(a[0]), fallback: stringArg(a[1]) };
    case "context.Request.MatchedParameters.GetValueOrDefault($,$)":
      return { kind: "matchedParameter", name: stringArg(a[0]), fallback: stringArg(a[1]) };
    case "context.Response.StatusCode":
      return { kind: "statusCode" };
    case "context.Response.Headers.GetValueOrDefault($,$)":
      return { kind: "responseHeader", name: stringArg(a[0]), fallback: stringArg(a[1]) };
    case "context.Response.Headers.ContainsKey($)":
      return { kind: "hasResponseHeader", name: stringArg(a[0]) };
    case "new System.Random().Next($)":
      return { kind: "randomBelow", max: intArg(a[0]) };
    case "System.Text.RegularExpressions.Regex.Replace($,$,$)": {
      const input = a[0] ? chain(a[0]) : null;
      if (input?.shape !== "context.Request.OriginalUrl.Path" || stringArg(a[1]) !== DEPLOYMENT_PREFIX_PATTERN || stringArg(a[2]) !== "")
        throw new LiftError("unsupported Regex.Replace");
      return { kind: "pathAfterDeployment" };
    }
    case "System.Text.RegularExpressions.Regex.Replace($,$,$).Length": {
      const input = a[0] ? chain(a[0]) : null;
      if (!isRequestBodyText(input) || stringArg(a[1]) !== INLINE_DATA_PATTERN || stringArg(a[2]) !== "")
        throw new LiftError("unsupported Regex.Replace(...).Length");
      return { kind: "requestTextLength" };
    }
    case "System.Convert.ToInt32($)":
      return liftHashBucket(a[0]);
    case "Math.Min($,$)":
    case "Math.Max($,$)":
      return { kind: "math", fn: c.shape.startsWith("Math.Min") ? "Min" : "Max", left: lift(a[0]!), right: lift(a[1]!) };
    case "System.Linq.Enumerable.Range($,$).Min($)":
      return liftEarliestFresh(a);
    case "System.Uri.EscapeDataString($)":
      return { kind: "urlEscape", value: lift(a[0]!) };
    case "System.Text.RegularExpressions.Regex.Match($,$).Groups[$].Value": {
      const input = chain(a[0]!);
      if (input?.shape === "context.Request.Url.Path" && stringArg(a[1]) === URL_DEPLOYMENT_PATTERN && intArg(a[2]) === 1) return { kind: "urlDeployment" };
      if (isRequestBodyText(input) && stringArg(a[1]) === MAX_TOKENS_PATTERN && intArg(a[2]) === 1) return { kind: "requestMaxTokens" };
      throw new LiftError("unsupported Regex.Match");
    }
    case "System.Text.RegularExpressions.Regex.Matches($,$).Count": {
      const input = chain(a[0]!);
      if (isRequestBodyText(input) && stringArg(a[1]) === UNICODE_ESCAPE_PATTERN) return { kind: "requestUnicodeEscapes" };
      throw new LiftError("unsupported Regex.Matches");
    }
    case "new JObject($){[$]=$}.ToString($)": {
      const body = a[0] ? chain(a[0]) : null;
      if (body?.shape !== "context.Request.Body.As<JObject>($)" || !isPreserveContent(body.args[0]) || stringArg(a[1]) !== "model" || !isCompactFormatting(a[3]))
        throw new LiftError("unsupported JObject initializer");
      return { kind: "bodyWithModel", model: lift(a[2]!) };
    }
  }
  if (/^new JObject\(((\$,)*\$)?\)$/.test(c.shape)) return liftJsonObject(a);
  if (/^new JObject\(((\$,)*\$)?\)\.ToString\(\$\)$/.test(c.shape)) {
    if (!isCompactFormatting(a[a.length - 1])) throw new LiftError("unsupported JObject.ToString formatting");
    return { kind: "jsonText", value: liftJsonObject(a.slice(0, -1)) };
  }
  const variable = VARIABLE_CALL.exec(c.shape);
  if (variable) {
    const type = variable[1] as VariableType;
    const name = stringArg(a[0]);
    const f = a[1];
    if (type === "string") return { kind: "variable", name, type, fallback: stringArg(f) };
    if (type === "int" || type === "long") return { kind: "variable", name, type, fallback: intArg(f) };
    if (f?.t !== "bool") throw new LiftError("expected a bool fallback");
    return { kind: "variable", name, type, fallback: f.value };
  }
  throw new LiftError(`unsupported call or member chain ${c.shape}`);
}

/** `preserveContent: true` as the only argument of Body.As<JObject>(…). */
/** `context.Request.Body.As<string>(preserveContent: true)`: the input of the request-body regular expressions. */
function isRequestBodyText(c: ReturnType<typeof chain>): boolean {
  return c?.shape === "context.Request.Body.As<string>($)" && isPreserveContent(c.args[0]);
}

function isPreserveContent(s: Syn | undefined): boolean {
  return s?.t === "named" && s.name === "preserveContent" && s.value.t === "bool" && s.value.value;
}

function isCompactFormatting(s: Syn | undefined): boolean {
  return s !== undefined && chain(s)?.shape === JSON_FORMATTING_NONE;
}

/** `new JObject(new JProperty("name", value), …)` arguments → jsonObject. */
function liftJsonObject(args: Syn[]): Expr {
  const properties = args.map((p) => {
    const prop = chain(p);
    if (prop?.shape !== "new JProperty($,$)") throw new LiftError("JObject arguments must be new JProperty(name, value)");
    return { name: stringArg(prop.args[0]), value: lift(prop.args[1]!) };
  });
  return { kind: "jsonObject", properties };
}

/** `context.<Request|Response>.Body?.As<JObject>(preserveContent: true)?["field"]?.ToString()`, or `?.Type.ToString()` (its JSON type). */
function liftBodyField(left: { shape: string; args: Syn[] }): Expr | undefined {
  if (/^context\.Request\.Body\?\.As<JObject>\(\$\)\?\[\$\]\?\.Type\.ToString\(\)$/.test(left.shape) && isPreserveContent(left.args[0])) {
    return { kind: "bodyFieldType", field: stringArg(left.args[1]) };
  }
  const m = /^context\.(Request|Response)\.Body\?\.As<JObject>\(\$\)\?\[\$\]\?\.ToString\(\)$/.exec(left.shape);
  if (!m || !isPreserveContent(left.args[0])) return undefined;
  return { kind: "bodyField", source: m[1] === "Request" ? "request" : "response", field: stringArg(left.args[1]) };
}

function liftHashBucket(arg: Syn | undefined): Expr {
  if (arg?.t !== "binary" || arg.op !== "%") throw new LiftError("unsupported Convert.ToInt32");
  const toUInt = chain(arg.left);
  if (toUInt?.shape !== "System.BitConverter.ToUInt32($,$)" || intArg(toUInt.args[1]) !== 0) throw new LiftError("unsupported hash");
  const hash = toUInt.args[0] ? chain(toUInt.args[0]) : null;
  if (hash?.shape !== "System.Security.Cryptography.SHA256.Create().ComputeHash($)") throw new LiftError("unsupported hash");
  const bytes = hash.args[0] ? chain(hash.args[0]) : null;
  if (bytes?.shape !== "System.Text.Encoding.UTF8.GetBytes($)" || !bytes.args[0]) throw new LiftError("unsupported hash input");
  return { kind: "hashBucket", key: lift(bytes.args[0]), buckets: intArg(arg.right) };
}

/**
 * `System.Linq.Enumerable.Range(0, n).Min(slot => long.TryParse(context.Variables.GetValueOrDefault<string>("p" + slot, ""),
 * out var freeAt) && freeAt > now ? freeAt : stale)`, exactly as render.ts writes it.
 */
function liftEarliestFresh(a: Syn[]): Expr {
  const [start, count, fn] = a;
  if (intArg(start) !== 0 || fn?.t !== "lambda" || fn.param !== EARLIEST_SLOT) throw new LiftError("unsupported Enumerable.Range(…).Min(…)");
  const body = fn.body;
  const isValue = (s: Syn): boolean => s.t === "name" && s.name === EARLIEST_VALUE;
  if (body.t !== "conditional" || !isValue(body.whenTrue) || body.test.t !== "binary" || body.test.op !== "&&") throw new LiftError("unsupported earliestFresh body");
  const parse = chain(body.test.left);
  const fresh = body.test.right;
  const out = parse?.args[1];
  if (parse?.shape !== "long.TryParse($,$)" || out?.t !== "outVar" || out.name !== EARLIEST_VALUE || fresh.t !== "binary" || fresh.op !== ">" || !isValue(fresh.left))
    throw new LiftError("unsupported earliestFresh test");
  const name = parse.args[0];
  const read = name ? chain(name) : null;
  if (read?.shape !== "context.Variables.GetValueOrDefault<string>($,$)" || stringArg(read.args[1]) !== "") throw new LiftError("unsupported earliestFresh read");
  const slotName = read.args[0];
  if (slotName?.t !== "binary" || slotName.op !== "+" || slotName.right.t !== "name" || slotName.right.name !== EARLIEST_SLOT) throw new LiftError("unsupported earliestFresh slot name");
  return { kind: "earliestFresh", prefix: stringArg(slotName.left), count: lift(count as Syn), now: lift(fresh.right), stale: lift(body.whenFalse) };
}

/** Flatten an unparenthesised left-associative chain of one operator. */
function flatten(s: Syn, op: string): Syn[] {
  if (s.t === "binary" && s.op === op) return [...flatten(s.left, op), s.right];
  return [s];
}

const COMPARE_OPS = new Set(["==", "!=", "<", "<=", ">", ">="]);

function liftBinary(s: Extract<Syn, { t: "binary" }>): Expr {
  if (s.op === "&&" || s.op === "||") return { kind: s.op === "&&" ? "and" : "or", operands: flatten(s, s.op).map(lift) };
  if (s.op === "+") return { kind: "concat", parts: flatten(s, "+").map(lift) };
  if (s.op === "/" && chain(s.left)?.shape === "DateTime.UtcNow.Ticks" && s.right.t === "number" && s.right.value === 10000) return { kind: "nowMs" };
  if (s.op === "-" || s.op === "*" || s.op === "/") return { kind: "arith", op: s.op, left: lift(s.left), right: lift(s.right) };
  if (s.op === "??" && s.right.t === "number" && s.right.value === 0) {
    const left = chain(s.left);
    if (left?.shape === "context.Variables.GetValueOrDefault<IResponse>($,$)?.StatusCode" && left.args[1]?.t === "null") return { kind: "sentStatus", variable: stringArg(left.args[0]) };
    if (left?.shape === "context.Request.Body?.As<string>($)?.Length" && isPreserveContent(left.args[0])) return { kind: "requestBodyLength" };
  }
  if (s.op === "!=" && chain(s.left)?.shape === "context.Response" && s.right.t === "null") return { kind: "hasResponse" };
  if (COMPARE_OPS.has(s.op)) return { kind: "compare", op: s.op as CompareOp, left: lift(s.left), right: lift(s.right) };
  if (s.op === "??" && s.right.t === "string" && s.right.value === "") {
    const left = chain(s.left);
    const property = left && left.args.length === 0 ? CONTEXT_BY_CODE.get(`${left.shape}??""`) : undefined;
    if (property) return { kind: "context", property };
    if (left?.shape === "context.Variables.GetValueOrDefault<Jwt>($,$)?.Claims.GetValueOrDefault($,$)" && left.args[1]?.t === "null" && stringArg(left.args[3]) === "")
      return { kind: "tokenClaim", variable: stringArg(left.args[0]), claim: stringArg(left.args[2]) };
    const field = left ? liftBodyField(left) : undefined;
    if (field) return field;
  }
  throw new LiftError(`unsupported operator ${s.op}`);
}

function liftConditional(s: Extract<Syn, { t: "conditional" }>): Expr {
  const test = chain(s.test);
  if (test && LOOKUP_SHAPE.test(test.shape)) return liftLookup(test.args, s);
  if (test?.shape === "int.TryParse($,$)" || test?.shape === "long.TryParse($,$)") {
    const out = test.args[1];
    if (out?.t !== "outVar" || s.whenTrue.t !== "name" || s.whenTrue.name !== out.name || !test.args[0]) throw new LiftError("unsupported TryParse");
    const parsed: Expr = { kind: "parseInt", value: lift(test.args[0]), fallback: intArg(s.whenFalse) };
    return test.shape.startsWith("long") ? { ...parsed, long: true } : parsed;
  }
  return { kind: "conditional", test: lift(s.test), whenTrue: lift(s.whenTrue), whenFalse: lift(s.whenFalse) };
}

const LOOKUP_SHAPE = new RegExp(`^new ${LOOKUP_TYPE.replace(/\s+/g, "").replace(/[.<>]/g, "\\$&")}\\(\\)\\{\\[\\$\\]=\\$(,\\[\\$\\]=\\$)*\\}\\.TryGetValue\\(\\$,\\$\\)$`);

/** `new Dictionary<string, string>() { ["k"] = "v", … }.TryGetValue(key, out var found) ? found : "fallback"`. */
function liftLookup(args: Syn[], s: Extract<Syn, { t: "conditional" }>): Expr {
  const out = args[args.length - 1];
  const key = args[args.length - 2];
  if (out?.t !== "outVar" || s.whenTrue.t !== "name" || s.whenTrue.name !== out.name || !key) throw new LiftError("unsupported TryGetValue");
  const entries: Array<{ key: string; value: string }> = [];
  for (let i = 0; i < args.length - 2; i += 2) entries.push({ key: stringArg(args[i]), value: stringArg(args[i + 1]) });
  return { kind: "lookup", key: lift(key), entries, fallback: stringArg(s.whenFalse) };
}

/** `x.Contains(y)` on any receiver (a parenthesised concatenation in practice). */
function liftContains(s: Syn): Expr | undefined {
  if (s.t !== "call" || s.typeArgs !== null || s.args.length !== 1 || s.target.t !== "member") return undefined;
  if (s.target.name !== "Contains" || s.target.nullConditional) return undefined;
  return { kind: "contains", haystack: lift(s.target.target), needle: lift(s.args[0] as Syn) };
}

export function lift(s: Syn): Expr {
  const contains = liftContains(s);
  if (contains) return contains;
  switch (s.t) {
    case "string": {
      const nv = /^"\{\{([A-Za-z0-9._-]+)\}\}"$/.exec(s.text);
      return nv ? { kind: "namedValue", name: nv[1] as string } : { kind: "string", value: s.value };
    }
    case "number":
      return { kind: "int", value: s.value };
    case "bool":
      return { kind: "bool", value: s.value };
    case "null":
      return { kind: "null" };
    case "paren":
      return lift(s.inner);
    case "unary":
      if (s.op === "-") return { kind: "int", value: intArg(s) };
      return { kind: "not", operand: lift(s.operand) };
    case "binary":
      return liftBinary(s);
    case "conditional":
      return liftConditional(s);
    case "outVar":
      throw new LiftError("out var outside TryParse");
    case "lambda":
      throw new LiftError("lambda outside Enumerable.Range(…).Min(…)");
    case "named":
      throw new LiftError("named argument outside a call");
    default:
      return liftChain(s);
  }
}

/** Parse C# source into a typed Expr, or return the reason it is outside the supported subset. */
export function parseExpr(code: string): { ok: true; expr: Expr } | { ok: false; reason: string } {
  try {
    return { ok: true, expr: lift(parseCSharp(code)) };
  } catch (err) {
    if (err instanceof LiftError || err instanceof CSharpSyntaxError) return { ok: false, reason: err.message };
    throw err;
  }
}
