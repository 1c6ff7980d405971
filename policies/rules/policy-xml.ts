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

/** Parses a policy document; returns an error sentence with line and column when it is not well-formed. */
export function parsePolicyXml(xml: string): { root: PolicyElement[] } | { error: string } {
  const valid = XMLValidator.validate(xml);
  if (valid !== true) return { error: `${valid.err.line}:${valid.err.col}: ${valid.err.msg}` };
  return { root: toElements(parser.parse(xml), "") };
}

/** Every element of the tree, depth first, in document order. */
export function allElements(elements: readonly PolicyElement[]): PolicyElement[] {
  return elements.flatMap((e) => [e, ...allElements(e.children)]);
}

/** True when an element with this name appears anywhere below (or at) the given elements. */
export function containsElement(elements: readonly PolicyElement[], name: string): boolean {
  return allElements(elements).some((e) => e.name === name);
}
