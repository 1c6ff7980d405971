// Exact C# for every expression kind, the escape hatch, and string-literal escaping.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { csharpString, expr as x, parseExpr, parseValue, renderExpr, renderValue, type Expr } from "../../gateway-policy/index";

describe("renderExpr", () => {
  it.each<[string, Expr, string]>([
    ["string", x.str('a"b\\c'), '"a\\"b\\\\c"'],
    ["negative int", x.int(-7), "-7"],
    ["named value", x.namedValue("chat-active-slot"), '"{{chat-active-slot}}"'],
    ["request header", x.requestHeader("x-aoai-canary"), 'context.Request.Headers.GetValueOrDefault("x-aoai-canary", "")'],
    ["matched parameter", x.matchedParameter("deployment-id"), 'context.Request.MatchedParameters.GetValueOrDefault("deployment-id", "")'],
    ["int variable", x.variable("aoai-ab-bucket", "int"), 'context.Variables.GetValueOrDefault<int>("aoai-ab-bucket", 0)'],
    ["bool variable", x.variable("flag", "bool", true), 'context.Variables.GetValueOrDefault<bool>("flag", true)'],
    ["subscription id", x.ctx("subscriptionId"), 'context.Subscription?.Id ?? ""'],
    ["token claim", x.tokenClaim("aoai-token", "oid"), 'context.Variables.GetValueOrDefault<Jwt>("aoai-token", null)?.Claims.GetValueOrDefault("oid", "") ?? ""'],
    [
      "hash bucket",
      x.hashBucket(x.concat(x.str("exp:"), x.variable("aoai-caller", "string"))),
      'System.Convert.ToInt32(System.BitConverter.ToUInt32(System.Security.Cryptography.SHA256.Create().ComputeHash(System.Text.Encoding.UTF8.GetBytes("exp:" + context.Variables.GetValueOrDefault<string>("aoai-caller", ""))), 0) % 100)',
    ],
    ["random", x.randomBelow(100), "new System.Random().Next(100)"],
    ["two TryParse get distinct out variables", x.lt(x.tryParseInt(x.str("1"), 0), x.tryParseInt(x.str("2"), 5)), '(int.TryParse("1", out var parsed0) ? parsed0 : 0) < (int.TryParse("2", out var parsed1) ? parsed1 : 5)'],
    ["status with null check", x.statusIs(429, [500, 504]), "(context.Response != null) && ((context.Response.StatusCode == 429) || ((context.Response.StatusCode >= 500) && (context.Response.StatusCode <= 504)))"],
    ["nested and keeps its parentheses", x.and(x.and(x.bool(true), x.bool(false)), x.bool(true)), "(true && false) && true"],
    ["not of a compound", x.not(x.ctx("userId")), '!(context.User?.Id ?? "")'],
    ["conditional", x.conditional(x.bool(true), x.str("a"), x.str("b")), 'true ? "a" : "b"'],
    ["response header", x.responseHeader("Retry-After", "-1"), 'context.Response.Headers.GetValueOrDefault("Retry-After", "-1")'],
    ["response header present", x.hasResponseHeader("Retry-After"), 'context.Response.Headers.ContainsKey("Retry-After")'],
    ["path after deployment", x.pathAfterDeployment(), 'System.Text.RegularExpressions.Regex.Replace(context.Request.OriginalUrl.Path, "^.*?/\\u0028?:deployments/[^/]+|v1\\u0029\\u0028?=/\\u0029", "")'],
    ["backend authority", x.concat(x.ctx("backendHost"), x.str(":"), x.ctx("backendPort")), 'context.Request.Url.Host + ":" + context.Request.Url.Port'],
    ["last error message", x.ctx("lastErrorMessage"), 'context.LastError?.Message ?? ""'],
    ["long TryParse", x.tryParseLong(x.responseHeader("retry-after"), -1), 'long.TryParse(context.Response.Headers.GetValueOrDefault("retry-after", ""), out var parsed0) ? parsed0 : -1'],
    ["arithmetic keeps precedence by parentheses", x.divide(x.plus(x.nowMs(), x.int(999)), x.int(1000)), "((DateTime.UtcNow.Ticks / 10000) + 999) / 1000"],
    ["min", x.min(x.nowMs(), x.int(3)), "Math.Min(DateTime.UtcNow.Ticks / 10000, 3)"],
    ["request body field", x.requestBodyField("model"), 'context.Request.Body?.As<JObject>(preserveContent: true)?["model"]?.ToString() ?? ""'],
    ["response body field", x.responseBodyField("id"), 'context.Response.Body?.As<JObject>(preserveContent: true)?["id"]?.ToString() ?? ""'],
    [
      "body with model",
      x.bodyWithModel(x.variable("aoai-deployment", "string")),
      'new JObject(context.Request.Body.As<JObject>(preserveContent: true)) { ["model"] = context.Variables.GetValueOrDefault<string>("aoai-deployment", "") }.ToString(Newtonsoft.Json.Formatting.None)',
    ],
    [
      "json text",
      x.jsonText({ error: x.jsonObject({ code: x.str("429"), message: x.ctx("lastErrorMessage") }) }),
      'new JObject(new JProperty("error", new JObject(new JProperty("code", "429"), new JProperty("message", context.LastError?.Message ?? "")))).ToString(Newtonsoft.Json.Formatting.None)',
    ],
    ["sent status", x.sentStatus("aoai-probe"), 'context.Variables.GetValueOrDefault<IResponse>("aoai-probe", null)?.StatusCode ?? 0'],
    ["url escape", x.urlEscape(x.matchedParameter("response-id")), 'System.Uri.EscapeDataString(context.Request.MatchedParameters.GetValueOrDefault("response-id", ""))'],
    ["url deployment", x.urlDeployment(), 'System.Text.RegularExpressions.Regex.Match(context.Request.Url.Path, "/deployments/\\u0028[^/]+\\u0029").Groups[1].Value'],
    [
      "request max tokens",
      x.requestMaxTokens(),
      'System.Text.RegularExpressions.Regex.Match(context.Request.Body.As<string>(preserveContent: true), "\\"max_\\u0028?:completion_|output_\\u0029?tokens\\"\\\\s*:\\\\s*\\u0028[0-9]\\u007B1,9\\u007D\\u0029").Groups[1].Value',
    ],
    [
      "request text length (inline base64 data left out)",
      x.requestTextLength(),
      'System.Text.RegularExpressions.Regex.Replace(context.Request.Body.As<string>(preserveContent: true), "data:[^;,\\"]\\u007B0,100\\u007D;base64,[A-Za-z0-9+/=\\\\\\\\]*|\\"data\\"\\\\s*:\\\\s*\\"[A-Za-z0-9+/=\\\\\\\\]\\u007B64,\\u007D\\"", "").Length',
    ],
    [
      "request unicode escapes",
      x.requestUnicodeEscapes(),
      'System.Text.RegularExpressions.Regex.Matches(context.Request.Body.As<string>(preserveContent: true), "\\u0028?<!\\\\\\\\\\u0029\\u0028?:\\\\\\\\\\\\\\\\\\u0029*\\\\\\\\u[0-9a-fA-F]\\u007B4\\u007D").Count',
    ],
    [
      "earliest fresh record over counted slots",
      x.earliestFresh("aoai-free-at-", x.variable("aoai-free-slots", "int"), x.variable("aoai-now", "long"), x.plus(x.variable("aoai-now", "long"), x.int(60000))),
      'System.Linq.Enumerable.Range(0, context.Variables.GetValueOrDefault<int>("aoai-free-slots", 0)).Min(slot => long.TryParse(context.Variables.GetValueOrDefault<string>("aoai-free-at-" + slot, ""), out var freeAt) && freeAt > context.Variables.GetValueOrDefault<long>("aoai-now", 0) ? freeAt : (context.Variables.GetValueOrDefault<long>("aoai-now", 0) + 60000))',
    ],
    [
      "lookup table",
      x.lookup(x.variable("aoai-lat-key", "string"), [{ key: "a.openai.azure.com:443|chat", value: "chat-stable-avoid-chat-eastus" }, { key: 'q"(', value: "" }], "none"),
      'new System.Collections.Generic.Dictionary<string, string>() { ["a.openai.azure.com:443|chat"] = "chat-stable-avoid-chat-eastus", ["q\\"\\u0028"] = "" }.TryGetValue(context.Variables.GetValueOrDefault<string>("aoai-lat-key", ""), out var found0) ? found0 : "none"',
    ],
    [
      "lookup compared keeps its parentheses",
      x.eq(x.lookup(x.str("k"), [{ key: "k", value: "v" }], ""), x.str("v")),
      '(new System.Collections.Generic.Dictionary<string, string>() { ["k"] = "v" }.TryGetValue("k", out var found0) ? found0 : "") == "v"',
    ],
  ])("%s", (_name, e, code) => {
    expect(renderExpr(e)).toBe(code);
    expect(parseExpr(code)).toEqual({ ok: true, expr: e });
  });

  it("rejects ill-formed nodes with a clear message", () => {
    expect(() => renderExpr(x.namedValue("bad name"))).toThrow('named value "bad name": display names allow only letters, digits, ".", "-" and "_"');
    expect(() => renderExpr({ kind: "and", operands: [x.bool(true)] })).toThrow("and: needs at least two operands");
    expect(() => renderExpr({ kind: "variable", name: "v", type: "int", fallback: "0" })).toThrow('variable "v": fallback "0" is not a int');
    expect(() => renderExpr(x.earliestFresh("p-", x.int(0), x.int(0), x.int(1)))).toThrow("earliestFresh count must be a positive integer, got 0");
    expect(() => renderExpr(x.lookup(x.str("k"), [], ""))).toThrow("lookup: needs at least one entry");
    expect(() => renderExpr(x.lookup(x.str("k"), [{ key: "a", value: "1" }, { key: "a", value: "2" }], ""))).toThrow("lookup: keys must be distinct (with an index initializer the later entry would silently win)");
  });
});

