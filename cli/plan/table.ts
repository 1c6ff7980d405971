import { getBorderCharacters, table } from "table";

/** A console table that collects rows and renders them once. */
export interface CompactTable {
  /** Adds rows (each with one cell per column). */
  push(...rows: readonly string[][]): void;
  /** The rendered table: a box around it, no line under the header or between rows. */
  toString(): string;
}

/**
 * Characters `table` refuses in a cell (C0 controls except the line feed, which splits a cell into
 * lines). A tab becomes a space; any other control character is shown as U+FFFD, so a stray byte in
 * a description prints visibly instead of failing the whole command.
 */
const REFUSED_CONTROLS = /[\u0000-\u0009\u000b-\u001f]/g;

function printable(cell: string): string {
  return cell.replace(REFUSED_CONTROLS, (c) => (c === "\t" ? " " : "\ufffd"));
}

/**
 * A compact console table shared by the plan steps and the catalog listing. Rendered by `table`,
 * whose layout is linear in rows: cli-table3's (used for the short rollout and report tables) checks
 * every cell against every earlier one for row spans, and a 200-deployment plan's route and resource
 * tables (several hundred rows) took about a third of a second there.
 */
export function compactTable(head: string[], colAligns: ("left" | "right")[]): CompactTable {
  const rows: string[][] = [head];
  return {
    push(...added) {
      for (const row of added) rows.push(row.map(printable));
    },
    toString() {
      return table(rows, {
        border: getBorderCharacters("norc"),
        columns: colAligns.map((alignment) => ({ alignment })),
        drawHorizontalLine: (index, size) => index === 0 || index === size,
      }).replace(/\n$/, "");
    },
  };
}
