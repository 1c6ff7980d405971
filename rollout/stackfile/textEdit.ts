import { isDeepStrictEqual } from "node:util";
import { isAlias, isMap, isScalar, parse, parseDocument, visit, type Document, type Node } from "yaml";
import { RolloutError } from "../errors";
import { STACK_FILE_YAML } from "../../stacks/config/yaml";

/** The stack config key rollout edits (see `stacks/config/gateway.ts`). */
export const GATEWAY_KEY = "aoai-fleet:gateway";

export type ScalarValue = string | number | boolean;

/** Set one value below `aoai-fleet:gateway`; an object value creates a missing block as a flow map. */
export interface ConfigEdit {
  /** Path below `aoai-fleet:gateway`, e.g. `["routes", "chat", "canary", "percent"]`. */
  path: readonly string[];
  /** New value: a scalar, or a flat map when the block does not exist yet. */
  value: ScalarValue | Readonly<Record<string, ScalarValue>>;
}

/** A value that actually changed, with its full config path for the console and history. */
export interface ConfigChange {
  path: string;
  from: unknown;
  to: unknown;
}

export function configPath(path: readonly string[]): string {
  return [GATEWAY_KEY, ...path].join(".");
}

/**
 * Applies edits by splicing the source text at the exact byte range of each value the YAML
 * Document API locates. The Document API's own `toString()` re-flows long flow maps and moves
 * comments, so it is used to find ranges, never to print: every byte outside the edited values
 * stays as it was. No-op edits are dropped, so applying the same edits twice changes nothing.
 */
export function applyConfigEdits(text: string, edits: readonly ConfigEdit[]): { text: string; changes: ConfigChange[] } {
  let current = text;
  const changes: ConfigChange[] = [];
  for (const edit of edits) {
    const doc = parseStackDocument(current);
    const fullPath = ["config", GATEWAY_KEY, ...edit.path];
    const before = doc.getIn(fullPath) as unknown;
    const beforePlain = before !== null && typeof before === "object" && "toJSON" in before ? (before as { toJSON(): unknown }).toJSON() : before;
    if (isDeepStrictEqual(beforePlain, edit.value)) continue;
    current = spliceEdit(current, doc, fullPath, edit);
    changes.push({ path: configPath(edit.path), from: beforePlain, to: edit.value });
  }
  verifyOnlyEditedValuesChanged(text, current, edits);
  return { text: current, changes };
}

export function parseStackDocument(text: string): Document {
  const doc = parseDocument(text, STACK_FILE_YAML);
  if (doc.errors.length > 0) {
    throw new RolloutError(`stack file is not valid YAML: ${doc.errors[0]?.message ?? "parse error"}; fix the file and retry`, 2);
  }
  return doc;
}

/**
 * A value reached through a YAML alias (`canary: *c`), or inside an anchor (`&c`) that an alias
 * reuses, is shared: splicing it would change every use, and inserting into an alias is impossible.
 * Refused with the anchor's name instead of the final check's bare "would differ" (or a wrong
 * "does not exist").
 */
function refuseSharedValue(doc: Document, fullPath: readonly string[], where: string): void {
  const aliased = new Set<string>();
  visit(doc, { Alias: (_key, alias) => void aliased.add(alias.source) });
  for (let i = 3; i <= fullPath.length; i++) {
    const node = doc.getIn(fullPath.slice(0, i), true) as Node | undefined;
    const at = configPath(fullPath.slice(2, i));
    if (isAlias(node)) {
      throw new RolloutError(`${where}: ${at} is the YAML alias *${node.source}, shared with the anchor &${node.source}; rollout edits one value only — write ${at} out in full (without the alias) and retry`, 2);
    }
    const anchor = (node as { anchor?: string } | undefined)?.anchor;
    if (anchor !== undefined && aliased.has(anchor)) {
      throw new RolloutError(`${where}: ${at} is the YAML anchor &${anchor}, which *${anchor} reuses elsewhere in the file; editing it would change both — write the value out in full where *${anchor} is used (or drop the anchor) and retry`, 2);
    }
  }
}