describe("csharpString", () => {
  it("escapes quotes, backslashes, braces, parentheses, @ and everything outside printable ASCII", () => {
    expect(csharpString('{{x}} @(y) "q" \\ é\n🙂')).toBe('"\\u007B\\u007Bx\\u007D\\u007D \\u0040\\u0028y\\u0029 \\"q\\" \\\\ \\u00E9\\u000A\\uD83D\\uDE42"');
  });

  it("writes any string as printable ASCII without braces, parentheses or @, and reads back as the same string", () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: "binary" }), fc.string({ unit: fc.constantFrom(..."az09-_./:{}()@\\\"é\n") })), (text) => {
        const literal = csharpString(text);
        expect(literal.slice(1, -1)).toMatch(/^(?:[^\\"{}()@\u0000-\u001f\u007f-\uffff]|\\\\|\\"|\\u[0-9A-F]{4})*$/);
        expect(parseExpr(literal)).toEqual({ ok: true, expr: x.str(text) });
      }),
      { numRuns: 500 },
    );
  });
});

describe("escape hatch", () => {
  it.each([
    ['(int)context.Variables["x"]', 'unexpected token "context"'],
    ['context.Response.StatusReason.Contains("pool")', "unsupported call or member chain context.Response.StatusReason"],
    ["a % b", "unsupported operator %"],
  ])("%s stays raw and says why", (code, reason) => {
    expect(parseExpr(code)).toEqual({ ok: false, reason });
    expect(parseValue(`@(${code})`)).toEqual({ kind: "raw", code, block: false });
  });

  it("multi-statement blocks are always raw and render verbatim", () => {
    const v = parseValue("@{ return 1; }");
    expect(v).toEqual({ kind: "raw", code: " return 1; ", block: true });
    expect(renderValue(v)).toBe("@{ return 1; }");
  });
});

describe("literal values", () => {
  it.each([
    ["plain", "plain"],
    ["@starts-like-an-expression", '@("\\u0040starts-like-an-expression")'],
    ["has {{named}} value", '@("has \\u007B\\u007Bnamed\\u007D\\u007D value")'],
    ["line\nbreak", '@("line\\u000Abreak")'],
  ])("%j renders as %s and parses back", (text, rendered) => {
    expect(renderValue(text)).toBe(rendered);
    expect(parseValue(rendered)).toBe(text);
  });
});
