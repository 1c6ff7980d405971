// Typed C# policy-expression AST. Every node renders to one fixed C# shape (see render.ts) and the
// parser (parse.ts + lift.ts) turns exactly those shapes back into the same nodes, so the emulator can
// evaluate expressions structurally instead of running C#.

/** Comparison operators a `compare` node may use. */
export type CompareOp = "==" | "!=" | "<" | "<=" | ">" | ">=";

/** Value types a policy variable may be read as; must match the type the variable was stored with. */
export type VariableType = "string" | "int" | "long" | "bool";

/** Well-known `context` properties with a fixed, null-safe C# rendering. */
export type ContextProperty =
  | "requestId" // context.RequestId.ToString()
  | "subscriptionId" // context.Subscription?.Id ?? ""
  | "userId" // context.User?.Id ?? ""
  | "ipAddress" // context.Request.IpAddress
  | "backendHost" // context.Request.Url.Host (after forward-request: the member that served)
  | "originalQueryString" // context.Request.OriginalUrl.QueryString
  | "queryString" // context.Request.Url.QueryString (the request as it will be forwarded, after inbound changes)
  | "region" // context.Deployment.Region
  | "apiId" // context.Api.Id
  | "operationId" // context.Operation.Id
  | "lastErrorReason" // context.LastError?.Reason ?? ""
  | "lastErrorMessage" // context.LastError?.Message ?? ""
  | "lastErrorSource" // context.LastError?.Source ?? "" (the policy element that failed)
  | "lastErrorPolicyId" // context.LastError?.PolicyId ?? ""
  | "backendPort"; // context.Request.Url.Port (an int in C#; used only inside string concatenation)

export const CONTEXT_PROPERTIES: readonly ContextProperty[] = [
  "requestId", "subscriptionId", "userId", "ipAddress", "backendHost", "originalQueryString", "queryString",
  "region", "apiId", "operationId", "lastErrorReason", "lastErrorMessage", "lastErrorSource", "lastErrorPolicyId", "backendPort",
];

/** Arithmetic operators of an `arith` node (`+` is `concat`, which adds two numbers as C# does). */
export type ArithOp = "-" | "*" | "/";

