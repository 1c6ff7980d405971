// The five XML predefined entities. Used where text is placed into markup that is not built through an
// XML library: named values substituted into policy XML as APIM does (the emulator's loader), and the
// HTML-like labels Graphviz reads (components/gateway/dot-html.ts), whose parser knows the same five.

const ENTITIES: Readonly<Record<string, string>> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;" };

/** Text or an attribute value with `& < > " '` as entities. */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => ENTITIES[character] ?? character);
}
