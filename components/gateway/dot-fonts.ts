/**
 * The font of the topology pictures. Graphviz sizes every box and cell with the metrics of the font
 * it is given, and the SVG names that font; a viewer without it draws another. Laid out for Helvetica,
 * labels overflowed their boxes wherever Helvetica is missing: most Linux systems (rsvg-convert
 * included) draw DejaVu Sans, about 13% wider (viz-js measures one label at 302 pt for Helvetica, 340
 * for DejaVu Sans). DejaVu Sans is among the widest common sans-serifs (Verdana is within 1%), so
 * boxes sized for it hold the text in any of them; the SVG then lists fallbacks in that order.
 * Graphviz knows regular and bold widths for it only through HTML-like labels (`<B>`), not through a
 * "Bold" font name, so plain labels (cluster titles) are regular weight.
 */
export const LAYOUT_FONT = "DejaVu Sans";

/** What the SVG's `font-family` attributes name instead of the bare layout font. */
export const SVG_FONT_FAMILY = `${LAYOUT_FONT},Verdana,Helvetica,Arial,sans-serif`;

/**
 * Graphviz's SVG with the layout font's family widened to the fallback list. Only the exact attribute
 * Graphviz writes for the layout font is replaced (its value is ours, never from config).
 */
export function withFontFallbacks(svg: string): string {
  return svg.replaceAll(`font-family="${LAYOUT_FONT}"`, `font-family="${SVG_FONT_FAMILY}"`);
}