function spliceEdit(text: string, doc: Document, fullPath: readonly string[], edit: ConfigEdit): string {
  const where = configPath(edit.path);
  refuseSharedValue(doc, fullPath, where);
  const node = doc.getIn(fullPath, true) as Node | undefined;
  if (node !== undefined) {
    if (!isScalar(node) || typeof edit.value === "object" || !node.range) {
      throw new RolloutError(`${where}: rollout only rewrites scalar values, and this one is a ${typeof node}; edit it by hand`, 2);
    }
    const [start, end] = node.range;
    return text.slice(0, start) + renderScalar(edit.value, node.type) + text.slice(end);
  }
  const parent = doc.getIn(fullPath.slice(0, -1), true) as Node | undefined;
  if (!isMap(parent) || !parent.range) {
    throw new RolloutError(`${configPath(edit.path.slice(0, -1))} does not exist; add it to the stack file first`, 2);
  }
  const key = fullPath[fullPath.length - 1] as string;
  const value = renderValue(edit.value);
  const [start, valueEnd] = parent.range;
  if (parent.flow) {
    // `{ a: b }` → `{ a: b, key: value }`: insert before the closing brace and its padding.
    const close = text.lastIndexOf("}", valueEnd);
    let at = close;
    while (at > start && /\s/.test(text[at - 1] ?? "")) at--;
    const separator = parent.items.length > 0 ? ", " : " ";
    return text.slice(0, at) + `${separator}${key}: ${value}` + text.slice(at);
  }
  // Block map: a new line after its last entry, at the indentation of its first key.
  const lineStart = text.lastIndexOf("\n", start - 1) + 1;
  const indent = " ".repeat(start - lineStart);
  const at = valueEnd;
  const needsNewline = text[at - 1] !== "\n";
  return text.slice(0, at) + `${needsNewline ? "\n" : ""}${indent}${key}: ${value}\n` + text.slice(at);
}

function renderValue(value: ConfigEdit["value"]): string {
  if (typeof value !== "object") return renderScalar(value, "PLAIN");
  const entries = Object.entries(value).map(([k, v]) => `${k}: ${renderScalar(v, "PLAIN")}`);
  return `{ ${entries.join(", ")} }`;
}

/** Keeps the original quoting style; plain only when YAML reads it back as the same string. */
function renderScalar(value: ScalarValue, style: string | undefined): string {
  if (typeof value !== "string") return String(value);
  if (style === "QUOTE_SINGLE") return `'${value.replace(/'/g, "''")}'`;
  const plainSafe = /^[A-Za-z0-9][A-Za-z0-9._/-]*$/.test(value) && parse(`k: ${value}`)?.k === value;
  return style !== "QUOTE_DOUBLE" && plainSafe ? value : JSON.stringify(value);
}

/** Belt and braces: the new file must read back as the old one with exactly the edits applied. */
function verifyOnlyEditedValuesChanged(oldText: string, newText: string, edits: readonly ConfigEdit[]): void {
  const expected = parseStackDocument(oldText).toJS() as Record<string, unknown>;
  for (const edit of edits) setPlain(expected, ["config", GATEWAY_KEY, ...edit.path], edit.value);
  const actual = parseStackDocument(newText).toJS() as unknown;
  if (!isDeepStrictEqual(actual, expected)) {
    throw new RolloutError("internal error: the edited stack file would differ from the intended edit; nothing was written", 2);
  }
}

function setPlain(root: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let node = root;
  path.slice(0, -1).forEach((key) => {
    const next = node[key];
    if (next === null || typeof next !== "object") node[key] = {};
    node = node[key] as Record<string, unknown>;
  });
  node[path[path.length - 1] as string] = typeof value === "object" && value !== null ? { ...value } : value;
}
