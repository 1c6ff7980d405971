// fast-check arbitraries for policy ASTs with hostile strings (`<>&"'{}@()`, quotes, named-value and
// expression look-alikes, control characters, non-ASCII).
import fc from "fast-check";
import type { Expr, PolicyDocument, RawExpression, SetHeader, Statement, Value } from "../../../gateway-policy/index";
import { CONTEXT_PROPERTIES } from "../../../gateway-policy/index";

const HOSTILE_PIECES = ["<", ">", "&", '"', "'", "{", "}", "{{", "}}", "@", "@(", "@{", "(", ")", "\\", "\n", "\t", "]]>", "<!--", "&amp;", "é", "🙂", "{{x}}", "\"/>", "' + evil + '", " "];

/** Strings built from hostile pieces and ordinary characters. */
export const hostileString: fc.Arbitrary<string> = fc.oneof(
  fc.array(fc.oneof(fc.constantFrom(...HOSTILE_PIECES), fc.string({ maxLength: 3 })), { maxLength: 8 }).map((parts) => parts.join("")),
  fc.string({ unit: "binary", maxLength: 12 }),
);

/** Literal-safe text for attributes that do not allow expressions (still with XML specials). */
export const plainName = fc.stringMatching(/^[A-Za-z0-9<>&"'{}@() ._-]{1,12}$/).filter((s) => !s.startsWith("@") && !s.includes("{{"));
const headerName = plainName;
const namedValueName = fc.stringMatching(/^[A-Za-z0-9._-]{1,12}$/);
const smallInt = fc.integer({ min: -100000, max: 100000 });

export const exprArb: fc.Arbitrary<Expr> = fc.letrec<{ expr: Expr; leaf: Expr }>((tie) => ({
  leaf: fc.oneof(
    hostileString.map((value): Expr => ({ kind: "string", value })),
    smallInt.map((value): Expr => ({ kind: "int", value })),
    fc.boolean().map((value): Expr => ({ kind: "bool", value })),
    fc.constant<Expr>({ kind: "null" }),
    namedValueName.map((name): Expr => ({ kind: "namedValue", name })),
    fc.record({ name: hostileString, fallback: hostileString }).map((r): Expr => ({ kind: "requestHeader", ...r })),
    fc.record({ name: hostileString, fallback: hostileString }).map((r): Expr => ({ kind: "matchedParameter", ...r })),
    fc.record({ name: hostileString, fallback: hostileString }).map((r): Expr => ({ kind: "responseHeader", ...r })),
    hostileString.map((name): Expr => ({ kind: "hasResponseHeader", name })),
    fc.oneof(
      fc.record({ name: hostileString, fallback: hostileString }).map((r): Expr => ({ kind: "variable", type: "string", ...r })),
      fc.record({ name: hostileString, fallback: smallInt }).map((r): Expr => ({ kind: "variable", type: "int", ...r })),
      fc.record({ name: hostileString, fallback: fc.boolean() }).map((r): Expr => ({ kind: "variable", type: "bool", ...r })),
    ),
    fc.constantFrom(...CONTEXT_PROPERTIES).map((property): Expr => ({ kind: "context", property })),
    fc.constantFrom<Expr>({ kind: "statusCode" }, { kind: "hasResponse" }, { kind: "pathAfterDeployment" }),
    fc.record({ variable: hostileString, claim: hostileString }).map((r): Expr => ({ kind: "tokenClaim", ...r })),
    fc.integer({ min: 1, max: 1000 }).map((max): Expr => ({ kind: "randomBelow", max })),
  ),
  expr: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    tie("leaf"),
    fc.record({ key: tie("expr"), buckets: fc.integer({ min: 1, max: 1000 }) }).map((r): Expr => ({ kind: "hashBucket", ...r })),
    fc.record({ value: tie("expr"), fallback: smallInt }).map((r): Expr => ({ kind: "parseInt", ...r })),
    fc.record({ op: fc.constantFrom("==", "!=", "<", "<=", ">", ">=" as const), left: tie("expr"), right: tie("expr") }).map((r): Expr => ({ kind: "compare", ...r })),
    fc.array(tie("expr"), { minLength: 2, maxLength: 3 }).map((operands): Expr => ({ kind: "and", operands })),
    fc.array(tie("expr"), { minLength: 2, maxLength: 3 }).map((operands): Expr => ({ kind: "or", operands })),
    tie("expr").map((operand): Expr => ({ kind: "not", operand })),
    fc.record({ test: tie("expr"), whenTrue: tie("expr"), whenFalse: tie("expr") }).map((r): Expr => ({ kind: "conditional", ...r })),
    fc.array(tie("expr"), { minLength: 2, maxLength: 3 }).map((parts): Expr => ({ kind: "concat", parts })),
  ),
})).expr;

/** C# outside the typed subset: must survive as RawExpression. */
export const rawArb: fc.Arbitrary<RawExpression> = fc.oneof(
  fc.constantFrom(
    '(int)context.Variables["x"]',
    'context.Request.Body.As<string>(preserveContent: true)',
    'DateTime.UtcNow.ToString("o")',
    "context.Response.StatusReason.Contains(\"Backend pool\")",
    " 1 + 2 % 3 ",
  ).map((code) => ({ kind: "raw" as const, code, block: false })),
  fc.constantFrom('\n  var x = 1;\n  return x < 2 && "a" != "b";\n', " return context.Request.Method; ").map((code) => ({ kind: "raw" as const, code, block: true })),
);

/** Canonical Values: a top-level string literal is always a plain string. */
export const valueArb: fc.Arbitrary<Value> = fc.oneof(hostileString, exprArb.filter((e) => e.kind !== "string"), rawArb);

// exists-action allows expressions (exposure.ts sets `delete` for an empty value that way).
const existsAction: fc.Arbitrary<SetHeader["existsAction"]> = fc.oneof(fc.constantFrom("override", "skip", "append", "delete" as const), exprArb.filter((e) => e.kind !== "string"));
const setHeaderArb: fc.Arbitrary<SetHeader> = fc.record(
  { kind: fc.constant("set-header" as const), name: headerName, existsAction, values: fc.array(valueArb, { maxLength: 2 }) },
  { requiredKeys: ["kind", "name", "values"] },
);

export const statementArb: fc.Arbitrary<Statement> = fc.letrec<{ statement: Statement; list: Statement[] }>((tie) => ({
  list: fc.array(tie("statement"), { maxLength: 3 }),
  statement: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.constant<Statement>({ kind: "base" }),
    setHeaderArb,
    fc.record({ kind: fc.constant("set-variable" as const), name: plainName, value: valueArb }),
    fc.record({ kind: fc.constant("set-backend-service" as const), backendId: valueArb }),
    fc.record(
      { kind: fc.constant("forward-request" as const), timeout: fc.nat(300), bufferRequestBody: fc.boolean(), bufferResponse: fc.boolean(), failOnErrorStatusCode: fc.boolean() },
      { requiredKeys: ["kind"] },
    ),
    fc.record({ kind: fc.constant("choose" as const), when: fc.array(fc.record({ condition: valueArb, policies: tie("list") }), { minLength: 1, maxLength: 2 }), otherwise: tie("list") }, { requiredKeys: ["kind", "when"] }),
    fc.record(
      { kind: fc.constant("retry" as const), condition: valueArb, count: fc.integer({ min: 1, max: 50 }), interval: fc.nat(10), firstFastRetry: fc.boolean(), policies: tie("list") },
      { requiredKeys: ["kind", "condition", "count", "interval", "policies"] },
    ),
    fc.record(
      { kind: fc.constant("return-response" as const), status: fc.record({ code: fc.integer({ min: 100, max: 599 }), reason: plainName }, { requiredKeys: ["code"] }), headers: fc.array(setHeaderArb, { maxLength: 2 }), body: valueArb },
      { requiredKeys: ["kind", "headers"] },
    ),
    fc.record(
      { kind: fc.constant("send-one-way-request" as const), mode: fc.constantFrom("new", "copy" as const), timeout: fc.integer({ min: 1, max: 60 }), url: valueArb, method: fc.constantFrom("GET", "POST"), headers: fc.array(setHeaderArb, { maxLength: 2 }), body: valueArb },
      { requiredKeys: ["kind", "headers"] },
    ),
    fc.record({
      kind: fc.constantFrom("azure-openai-emit-token-metric", "llm-emit-token-metric" as const),
      namespace: plainName,
      dimensions: fc.array(fc.record({ name: plainName, value: valueArb }, { requiredKeys: ["name"] }), { minLength: 1, maxLength: 5 }),
    }),
    fc.record({ kind: fc.constant("cache-lookup-value" as const), key: valueArb, variableName: plainName, defaultValue: valueArb }, { requiredKeys: ["kind", "key", "variableName"] }),
  ),
})).statement;

export const documentArb: fc.Arbitrary<PolicyDocument> = fc.record({
  inbound: fc.array(statementArb, { maxLength: 4 }),
  backend: fc.array(statementArb, { maxLength: 2 }),
  outbound: fc.array(statementArb, { maxLength: 2 }),
  onError: fc.array(statementArb, { maxLength: 2 }),
});