export type Expr =
  | { kind: "string"; value: string }
  | { kind: "int"; value: number }
  | { kind: "bool"; value: boolean }
  | { kind: "null" }
  /** `{{name}}` APIM named value, substituted textually before evaluation; rendered inside a C# string literal. */
  | { kind: "namedValue"; name: string }
  /** Request header value (multiple values comma-joined), or `fallback` when absent. */
  | { kind: "requestHeader"; name: string; fallback: string }
  /** URL template parameter of the matched operation (e.g. `deployment-id`), or `fallback`. */
  | { kind: "matchedParameter"; name: string; fallback: string }
  /** Policy variable read with GetValueOrDefault<T>; never an `(int)` cast. */
  | { kind: "variable"; name: string; type: VariableType; fallback: string | number | boolean }
  | { kind: "context"; property: ContextProperty }
  /** `context.Response.StatusCode`; combine with `hasResponse` (builders in helpers.ts always do). */
  | { kind: "statusCode" }
  /** `context.Response != null`. */
  | { kind: "hasResponse" }
  /** A backend response header (multiple values comma-joined), or `fallback`; needs a response (combine with `hasResponse`). */
  | { kind: "responseHeader"; name: string; fallback: string }
  /** Whether the backend response carries a header; needs a response (combine with `hasResponse`). */
  | { kind: "hasResponseHeader"; name: string }
  /** A claim of a validated token stored by validate-jwt / validate-azure-ad-token in `variable`, or "". */
  | { kind: "tokenClaim"; variable: string; claim: string }
  /** SHA-256(UTF-8 key), first 4 bytes as little-endian uint32, mod `buckets` → int. */
  | { kind: "hashBucket"; key: Expr; buckets: number }
  /** Uniform random int in [0, max). */
  | { kind: "randomBelow"; max: number }
  /** int.TryParse(value) (long.TryParse with `long`) or `fallback` when the text is not an integer. */
  | { kind: "parseInt"; value: Expr; fallback: number; long?: true }
  /** Path of the original request after `/deployments/<id>` (e.g. `/chat/completions`). */
  | { kind: "pathAfterDeployment" }
  | { kind: "compare"; op: CompareOp; left: Expr; right: Expr }
  | { kind: "and"; operands: Expr[] }
  | { kind: "or"; operands: Expr[] }
  | { kind: "not"; operand: Expr }
  | { kind: "conditional"; test: Expr; whenTrue: Expr; whenFalse: Expr }
  /** `+` folded left: string concatenation, or addition when both sides are numbers (C# semantics). */
  | { kind: "concat"; parts: Expr[] }
  /** Integer arithmetic (`/` truncates, as C# integer division does). */
  | { kind: "arith"; op: ArithOp; left: Expr; right: Expr }
  /** `Math.Min(a, b)` / `Math.Max(a, b)`. */
  | { kind: "math"; fn: "Min" | "Max"; left: Expr; right: Expr }
  /** Milliseconds on a monotonic scale (`DateTime.UtcNow.Ticks / 10000`: ms since year 1), a long. */
  | { kind: "nowMs" }
  /**
   * A top-level field of the JSON request or response body as text, "" when the body, the field or
   * its value is absent; read with preserveContent so the body still reaches its destination. A body
   * that is not JSON throws (ExpressionValueEvaluationFailure), as APIM's As<JObject>() does.
   */
  | { kind: "bodyField"; source: "request" | "response"; field: string }
  /**
   * The JSON type of a top-level field of the request body as Newtonsoft names it (`String`,
   * `Integer`, `Float`, `Boolean`, `Null`, `Array`, `Object`), "" when the body or the field is
   * absent: `bodyField` reads `5` and `"5"` alike, so a type check needs the token's type.
   */
  | { kind: "bodyFieldType"; field: string }
  /**
   * The request body's length in characters (0 without a body), read with preserveContent: the
   * service sizes a prompt from its characters, so this is a size estimate without parsing JSON.
   */
  | { kind: "requestBodyLength" }
  /** The JSON request body with its `model` set to `model`, as compact JSON text (for set-body). */
  | { kind: "bodyWithModel"; model: Expr }
  /** `new JObject(new JProperty(name, value), …)`: a JSON object whose values are escaped by Newtonsoft. */
  | { kind: "jsonObject"; properties: Array<{ name: string; value: Expr }> }
  /** A JSON object serialised compactly (`….ToString(Newtonsoft.Json.Formatting.None)`). */
  | { kind: "jsonText"; value: Expr }
  /** Status code of a send-request response held in `variable`, 0 when the variable is null. */
  | { kind: "sentStatus"; variable: string }
  /** `System.Uri.EscapeDataString(value)`: text made safe for one URL path segment. */
  | { kind: "urlEscape"; value: Expr }
  /** The deployment of the URL the request was forwarded to (`/deployments/<d>/…`), "" when none. */
  | { kind: "urlDeployment" }
  /**
   * The request body's first `"max_tokens"`, `"max_completion_tokens"` or `"max_output_tokens"` number
   * as text ("" when none), found with a regular expression so a body that is not JSON never throws.
   * Needs a request body (`context.Request.Body.As<string>`).
   */
  | { kind: "requestMaxTokens" }
  /**
   * How many `\uXXXX` escapes the request body's JSON text holds (each stands for one character of
   * the prompt but takes six of the body: Python's json.dumps and .NET's System.Text.Json escape all
   * non-ASCII text by default). Needs a request body.
   */
  | { kind: "requestUnicodeEscapes" }
  /**
   * The request body's length without its inline binary data: base64 `data:` URLs (images, files)
   * and `"data": "<base64>"` values (audio input). The service does not size those as prompt text.
   * Needs a request body.
   */
  | { kind: "requestTextLength" }
  /** `haystack.Contains(needle)` on strings (ordinal). */
  | { kind: "contains"; haystack: Expr; needle: Expr }
  /**
   * The earliest of the text variables `<prefix>0` … `<prefix><count - 1>` (count: an int, at least 1) read as longs, where one
   * that is missing, not an integer or not after `now` counts as `stale` (a long): the exhaustion
   * records' "earliest reopening" over a pool of any size in one expression (a LINQ Min over the
   * slot numbers) instead of one statement per member.
   */
  | { kind: "earliestFresh"; prefix: string; count: Expr; now: Expr; stale: Expr }
  /**
   * `entries[key]`, or `fallback` when the key is not one of them (ordinal string keys): a constant
   * table (a `Dictionary<string, string>` initializer) instead of one `when` per entry.
   */
  | { kind: "lookup"; key: Expr; entries: ReadonlyArray<{ readonly key: string; readonly value: string }>; fallback: string };

export type ExprKind = Expr["kind"];

/**
 * The one escape hatch: C# the typed model cannot express. `block` = `@{ statements }`, otherwise
 * `@( expression )`. The emulator refuses to run these; the generator never emits them.
 */
export interface RawExpression {
  kind: "raw";
  code: string;
  block: boolean;
}

/**
 * A policy attribute or element value: a plain string is literal text (rendered escaped, or as a C#
 * string expression when APIM would otherwise read it as an expression or a named value), an Expr is
 * rendered as `@(...)`, a RawExpression verbatim.
 */
export type Value = string | Expr | RawExpression;

export function isRaw(value: Value): value is RawExpression {
  return typeof value === "object" && value.kind === "raw";
}
