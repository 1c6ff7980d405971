import { describe, expect, it } from "vitest";
import { compactTable, consoleTable } from "../../core/console/table";

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

describe("consoleTable with lines between rows", () => {
  it("draws a line under the header and between rows, and wraps at word boundaries within the widths", () => {
    const table = consoleTable(["rule", "message"], { widths: [4, 12], lines: "rows" });
    table.push(["a", "one two three four"], ["b", "x"]);
    expect(table.toString()).toBe(
      [
        "┌──────┬──────────────┐",
        "│ rule │ message      │",
        "├──────┼──────────────┤",
        "│ a    │ one two      │",
        "│      │ three four   │",
        "├──────┼──────────────┤",
        "│ b    │ x            │",
        "└──────┴──────────────┘",
      ].join("\n"),
    );
  });

  it("breaks a word longer than its column across lines instead of cutting it off", () => {
    const table = consoleTable(["name"], { widths: [5], lines: "rows" });
    table.push(["abcdefghijkl"]);
    expect(table.toString().split("\n").slice(3, 6)).toEqual(["│ abcde │", "│ fghij │", "│ kl    │"]);
  });
});
