// PolicyDocument → XML text. The only producer of policy XML in the repo.
import type { PolicyDocument, Statement } from "./ast";
import { lowerAttrs, PolicyModelError, type CodecContext } from "./elements/codec";
import { CODECS } from "./elements/index";
import { el, printXml, type XmlElement } from "./xml";

const SECTIONS: Array<[keyof PolicyDocument, string]> = [
  ["inbound", "inbound"],
  ["backend", "backend"],
  ["outbound", "outbound"],
  ["onError", "on-error"],
];

const ctx: CodecContext = {
  lowerStatements: (statements) => statements.map(lowerStatement),
  liftStatements: () => {
    throw new Error("lift is not available while rendering");
  },
};

export function lowerStatement(s: Statement): XmlElement {
  const codec = CODECS.get(s.kind);
  if (!codec) throw new PolicyModelError(String((s as { kind: unknown }).kind), "cannot render unknown policy element");
  const node = s as unknown as Record<string, unknown>;
  return el(s.kind, lowerAttrs(codec.attrs, node, s.kind), codec.lowerChildren ? codec.lowerChildren(node, ctx) : []);
}

/** Document → generic XML tree (all four sections, always present). */
export function lowerDocument(doc: PolicyDocument): XmlElement {
  return el("policies", [], SECTIONS.map(([field, name]) => el(name, [], doc[field].map(lowerStatement))));
}

/** Deterministic, pretty policy XML (4-space indent, `\n` line ends, trailing newline). */
export function renderPolicy(doc: PolicyDocument): string {
  return printXml(lowerDocument(doc));
}
