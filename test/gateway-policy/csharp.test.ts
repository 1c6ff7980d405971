// Every expression in every golden policy compiles with Mono's C# compiler against our context stubs,
// and the A/B bucket expression executed by Mono agrees with the TypeScript implementation.
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { abBucket, CONTEXT_PROPERTIES, isElement, parseXml, renderExpr, NAMES, type Expr, expr as x, type XmlElement } from "../../gateway-policy/index";
import { evaluate, type ExprEnv, type PolicyValue } from "../../simulator/emulator/expressions";
import { Rng } from "../../simulator/rng";
import { collectExpressions, compileExpressions, monoUnavailableReason, runBucketExpressions, runExpressions, type TypedVariable } from "./support/csharp";
import { goldenFiles } from "./support/fixtures";

const reason = monoUnavailableReason();
if (reason) console.warn(`[gateway-policy] C# expression checks skipped: ${reason}. Install with: apt-get install -y mono-mcs mono-runtime`);

const goldenXml = [...goldenFiles()].filter(([f]) => f.endsWith(".xml"));

/** One sample of every expression kind, so kinds no golden uses are compiled too. */
const everyKind: Expr[] = [
  x.str("a\"b\\c{{d}}(e)@é\n"), x.int(-5), x.bool(true), x.requestHeader("x-h", "f"), x.matchedParameter("deployment-id"),
  x.variable("s", "string", "d"), x.variable("i", "int", 3), x.variable("b", "bool", true),
  ...CONTEXT_PROPERTIES.map(x.ctx),
  x.tokenClaim("aoai-token", "oid"), x.hashBucket(x.concat(x.str("e:"), x.ctx("userId")), 100), x.randomBelow(100),
  x.tryParseInt(x.namedValue("chat-canary-percent"), 0), x.pathAfterDeployment(), x.statusIs(429, [500, 504]), x.retryableFailure(),
  x.and({ kind: "hasResponse" }, x.hasResponseHeader("Retry-After"), x.lt(x.int(0), x.tryParseInt(x.responseHeader("Retry-After", "-1"), -1))),
  x.conditional(x.eq(x.namedValue("chat-active-slot"), x.str("green")), x.str("g"), x.str("b")),
  x.and(x.not(x.eq(x.requestHeader("a"), x.nullExpr())), x.lt(x.tryParseInt(x.str("1"), 0), x.tryParseInt(x.str("2"), 0))),
  x.concat(x.ctx("backendHost"), x.str(":"), x.ctx("backendPort")),
  x.tryParseLong(x.responseHeader("retry-after", ""), -1), x.minus(x.nowMs(), x.int(5)), x.times(x.int(2), x.int(3)), x.divide(x.plus(x.nowMs(), x.int(999)), x.int(1000)),
  x.min(x.nowMs(), x.tryParseLong(x.variable("free", "string"), 0)), x.max(x.int(1), x.int(2)),
  x.requestBodyField("model"), x.requestBodyFieldType("model"), x.responseBodyField("id"), x.bodyWithModel(x.variable("aoai-deployment", "string")),
  x.jsonText({ error: x.jsonObject({ code: x.ctx("lastErrorReason"), message: x.concat(x.str("a "), x.ctx("lastErrorMessage")), retryAfterMs: x.nowMs() }) }),
  x.sentStatus("aoai-probe"), x.urlEscape(x.matchedParameter("response-id")), x.urlDeployment(), x.requestBodyLength(), x.requestMaxTokens(), x.requestUnicodeEscapes(), x.requestTextLength(),
  x.lt(x.minus(x.tryParseLong(x.str("5"), 0), x.nowMs()), x.int(0)),
  x.earliestFresh("aoai-free-at-", x.int(3), x.variable("aoai-now", "long"), x.plus(x.variable("aoai-now", "long"), x.int(60000))),
  x.minus(x.earliestFresh("aoai-wait-at-", x.variable("aoai-wait-slots", "int"), x.nowMs(), x.nowMs()), x.nowMs()),
  x.eq(x.lookup(x.variable("aoai-lat-key", "string"), [{ key: "a:443|chat", value: "chat-stable-avoid-a" }, { key: "b:443|chat", value: "x" }], ""), x.str("x")),
];

function findAttr(root: XmlElement, element: string, attrName: string, name: string): string {
  const stack = [root];
  while (stack.length > 0) {
    const e = stack.pop() as XmlElement;
    if (e.name === element && e.attributes.some(([k, v]) => k === "name" && v === name)) return (e.attributes.find(([k]) => k === attrName) as [string, string])[1];
    stack.push(...e.children.filter(isElement));
  }
  throw new Error(`no <${element} name="${name}">`);
}

