// The only place XML text is produced or read: a generic ordered element tree printed and parsed with
// fast-xml-parser, which owns entity escaping. Everything above works on XmlElement trees.
import { XMLBuilder, XMLParser, XMLValidator } from "fast-xml-parser";

export interface XmlElement {
  name: string;
  /** Attributes in output order. */
  attributes: Array<[string, string]>;
  children: XmlNode[];
}
export type XmlNode = XmlElement | { text: string };

export const isElement = (n: XmlNode): n is XmlElement => "name" in n;

export const el = (name: string, attributes: Array<[string, string | undefined]> = [], children: XmlNode[] = []): XmlElement => ({
  name,
  attributes: attributes.filter((a): a is [string, string] => a[1] !== undefined),
  children,
});

/** Raised for malformed XML; carries 1-based line and column. */
export class PolicyXmlError extends Error {
  constructor(message: string, readonly line?: number, readonly column?: number) {
    super(message);
    this.name = "PolicyXmlError";
  }
}

type FxpNode = { [key: string]: FxpNode[] | string | Record<string, string> };

const ATTRS = ":@";
const TEXT = "#text";
const INDENT = "    ";

function toFxp(e: XmlElement): FxpNode {
  const node: FxpNode = { [e.name]: e.children.map((c) => (isElement(c) ? toFxp(c) : { [TEXT]: c.text })) };
  if (e.attributes.length > 0) node[ATTRS] = Object.fromEntries(e.attributes);
  return node;
}

const builder = new XMLBuilder({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: "",
  format: true,
  indentBy: INDENT,
  suppressEmptyNode: true,
  processEntities: true,
});

/** Pretty, deterministic XML text ending in one newline. */
export function printXml(root: XmlElement): string {
  assertRepresentable(root);
  const text = (builder.build([toFxp(root)]) as string).replace(/^\n/, "");
  return `${text}\n`;
}

/** Characters XML 1.0 cannot carry at all. */
const UNREPRESENTABLE = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/;

/**
 * Every attribute value and text of the tree must be representable (values are routed through C#
 * string escapes before reaching here); the first one that is not, in document order, is named.
 * A plain recursion, not nested generators, which cost a step per level for each of the tens of
 * thousands of values in a 200 KiB policy.
 */
function assertRepresentable(e: XmlElement): void {
  for (const [, value] of e.attributes) checkRepresentable(value);
  for (const child of e.children) {
    if (isElement(child)) assertRepresentable(child);
    else checkRepresentable(child.text);
  }
}

function checkRepresentable(value: string): void {
  if (UNREPRESENTABLE.test(value)) throw new PolicyXmlError(`attribute value ${JSON.stringify(value)} contains characters XML cannot represent`);
}

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: "",
  trimValues: false,
  parseTagValue: false,
  parseAttributeValue: false,
  processEntities: true,
  htmlEntities: false,
  commentPropName: "#comment",
});

function fromFxp(node: FxpNode): XmlNode | null {
  const keys = Object.keys(node).filter((k) => k !== ATTRS);
  const name = keys[0] as string;
  if (name === TEXT) return { text: String(node[TEXT]) };
  if (name === "#comment" || name.startsWith("?")) return null;
  const attrs = (node[ATTRS] ?? {}) as Record<string, string>;
  const children = ((node[name] ?? []) as FxpNode[]).map(fromFxp).filter((c): c is XmlNode => c !== null);
  return { name, attributes: Object.entries(attrs).map(([k, v]) => [k, String(v)]), children };
}

/** Parse XML text into an element tree; malformed input → PolicyXmlError with line:column. */
export function parseXml(text: string): XmlElement {
  const valid = XMLValidator.validate(text);
  if (valid !== true) throw new PolicyXmlError(`${valid.err.line}:${valid.err.col}: could not parse policy XML: ${valid.err.msg}`, valid.err.line, valid.err.col);
  const roots = (parser.parse(text) as FxpNode[]).map(fromFxp).filter((n): n is XmlElement => n !== null && isElement(n));
  if (roots.length !== 1) throw new PolicyXmlError(`expected exactly one root element, found ${roots.length}`);
  return roots[0] as XmlElement;
}

/** Element children only, rejecting non-whitespace text where only elements may appear. */
export function elementChildren(e: XmlElement, path: string): XmlElement[] {
  const out: XmlElement[] = [];
  for (const c of e.children) {
    if (isElement(c)) out.push(c);
    else if (c.text.trim() !== "") throw new PolicyXmlError(`${path}: unexpected text ${JSON.stringify(c.text.trim())}`);
  }
  return out;
}

/** Concatenated text content of an element that holds only text. */
export function textContent(e: XmlElement, path: string): string {
  let text = "";
  for (const c of e.children) {
    if (isElement(c)) throw new PolicyXmlError(`${path}: <${c.name}> is not allowed here; expected text`);
    text += c.text;
  }
  return text;
}
