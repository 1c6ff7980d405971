// Shared machinery for element codecs: attribute descriptors that drive both lowering (AST → XML tree)
// and lifting (XML tree → AST), so the two directions cannot drift.
import type { Statement } from "../ast";
import type { Value } from "../expr/ast";
import { isPlainLiteral, parseValue, renderValue } from "../value";
import { elementChildren, type XmlElement, type XmlNode } from "../xml";

/** Raised when XML is well-formed but is not a policy document this model understands. */
export class PolicyModelError extends Error {
  constructor(readonly path: string, detail: string) {
    super(`${path}: ${detail}`);
    this.name = "PolicyModelError";
  }
}

/**
 * `intValue`: an integer literal or a typed expression (e.g. retry `count`); an enum with `expr`: one
 * of its literals or a typed expression (set-header `exists-action`).
 */
export type AttrType = "value" | "string" | "int" | "intValue" | "bool" | { enum: readonly string[]; expr?: true };

export interface AttrSpec {
  /** XML attribute name. */
  attr: string;
  /** AST field name. */
  field: string;
  type: AttrType;
  required?: boolean;
}

/** Recursion hooks so element codecs can lower/lift nested policy lists. */
export interface CodecContext {
  lowerStatements(statements: Statement[]): XmlElement[];
  liftStatements(children: XmlElement[], path: string): Statement[];
}

export interface ElementCodec {
  name: Statement["kind"];
  attrs: AttrSpec[];
  lowerChildren?(node: Record<string, unknown>, ctx: CodecContext): XmlNode[];
  liftChildren?(e: XmlElement, path: string, ctx: CodecContext): Record<string, unknown>;
}

export function encodeAttr(spec: AttrSpec, value: unknown, path: string): string {
  const t = spec.type;
  if (t === "value") return renderValue(value as Value);
  if (t === "string") {
    if (typeof value !== "string" || !isPlainLiteral(value))
      throw new PolicyModelError(path, `attribute ${spec.attr}=${JSON.stringify(value)} does not allow expressions; use printable ASCII that neither starts with "@" nor contains "{{"`);
    return value;
  }
  if (t === "int" || (t === "intValue" && typeof value === "number")) {
    if (typeof value !== "number" || !Number.isSafeInteger(value)) throw new PolicyModelError(path, `attribute ${spec.attr} must be an integer, got ${JSON.stringify(value)}`);
    return String(value);
  }
  if (t === "intValue") {
    if (typeof value !== "object" || value === null || (value as Value & object).kind === "raw") throw new PolicyModelError(path, `attribute ${spec.attr} must be an integer or a typed expression, got ${JSON.stringify(value)}`);
    return renderValue(value as Value);
  }
  if (t === "bool") {
    if (typeof value !== "boolean") throw new PolicyModelError(path, `attribute ${spec.attr} must be a boolean, got ${JSON.stringify(value)}`);
    return value ? "true" : "false";
  }
  if (t.expr && typeof value === "object" && value !== null) {
    if ((value as Value & object).kind === "raw") throw new PolicyModelError(path, `attribute ${spec.attr} must be one of ${t.enum.join(", ")} or a typed expression, got raw C#`);
    return renderValue(value as Value);
  }
  if (typeof value !== "string" || !t.enum.includes(value))
    throw new PolicyModelError(path, `attribute ${spec.attr}=${JSON.stringify(value)} is not one of ${t.enum.join(", ")}`);
  return value;
}

export function decodeAttr(spec: AttrSpec, text: string, path: string): unknown {
  const t = spec.type;
  if (t === "value") return parseValue(text);
  if (t === "string") return text;
  if (t === "int" || (t === "intValue" && !text.startsWith("@"))) {
    if (!/^-?[0-9]+$/.test(text)) throw new PolicyModelError(path, `attribute ${spec.attr}="${text}" must be an integer`);
    return Number(text);
  }
  if (t === "intValue") {
    const parsed = parseValue(text);
    if (typeof parsed === "string" || parsed.kind === "raw") throw new PolicyModelError(path, `attribute ${spec.attr}="${text}" must be an integer or a typed expression`);
    return parsed;
  }
  if (t === "bool") {
    if (text !== "true" && text !== "false") throw new PolicyModelError(path, `attribute ${spec.attr}="${text}" must be true or false`);
    return text === "true";
  }
  if (t.expr && text.startsWith("@")) {
    const parsed = parseValue(text);
    if (typeof parsed === "string" || parsed.kind === "raw") throw new PolicyModelError(path, `attribute ${spec.attr}="${text}" must be one of ${t.enum.join(", ")} or a typed expression`);
    return parsed;
  }
  if (!t.enum.includes(text)) throw new PolicyModelError(path, `attribute ${spec.attr}="${text}" is not one of ${t.enum.join(", ")}`);
  return text;
}

export function lowerAttrs(specs: AttrSpec[], node: Record<string, unknown>, path: string): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const spec of specs) {
    const v = node[spec.field];
    if (v === undefined) {
      if (spec.required) throw new PolicyModelError(path, `required attribute ${spec.attr} is missing`);
      continue;
    }
    out.push([spec.attr, encodeAttr(spec, v, path)]);
  }
  return out;
}

export function liftAttrs(specs: AttrSpec[], e: XmlElement, path: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, text] of e.attributes) {
    const spec = specs.find((s) => s.attr === name);
    if (!spec) throw new PolicyModelError(path, `unknown attribute "${name}" on <${e.name}>`);
    out[spec.field] = decodeAttr(spec, text, path);
  }
  for (const spec of specs) {
    if (spec.required && !(spec.field in out)) throw new PolicyModelError(path, `<${e.name}> is missing required attribute ${spec.attr}`);
  }
  return out;
}

/** Child elements grouped by name, rejecting names outside `allowed` and out-of-order ones. */
export function childrenByName(e: XmlElement, path: string, allowed: readonly string[]): Map<string, XmlElement[]> {
  const groups = new Map<string, XmlElement[]>();
  let lastIndex = -1;
  for (const c of elementChildren(e, path)) {
    const index = allowed.indexOf(c.name);
    if (index < 0) throw new PolicyModelError(path, `<${c.name}> is not allowed in <${e.name}>; allowed: ${allowed.join(", ")}`);
    if (index < lastIndex) throw new PolicyModelError(path, `<${c.name}> must come before <${allowed[lastIndex]}> in <${e.name}>`);
    lastIndex = index;
    groups.set(c.name, [...(groups.get(c.name) ?? []), c]);
  }
  return groups;
}

export function single(groups: Map<string, XmlElement[]>, name: string, path: string): XmlElement | undefined {
  const list = groups.get(name) ?? [];
  if (list.length > 1) throw new PolicyModelError(path, `<${name}> may appear only once`);
  return list[0];
}
