import { describe, expect, it } from "vitest";
import { compactTable } from "../../cli/plan/table";

describe("compactTable", () => {
  it("draws a box with no line under the header or between rows, aligned per column", () => {
    const table = compactTable(["region", "TPM"], ["left", "right"]);
    table.push(["eastus2", "50,000"], ["swedencentral", "1"]);
    expect(table.toString()).toBe(
      [
        "┌───────────────┬────────┐",
        "│ region        │    TPM │",
        "│ eastus2       │ 50,000 │",
        "│ swedencentral │      1 │",
        "└───────────────┴────────┘",
      ].join("\n"),
    );
  });

  it("prints a header-only table when there are no rows", () => {
    expect(compactTable(["a", "b"], ["left", "left"]).toString()).toBe(["┌───┬───┐", "│ a │ b │", "└───┴───┘"].join("\n"));
  });

  it("shows a tab as a space and other control characters as U+FFFD instead of failing", () => {
    const table = compactTable(["note"], ["left"]);
    table.push(["a\tb\u0007c"]);
    expect(table.toString().split("\n")[2]).toBe("│ a b\ufffdc │");
  });

  it("measures wide characters by their display width", () => {
    const table = compactTable(["x"], ["left"]);
    table.push(["漢字"]);
    expect(table.toString().split("\n")).toEqual(["┌──────┐", "│ x    │", "│ 漢字 │", "└──────┘"]);
  });
});