describe("C# policy expressions", () => {
  it.skipIf(reason !== null)("every expression of every golden policy and every expression kind compiles with mcs", () => {
    const found = goldenXml.flatMap(([file, xml]) => collectExpressions(xml, file));
    expect(found.length).toBeGreaterThan(100);
    const kinds = everyKind.map((e, i) => ({ where: `kind sample ${i} (${e.kind})`, code: renderExpr(e).replace(/\{\{([A-Za-z0-9._-]+)\}\}/g, "10"), block: false, type: "object" as const }));
    expect(compileExpressions([...found, ...kinds])).toEqual([]);
  });

  it.skipIf(reason !== null)("the compiler rejects a broken expression, naming where it came from", () => {
    const errors = compileExpressions([{ where: "probe", code: "context.Response.StatusCod == 1", block: false, type: "bool" }]);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^probe: error CS1061/);
  });

  it.skipIf(reason !== null)("A/B buckets from the golden policy, executed by mono, equal abBucket() on 1,200 ids", () => {
    const root = parseXml(goldenXml.find(([f]) => f === "ab.xml")?.[1] as string);
    const unwrap = (v: string) => v.slice(2, -1);
    const caller = unwrap(findAttr(root, "set-variable", "value", NAMES.callerVar));
    const bucket = unwrap(findAttr(root, "set-variable", "value", NAMES.abBucketVar));
    const ids: string[] = [];
    for (let i = 0; i < 1000; i += 1) ids.push(createHash("sha1").update(String(i)).digest("hex").replace(/^(.{8})(.{4})(.{4})(.{4})(.{12}).*$/, "$1-$2-$3-$4-$5"));
    for (let i = 0; i < 200; i += 1) ids.push(`user-${i}-<>&"'{}@()-é-日本-🙂-${"x".repeat(i % 7)}`);
    const csharp = runBucketExpressions(caller, NAMES.callerVar, bucket, ids);
    expect(csharp).toHaveLength(ids.length);
    expect(csharp).toEqual(ids.map((id) => abBucket("prompt-v2", id)));
    // The buckets spread: every decile is used.
    expect(new Set(csharp.map((b) => Math.floor(b / 10))).size).toBe(10);
  });

  it.skipIf(reason !== null)("the record fold and the lookup table, executed by mono, equal the emulator's evaluation", () => {
    const now = x.variable("aoai-now", "long");
    const fold = x.earliestFresh("aoai-free-at-", x.variable("aoai-free-slots", "int"), now, x.plus(now, x.int(60000)));
    const table = x.lookup(x.variable("aoai-lat-key", "string"), [{ key: "a.openai.azure.com:443|chat", value: "chat-stable-avoid-chat-eastus" }, { key: "b.openai.azure.com:443|chat", value: "chat-stable-avoid-chat-westus" }], "");
    const s = (value: string): TypedVariable => ({ type: "string", value });
    const cases: Array<{ e: Expr; variables: Record<string, TypedVariable> }> = [
      // Fresh records 5000 and 3000, a past one, text, empty: the earliest fresh one.
      { e: fold, variables: { "aoai-now": { type: "long", value: 1000 }, "aoai-free-slots": { type: "int", value: 5 }, "aoai-free-at-0": s("5000"), "aoai-free-at-1": s("3000"), "aoai-free-at-2": s("999"), "aoai-free-at-3": s("abc"), "aoai-free-at-4": s("") } },
      // Nothing fresh (a missing slot too): now + 60 s.
      { e: fold, variables: { "aoai-now": { type: "long", value: 1000 }, "aoai-free-slots": { type: "int", value: 2 }, "aoai-free-at-0": s("1000") } },
      // Beyond the stale bound still counts as itself.
      { e: fold, variables: { "aoai-now": { type: "long", value: 1000 }, "aoai-free-slots": { type: "int", value: 1 }, "aoai-free-at-0": s("90000") } },
      { e: table, variables: { "aoai-lat-key": s("b.openai.azure.com:443|chat") } },
      { e: x.concat(x.str("["), table, x.str("]")), variables: { "aoai-lat-key": s("c.openai.azure.com:443|chat") } },
    ];
    const emulated = cases.map(({ e, variables }) => {
      const values = new Map<string, PolicyValue>(Object.entries(variables).map(([k, v]) => [k, v.value]));
      const env = { requestHeaders: {}, matchedParameters: {}, variables: values, context: {}, responseStatus: null, responseHeaders: null, originalPath: "/", namedValues: new Map(), rng: new Rng(1) } as unknown as ExprEnv;
      return String(evaluate(e, env));
    });
    expect(emulated).toEqual(["3000", "61000", "90000", "chat-stable-avoid-chat-westus", "[]"]);
    expect(runExpressions(cases.map(({ e, variables }) => ({ code: renderExpr(e), variables })))).toEqual(emulated);
  });
});
