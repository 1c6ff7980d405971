// Reading Graphviz SVGs in tests: what a viewer would print, with entities decoded.
import { XMLParser } from "fast-xml-parser";

/** Every `<text>` of an SVG, entities decoded, in document order. */
export function svgTexts(svg: string): string[] {
  const parser = new XMLParser({ preserveOrder: true, ignoreAttributes: true, parseTagValue: false, trimValues: false, htmlEntities: true });
  const texts: string[] = [];
  const walk = (nodes: unknown): void => {
    if (!Array.isArray(nodes)) return;
    for (const node of nodes as Record<string, unknown>[]) {
      for (const [key, value] of Object.entries(node)) {
        if (key === "text") texts.push((value as { "#text"?: string }[]).map((part) => part["#text"] ?? "").join(""));
        else walk(value);
      }
    }
  };
  walk(parser.parse(svg));
  return texts;
}
