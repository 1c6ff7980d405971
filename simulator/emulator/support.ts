// Load-time check of a policy document: every element must be one the emulator runs, every value a
// typed expression or literal (raw C# is refused), ranges APIM enforces must hold, and every named
// value must be defined. Failing here is the emulator's "save-time validation".
import type { PolicyDocument, Statement } from "../../gateway-policy/ast";
import type { Value } from "../../gateway-policy/expr/ast";
import { UnsupportedPolicyError } from "./errors";

const SUPPORTED = new Set<string>([
  "base", "set-backend-service", "retry", "forward-request", "choose", "set-variable", "set-header", "set-query-parameter",
  "rewrite-uri", "return-response", "send-one-way-request", "authentication-managed-identity", "validate-azure-ad-token",
  "validate-jwt", "azure-openai-token-limit", "llm-token-limit", "azure-openai-emit-token-metric", "llm-emit-token-metric",
  "rate-limit-by-key", "cache-lookup-value", "cache-store-value", "send-request", "set-body", "emit-metric", "trace",
]);

/** Expression node kinds expressions.ts evaluates; anything else is refused when the policy loads. */
const EXPR_KINDS = new Set<string>([
  "string", "int", "bool", "null", "namedValue", "requestHeader", "matchedParameter", "variable", "context", "statusCode",
  "hasResponse", "responseHeader", "hasResponseHeader", "tokenClaim", "hashBucket", "randomBelow", "parseInt", "pathAfterDeployment", "compare", "and", "or", "not",
  "conditional", "concat", "contains", "arith", "math", "nowMs", "bodyField", "bodyFieldType", "bodyWithModel", "jsonObject", "jsonText",
  "sentStatus", "urlEscape", "urlDeployment", "requestBodyLength", "requestMaxTokens", "requestTextLength", "requestUnicodeEscapes",
]);

function* valuesOf(node: unknown): Generator<Value> {
  if (node === null || typeof node !== "object") return;
  if (Array.isArray(node)) {
    for (const x of node) yield* valuesOf(x);
    return;
  }
  const o = node as Record<string, unknown>;
  if (o.kind === "raw" && typeof o.code === "string") {
    yield o as unknown as Value;
    return;
  }
  if (o.kind === "namedValue") {
    yield o as unknown as Value;
    return;
  }
  // Inside a typed expression, strings are C# literals (never substituted); only element
  // attributes and texts are literal policy text where APIM substitutes {{named values}}.
  const isExpr = typeof o.kind === "string" && !SUPPORTED.has(o.kind);
  for (const v of Object.values(o)) {
    if (typeof v === "string") {
      if (!isExpr) yield v;
    } else yield* valuesOf(v);
  }
}

function walk(statements: readonly Statement[], path: string, visit: (s: Statement, path: string) => void): void {
  statements.forEach((s, i) => {
    const here = `${path}/${s.kind}[${i}]`;
    visit(s, here);
    if (s.kind === "retry") walk(s.policies, here, visit);
    if (s.kind === "choose") {
      s.when.forEach((w, j) => walk(w.policies, `${here}/when[${j}]`, visit));
      if (s.otherwise) walk(s.otherwise, `${here}/otherwise`, visit);
    }
  });
}

export function checkSupported(doc: PolicyDocument, namedValues: ReadonlyMap<string, string>): void {
  const problems: string[] = [];
  for (const [section, list] of [["inbound", doc.inbound], ["backend", doc.backend], ["outbound", doc.outbound], ["on-error", doc.onError]] as const) {
    walk(list, section, (s, path) => {
      if (!SUPPORTED.has(s.kind)) problems.push(`${path}: <${s.kind}> is not supported by the emulator`);
      if (s.kind === "retry" && typeof s.count === "number" && (!Number.isInteger(s.count) || s.count < 1 || s.count > 50)) problems.push(`${path}: retry count ${s.count} is outside 1–50`);
      if (s.kind === "forward-request" && section !== "backend") problems.push(`${path}: forward-request is only allowed in the backend section`);
      if (s.kind === "choose" || s.kind === "retry") {
        const own = s.kind === "retry" ? { condition: s.condition, count: s.count } : { when: s.when.map((w) => w.condition) };
        collect(own, path);
      } else collect(s, path);
    });
  }
  function collect(node: unknown, path: string): void {
    for (const v of valuesOf(node)) {
      if (typeof v === "string") continue;
      for (const kind of exprKinds(v)) if (!EXPR_KINDS.has(kind)) problems.push(`${path}: expression kind "${kind}" is not supported by the emulator`);
      if (v.kind === "raw") problems.push(`${path}: raw C# expression cannot be emulated: ${v.code.slice(0, 60)}`);
      else if (v.kind === "namedValue" && !namedValues.has(v.name)) problems.push(`${path}: named value {{${v.name}}} is not defined`);
    }
  }
  if (problems.length > 0) throw new UnsupportedPolicyError(`The policy cannot be emulated:\n  ${problems.join("\n  ")}`);
}

function exprKinds(node: unknown, out: string[] = []): string[] {
  if (node === null || typeof node !== "object") return out;
  if (Array.isArray(node)) {
    for (const x of node) exprKinds(x, out);
    return out;
  }
  const o = node as Record<string, unknown>;
  if (typeof o.kind === "string" && o.kind !== "raw") out.push(o.kind);
  for (const v of Object.values(o)) exprKinds(v, out);
  return out;
}
