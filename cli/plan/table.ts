import Table from "cli-table3";

/** A compact console table (no lines between rows) shared by the plan steps. */
export function compactTable(head: string[], colAligns: ("left" | "right")[]): Table.Table {
  return new Table({
    head,
    colAligns,
    style: { head: [], border: [] },
    chars: { mid: "", "left-mid": "", "mid-mid": "", "right-mid": "" },
  });
}
