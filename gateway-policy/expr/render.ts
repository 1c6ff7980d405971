// Expr → C# source. Each node kind has exactly one rendering; lift.ts recognises exactly these.
import type { ContextProperty, Expr } from "./ast";

/** What csharpString escapes: backslash, quote, every UTF-16 unit outside printable ASCII, and `{}()@`. */
const ESCAPED = /[\\"\u0000-\u001f\u007f-\uffff{}()@]/g;

const escapeUnit = (unit: string): string =>
  unit === "\\" ? "\\\\" : unit === '"' ? '\\"' : `\\u${unit.charCodeAt(0).toString(16).toUpperCase().padStart(4, "0")}`;

/**
 * C# string literal for any JS string. Besides `\` and `"`, every character outside printable ASCII
 * and the characters `{ } ( ) @` are written as \uXXXX: that keeps APIM's textual `{{named value}}`
 * substitution and its `@( … )` span detection from ever seeing user data. Most literals (names,
 * URLs, JSON keys) match nothing and come back whole.
 */
export function csharpString(value: string): string {
  return `"${value.replace(ESCAPED, escapeUnit)}"`;
}

/** Display names of named values: letters, digits, `.`, `-`, `_` (APIM rule). */
export const NAMED_VALUE_NAME = /^[A-Za-z0-9._-]+$/;

const CONTEXT_CODE: Record<ContextProperty, { code: string; atomic: boolean }> = {
  requestId: { code: "context.RequestId.ToString()", atomic: true },
  subscriptionId: { code: 'context.Subscription?.Id ?? ""', atomic: false },
  userId: { code: 'context.User?.Id ?? ""', atomic: false },
  ipAddress: { code: "context.Request.IpAddress", atomic: true },
  backendHost: { code: "context.Request.Url.Host", atomic: true },
  originalQueryString: { code: "context.Request.OriginalUrl.QueryString", atomic: true },
  queryString: { code: "context.Request.Url.QueryString", atomic: true },
  region: { code: "context.Deployment.Region", atomic: true },
  apiId: { code: "context.Api.Id", atomic: true },
  operationId: { code: "context.Operation.Id", atomic: true },
  lastErrorReason: { code: 'context.LastError?.Reason ?? ""', atomic: false },
  lastErrorMessage: { code: 'context.LastError?.Message ?? ""', atomic: false },
  lastErrorSource: { code: 'context.LastError?.Source ?? ""', atomic: false },
  lastErrorPolicyId: { code: 'context.LastError?.PolicyId ?? ""', atomic: false },
  backendPort: { code: "context.Request.Url.Port", atomic: true },
};
export const contextCode = (p: ContextProperty): string => CONTEXT_CODE[p].code;

/**
 * Regex that strips everything up to and including `/deployments/<id>` (legacy paths) or `/v1`
 * (v1 paths) from a path, leaving the operation (`/chat/completions`, `/embeddings`, …).
 */
export const DEPLOYMENT_PREFIX_PATTERN = "^.*?/(?:deployments/[^/]+|v1)(?=/)";
/** Regex whose first group is the deployment of a forwarded URL path. */
export const URL_DEPLOYMENT_PATTERN = "/deployments/([^/]+)";
/** The output cap of a chat, completions or Responses body (up to 9 digits, so it parses as a long). */
export const MAX_TOKENS_PATTERN = '"max_(?:completion_|output_)?tokens"\\s*:\\s*([0-9]{1,9})';
/** Inline binary data in a request body: base64 data URLs, and base64 `"data"` values (64+ characters). */
export const INLINE_DATA_PATTERN = 'data:[^;,"]{0,100};base64,[A-Za-z0-9+/=\\\\]*|"data"\\s*:\\s*"[A-Za-z0-9+/=\\\\]{64,}"';
/** A JSON `\uXXXX` escape (not an escaped backslash followed by `u`: an even run of backslashes before it). */
export const UNICODE_ESCAPE_PATTERN = "(?<!\\\\)(?:\\\\\\\\)*\\\\u[0-9a-fA-F]{4}";
/** The lambda parameter and out-variable of an `earliestFresh` rendering (lift.ts checks them). */
export const EARLIEST_SLOT = "slot";
export const EARLIEST_VALUE = "freeAt";
/** The table type of a `lookup` rendering. */
export const LOOKUP_TYPE = "System.Collections.Generic.Dictionary<string, string>";
/** Compact JSON, as the policies emit it. */
export const JSON_FORMATTING_NONE = "Newtonsoft.Json.Formatting.None";

interface Rendered {
  code: string;
  /** Safe to use as an operand without parentheses. */
  atomic: boolean;
}

class Renderer {
  private parsedCounter = 0;

  render(e: Expr): Rendered {
    switch (e.kind) {
      case "string":
        return { code: csharpString(e.value), atomic: true };
      case "int":
        return { code: String(e.value), atomic: true };
      case "bool":
        return { code: e.value ? "true" : "false", atomic: true };
      case "null":
        return { code: "null", atomic: true };
      case "namedValue":
        if (!NAMED_VALUE_NAME.test(e.name)) throw new Error(`named value "${e.name}": display names allow only letters, digits, ".", "-" and "_"`);
        return { code: `"{{${e.name}}}"`, atomic: true };
      case "requestHeader":
        return { code: `context.Request.Headers.GetValueOrDefault(${csharpString(e.name)}, ${csharpString(e.fallback)})`, atomic: true };
      case "matchedParameter":
        return { code: `context.Request.MatchedParameters.GetValueOrDefault(${csharpString(e.name)}, ${csharpString(e.fallback)})`, atomic: true };
      case "variable":
        return { code: `context.Variables.GetValueOrDefault<${e.type}>(${csharpString(e.name)}, ${this.variableFallback(e)})`, atomic: true };
      case "context":
        return CONTEXT_CODE[e.property];
      case "statusCode":
        return { code: "context.Response.StatusCode", atomic: true };
      case "hasResponse":
        return { code: "context.Response != null", atomic: false };
      case "responseHeader":
        return { code: `context.Response.Headers.GetValueOrDefault(${csharpString(e.name)}, ${csharpString(e.fallback)})`, atomic: true };
      case "hasResponseHeader":
        return { code: `context.Response.Headers.ContainsKey(${csharpString(e.name)})`, atomic: true };
      case "tokenClaim":
        return {
          code: `context.Variables.GetValueOrDefault<Jwt>(${csharpString(e.variable)}, null)?.Claims.GetValueOrDefault(${csharpString(e.claim)}, "") ?? ""`,
          atomic: false,
        };
      case "hashBucket":
        this.positive(e.buckets, "hashBucket buckets");
        return {
          code:
            "System.Convert.ToInt32(System.BitConverter.ToUInt32(System.Security.Cryptography.SHA256.Create().ComputeHash(" +
            `System.Text.Encoding.UTF8.GetBytes(${this.render(e.key).code})), 0) % ${e.buckets})`,
          atomic: true,
        };
      case "randomBelow":
        this.positive(e.max, "randomBelow max");
        return { code: `new System.Random().Next(${e.max})`, atomic: true };
      case "parseInt": {
        // Each TryParse gets its own out-variable: two in one expression must not share a name.
        const name = `parsed${this.parsedCounter++}`;
        return { code: `${e.long ? "long" : "int"}.TryParse(${this.render(e.value).code}, out var ${name}) ? ${name} : ${e.fallback}`, atomic: false };
      }
      case "arith":
        return { code: `${this.operand(e.left)} ${e.op} ${this.operand(e.right)}`, atomic: false };
      case "math":
        return { code: `Math.${e.fn}(${this.render(e.left).code}, ${this.render(e.right).code})`, atomic: true };
      case "nowMs":
        return { code: "DateTime.UtcNow.Ticks / 10000", atomic: false };
      case "bodyField":
        return { code: `context.${e.source === "request" ? "Request" : "Response"}.Body?.As<JObject>(preserveContent: true)?[${csharpString(e.field)}]?.ToString() ?? ""`, atomic: false };
      case "bodyFieldType":
        return { code: `context.Request.Body?.As<JObject>(preserveContent: true)?[${csharpString(e.field)}]?.Type.ToString() ?? ""`, atomic: false };
      case "bodyWithModel":
        return { code: `new JObject(context.Request.Body.As<JObject>(preserveContent: true)) { ["model"] = ${this.render(e.model).code} }.ToString(${JSON_FORMATTING_NONE})`, atomic: true };
      case "jsonObject":
        return { code: `new JObject(${e.properties.map((p) => `new JProperty(${csharpString(p.name)}, ${this.render(p.value).code})`).join(", ")})`, atomic: true };
      case "jsonText":
        return { code: `${this.operand(e.value)}.ToString(${JSON_FORMATTING_NONE})`, atomic: true };
      case "sentStatus":
        return { code: `context.Variables.GetValueOrDefault<IResponse>(${csharpString(e.variable)}, null)?.StatusCode ?? 0`, atomic: false };
      case "urlEscape":
        return { code: `System.Uri.EscapeDataString(${this.render(e.value).code})`, atomic: true };
      case "requestBodyLength":
        return { code: "context.Request.Body?.As<string>(preserveContent: true)?.Length ?? 0", atomic: false };
      case "requestMaxTokens":
        return { code: `System.Text.RegularExpressions.Regex.Match(context.Request.Body.As<string>(preserveContent: true), ${csharpString(MAX_TOKENS_PATTERN)}).Groups[1].Value`, atomic: true };
      case "requestTextLength":
        return { code: `System.Text.RegularExpressions.Regex.Replace(context.Request.Body.As<string>(preserveContent: true), ${csharpString(INLINE_DATA_PATTERN)}, "").Length`, atomic: true };
      case "requestUnicodeEscapes":
        return { code: `System.Text.RegularExpressions.Regex.Matches(context.Request.Body.As<string>(preserveContent: true), ${csharpString(UNICODE_ESCAPE_PATTERN)}).Count`, atomic: true };
      case "urlDeployment":
        return { code: `System.Text.RegularExpressions.Regex.Match(context.Request.Url.Path, ${csharpString(URL_DEPLOYMENT_PATTERN)}).Groups[1].Value`, atomic: true };
      case "pathAfterDeployment":
        return {
          code: `System.Text.RegularExpressions.Regex.Replace(context.Request.OriginalUrl.Path, ${csharpString(DEPLOYMENT_PREFIX_PATTERN)}, "")`,
          atomic: true,
        };
      case "compare":
        return { code: `${this.operand(e.left)} ${e.op} ${this.operand(e.right)}`, atomic: false };
      case "and":
      case "or":
        if (e.operands.length < 2) throw new Error(`${e.kind}: needs at least two operands`);
        return { code: e.operands.map((o) => this.operand(o)).join(e.kind === "and" ? " && " : " || "), atomic: false };
      case "not":
        return { code: `!${this.operand(e.operand)}`, atomic: true };
      case "conditional":
        return { code: `${this.operand(e.test)} ? ${this.operand(e.whenTrue)} : ${this.operand(e.whenFalse)}`, atomic: false };
      case "concat":
        if (e.parts.length < 2) throw new Error("concat: needs at least two parts");
        return { code: e.parts.map((p) => this.operand(p)).join(" + "), atomic: false };
      case "contains":
        return { code: `${this.operand(e.haystack)}.Contains(${this.render(e.needle).code})`, atomic: true };
      case "earliestFresh":
        // Min of an empty sequence throws in C#: a constant count must be positive (a variable one is set so).
        if (e.count.kind === "int") this.positive(e.count.value, "earliestFresh count");
        return {
          code:
            `System.Linq.Enumerable.Range(0, ${this.render(e.count).code}).Min(${EARLIEST_SLOT} => long.TryParse(context.Variables.GetValueOrDefault<string>(${csharpString(e.prefix)} + ${EARLIEST_SLOT}, ""), ` +
            `out var ${EARLIEST_VALUE}) && ${EARLIEST_VALUE} > ${this.operand(e.now)} ? ${EARLIEST_VALUE} : ${this.operand(e.stale)})`,
          atomic: true,
        };
      case "lookup": {
        if (e.entries.length === 0) throw new Error("lookup: needs at least one entry");
        if (new Set(e.entries.map((x) => x.key)).size !== e.entries.length) throw new Error("lookup: keys must be distinct (with an index initializer the later entry would silently win)");
        const name = `found${this.parsedCounter++}`;
        const table = e.entries.map((x) => `[${csharpString(x.key)}] = ${csharpString(x.value)}`).join(", ");
        return { code: `new ${LOOKUP_TYPE}() { ${table} }.TryGetValue(${this.render(e.key).code}, out var ${name}) ? ${name} : ${csharpString(e.fallback)}`, atomic: false };
      }
    }
  }

  private operand(e: Expr): string {
    const r = this.render(e);
    return r.atomic ? r.code : `(${r.code})`;
  }

  private variableFallback(e: Extract<Expr, { kind: "variable" }>): string {
    const f = e.fallback;
    if (e.type === "string" && typeof f === "string") return csharpString(f);
    if ((e.type === "int" || e.type === "long") && typeof f === "number" && Number.isSafeInteger(f)) return String(f);
    if (e.type === "bool" && typeof f === "boolean") return f ? "true" : "false";
    throw new Error(`variable "${e.name}": fallback ${JSON.stringify(f)} is not a ${e.type}`);
  }

  private positive(n: number, what: string): void {
    if (!Number.isSafeInteger(n) || n < 1) throw new Error(`${what} must be a positive integer, got ${n}`);
  }
}

/** Render one expression to C# source (without the surrounding `@( )`). */
export function renderExpr(e: Expr): string {
  return new Renderer().render(e).code;
}
