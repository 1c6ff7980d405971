// Attribute/element values: literal text, typed expression or raw expression, and back.
import type { Expr, RawExpression, Value } from "./expr/ast";
import { parseExpr } from "./expr/lift";
import { csharpString, renderExpr } from "./expr/render";

/**
 * Literal text APIM would take at face value: printable ASCII that neither starts with `@` (an
 * expression) nor contains `{{` (a named value). Anything else is emitted as a C# string expression.
 */
export function isPlainLiteral(text: string): boolean {
  return /^[\x20-\x7E]*$/.test(text) && !text.startsWith("@") && !text.includes("{{");
}

/** Value → attribute/element text (before XML escaping, which the XML layer owns). */
export function renderValue(value: Value): string {
  if (typeof value === "string") return isPlainLiteral(value) ? value : `@(${csharpString(value)})`;
  if (value.kind === "raw") return value.block ? `@{${value.code}}` : `@(${value.code})`;
  if (value.kind === "string") return renderValue(value.value);
  return `@(${renderExpr(value)})`;
}

/**
 * Text → Value. `@( … )` becomes a typed Expr when it is in the supported subset (a lone string
 * literal collapses to plain text: that is the canonical form), else a RawExpression; `@{ … }` is
 * always raw.
 */
export function parseValue(text: string): Value {
  if (text.startsWith("@{") && text.endsWith("}")) return raw(text.slice(2, -1), true);
  if (text.startsWith("@(") && text.endsWith(")")) {
    const code = text.slice(2, -1);
    const parsed = parseExpr(code);
    if (!parsed.ok) return raw(code, false);
    return parsed.expr.kind === "string" ? parsed.expr.value : parsed.expr;
  }
  return text;
}

const raw = (code: string, block: boolean): RawExpression => ({ kind: "raw", code, block });

/** Expression-only helper for attributes whose value must be an Expr. */
export function exprValue(expr: Expr): Value {
  return expr.kind === "string" ? expr.value : expr;
}
