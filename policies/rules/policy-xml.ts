// Reads APIM policy documents (rendered XML) into a small element tree for inspection.
// Uses fast-xml-parser; the rules only read XML, they never produce it.
import { XMLParser, XMLValidator } from "fast-xml-parser";

export interface PolicyElement {
  name: string;
  attributes: Record<string, string>;
  /** Concatenated direct text content. */
  text: string;
  children: PolicyElement[];
  /** Slash-separated element path from the root, e.g. `policies/inbound/set-header`. */
  path: string;
}

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: "",
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
});

type OrderedNode = Record<string, unknown>;

function toElements(nodes: unknown, parentPath: string): PolicyElement[] {
  if (!Array.isArray(nodes)) return [];
  const elements: PolicyElement[] = [];
  for (const node of nodes as OrderedNode[]) {
    const name = Object.keys(node).find((k) => k !== ":@" && k !== "#text" && !k.startsWith("?"));
    if (name === undefined) continue;
    const path = parentPath ? `${parentPath}/${name}` : name;
    const rawChildren = node[name];
    const attributes = (node[":@"] ?? {}) as Record<string, string>;
    const text = Array.isArray(rawChildren)
      ? (rawChildren as OrderedNode[])
          .map((c) => c["#text"])
          .filter((t): t is string => typeof t === "string")
          .join("")
      : "";
    elements.push({ name, attributes, text, children: toElements(rawChildren, path), path });
  }
  return elements;
}

export type ParsedPolicy = { readonly root: readonly PolicyElement[] } | { readonly error: string };

// Several rules read every policy document, some once per backend pool: a stack with 20 routes
// parsed the same 21 documents 420 times. Parses are remembered by document text (the trees are
// only read, never changed); the newest 256 are kept.
const parsed = new Map<string, ParsedPolicy>();
const REMEMBERED = 256;

/** Parses a policy document; returns an error sentence with line and column when it is not well-formed. */
export function parsePolicyXml(xml: string): ParsedPolicy {
  const known = parsed.get(xml);
  if (known) return known;
  const valid = XMLValidator.validate(xml);
  const result: ParsedPolicy = valid !== true ? { error: `${valid.err.line}:${valid.err.col}: ${valid.err.msg}` } : { root: toElements(parser.parse(xml), "") };
  if (parsed.size >= REMEMBERED) parsed.delete(parsed.keys().next().value as string);
  parsed.set(xml, result);
  return result;
}

const flattened = new WeakMap<readonly PolicyElement[], PolicyElement[]>();

/** Every element of the tree, depth first, in document order (remembered per tree: parsed trees are shared and never changed). */
export function allElements(elements: readonly PolicyElement[]): PolicyElement[] {
  const known = flattened.get(elements);
  if (known) return known;
  const all = elements.flatMap((e) => [e, ...allElements(e.children)]);
  flattened.set(elements, all);
  return all;
}

/** True when an element with this name appears anywhere below (or at) the given elements. */
export function containsElement(elements: readonly PolicyElement[], name: string): boolean {
  return allElements(elements).some((e) => e.name === name);
}
