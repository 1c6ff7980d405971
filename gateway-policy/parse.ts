// XML text → PolicyDocument. Malformed XML fails with line:column; unknown elements/attributes fail
// with the element path. Expressions outside the typed subset become RawExpression values.
import type { PolicyDocument, Statement } from "./ast";
import { liftAttrs, PolicyModelError, type CodecContext } from "./elements/codec";
import { CODECS } from "./elements/index";
import { elementChildren, parseXml, type XmlElement } from "./xml";

const SECTION_FIELDS: Record<string, keyof PolicyDocument> = { inbound: "inbound", backend: "backend", outbound: "outbound", "on-error": "onError" };

const ctx: CodecContext = {
  lowerStatements: () => {
    throw new Error("lower is not available while parsing");
  },
  liftStatements: (children, path) => children.map((c, i) => liftStatement(c, `${path}/${c.name}[${i}]`)),
};

export function liftStatement(e: XmlElement, path: string): Statement {
  const codec = CODECS.get(e.name);
  if (!codec) throw new PolicyModelError(path, `unsupported policy element <${e.name}>; supported: ${[...CODECS.keys()].join(", ")}`);
  const attrs = liftAttrs(codec.attrs, e, path);
  if (!codec.liftChildren && elementChildren(e, path).length > 0) throw new PolicyModelError(path, `<${e.name}> takes no child elements`);
  const children = codec.liftChildren ? codec.liftChildren(e, path, ctx) : {};
  return { kind: codec.name, ...attrs, ...children } as Statement;
}

/** Lift an already-parsed `<policies>` tree. */
export function liftDocument(root: XmlElement): PolicyDocument {
  if (root.name !== "policies") throw new PolicyModelError(root.name, "root element must be <policies>");
  const doc: PolicyDocument = { inbound: [], backend: [], outbound: [], onError: [] };
  const seen = new Set<string>();
  for (const section of elementChildren(root, "policies")) {
    const field = SECTION_FIELDS[section.name];
    if (!field) throw new PolicyModelError(`policies/${section.name}`, "expected one of inbound, backend, outbound, on-error");
    if (seen.has(section.name)) throw new PolicyModelError(`policies/${section.name}`, "section appears twice");
    seen.add(section.name);
    doc[field] = ctx.liftStatements(elementChildren(section, `policies/${section.name}`), `policies/${section.name}`);
  }
  return doc;
}

/** Parse policy XML text into the typed model. */
export function parsePolicy(xml: string): PolicyDocument {
  return liftDocument(parseXml(xml));
}
