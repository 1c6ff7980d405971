import { getBorderCharacters, table, type ColumnUserConfig } from "table";

/** A console table that collects rows and renders them once. */
export interface ConsoleTable {
  /** Adds rows (each with one cell per column; a line feed in a cell starts a new line). */
  push(...rows: readonly string[][]): void;
  /** The rendered table, without a trailing line feed. */
  toString(): string;
}

export interface ConsoleTableOptions {
  /** Alignment per column (default left). */
  readonly align?: readonly ("left" | "right")[];
  /** Text width per column (padding excluded); longer text wraps at word boundaries. Default: as wide as the widest cell. */
  readonly widths?: readonly number[];
  /** `frame`: a box around the table, no inner lines. `rows`: a line under the header and between rows. */
  readonly lines: "frame" | "rows";
}

/**
 * Characters `table` refuses in a cell (C0 controls except the line feed, which splits a cell into
 * lines). A tab becomes a space; any other control character is shown as U+FFFD, so a stray byte in
 * a name prints visibly instead of failing the whole command.
 */
const REFUSED_CONTROLS = /[\u0000-\u0009\u000b-\u001f]/g;

function printable(cell: string): string {
  return cell.replace(REFUSED_CONTROLS, (c) => (c === "\t" ? " " : "\ufffd"));
}

/**
 * Plain console tables (no ANSI colour, so output reads the same in a terminal, a CI log and a
 * test), drawn with box characters by `table`. Its layout is linear in rows; cli-table3, used
 * before, checked every cell against every earlier one for row spans, and a 200-deployment plan's
 * route and resource tables (several hundred rows) took about a third of a second there. A word
 * longer than its column's width is broken across lines, never cut off.
 */
export function consoleTable(head: readonly string[], options: ConsoleTableOptions): ConsoleTable {
  const rows: string[][] = [head.map(printable)];
  const columns: ColumnUserConfig[] = head.map((_, i) => ({
    alignment: options.align?.[i] ?? "left",
    ...(options.widths?.[i] !== undefined ? { width: options.widths[i], wrapWord: true } : {}),
  }));
  return {
    push(...added) {
      for (const row of added) rows.push(row.map(printable));
    },
    toString() {
      return table(rows, {
        border: getBorderCharacters("norc"),
        columns,
        ...(options.lines === "frame" ? { drawHorizontalLine: (index: number, size: number) => index === 0 || index === size } : {}),
      }).replace(/\n$/, "");
    },
  };
}

/** A box around the table and no inner lines: the plan steps' and the catalog listing's tables. */
export function compactTable(head: string[], align: ("left" | "right")[]): ConsoleTable {
  return consoleTable(head, { align, lines: "frame" });
}
