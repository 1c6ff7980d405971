/**
 * Graphviz HTML-like labels, typed: a table of rows of cells, each cell lines of text runs. The
 * renderer is the only way such a label is written; text and port names are entity-escaped, and
 * colours and sizes are checked, so nothing from config (routes, pools, deployments, regions) can
 * close a tag, add an attribute or end the label (`>` outside a tag would).
 */

import { escapeXml } from "../../core/text/escape-xml";

/** A run of text in one style. */
export interface HtmlRun {
  /** The text, as is (escaped on output). */
  readonly text: string;
  /** Optional. Bold. */
  readonly bold?: boolean;
  /** Optional. Text colour, `#rrggbb`. */
  readonly colour?: string;
  /** Optional. Font size in points. */
  readonly pointSize?: number;
}

/** One table cell: lines of runs, a background and an optional port edges can end at. */
export interface HtmlCell {
  /** Lines, each a row of runs; an empty list draws an empty cell. */
  readonly lines: readonly (readonly HtmlRun[])[];
  /** Optional. Background, `#rrggbb`. */
  readonly fill?: string;
  /** Optional. Horizontal alignment of the lines. Defaults to centre. */
  readonly align?: "left" | "center";
  /** Optional. Port name, so an edge can end at this cell (`node:port`). */
  readonly port?: string;
  /** Optional. Columns the cell spans (a title row over the whole table). Defaults to 1. */
  readonly span?: number;
}

/** A table label: rows of cells, one-pixel cell borders, no gaps between cells. */
export interface HtmlTable {
  /** Rows, each a list of cells. */
  readonly rows: readonly (readonly HtmlCell[])[];
}

/** An attribute value that is an HTML-like label (`label=<…>`), not a quoted string. */
export interface DotHtmlLabel {
  readonly html: HtmlTable;
}


function colour(value: string): string {
  if (!/^#[0-9a-fA-F]{6}$/.test(value)) throw new Error(`dot: colour ${JSON.stringify(value)} is not #rrggbb`);
  return value;
}

function pointSize(value: number): string {
  if (!Number.isFinite(value) || value <= 0 || value > 100) throw new Error(`dot: point size ${value} is outside 0–100`);
  return String(value);
}

function span(columns: number): string {
  if (!Number.isInteger(columns) || columns < 1 || columns > 65535) throw new Error(`dot: column span ${columns} is not a whole number from 1`);
  return String(columns);
}

function run(part: HtmlRun): string {
  // Graphviz HTML labels keep line breaks only as <BR/>; a newline inside a run would be a space.
  let text = escapeXml(part.text.replace(/\r\n|\r|\n/g, " "));
  if (part.bold) text = `<B>${text}</B>`;
  const font = [part.colour === undefined ? "" : ` COLOR="${colour(part.colour)}"`, part.pointSize === undefined ? "" : ` POINT-SIZE="${pointSize(part.pointSize)}"`].join("");
  return font === "" ? text : `<FONT${font}>${text}</FONT>`;
}

function cell(content: HtmlCell): string {
  const attributes = [
    content.align === "left" ? ' ALIGN="LEFT" BALIGN="LEFT"' : "",
    content.fill === undefined ? "" : ` BGCOLOR="${colour(content.fill)}"`,
    content.port === undefined ? "" : ` PORT="${escapeXml(content.port)}"`,
    content.span === undefined ? "" : ` COLSPAN="${span(content.span)}"`,
  ].join("");
  // An empty <TD></TD> is valid; a cell with lines joins them with <BR/>.
  return `<TD${attributes}>${content.lines.map((line) => line.map(run).join("")).join("<BR/>")}</TD>`;
}

/**
 * The label as DOT writes it: `<` + the table + `>`. Cells are padded by 9 points, so text drawn in a
 * font slightly wider than the layout font (dot-fonts.ts) still clears the cell border.
 */
export function renderHtmlLabel(label: DotHtmlLabel): string {
  const rows = label.html.rows.map((row) => `<TR>${row.map(cell).join("")}</TR>`).join("");
  return `<<TABLE BORDER="0" CELLBORDER="1" CELLSPACING="0" CELLPADDING="9">${rows}</TABLE>>`;
}
