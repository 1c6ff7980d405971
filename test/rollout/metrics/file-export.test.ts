import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadRecordsFile } from "../../../rollout/metrics/fileSource";

const HEADER = "timestamp,route,deployment,status,latencyMs,promptTokens,completionTokens";
const OK_ROW = "2026-01-01T00:00:01Z,chat,chat,200,812,100,40";

function write(name: string, text: string): string {
  const dir = mkdtempSync(join(tmpdir(), "rollout-export-"));
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

const jsonRecord = (fields: Record<string, unknown>): string =>
  JSON.stringify([{ timestamp: "2026-01-01T00:00:01Z", route: "chat", deployment: "chat", status: 200, latencyMs: 812, ...fields }]);

describe("file exports: values that are not numbers are errors, not zeros", () => {
  // Before, z.coerce.number() read each of these as a number (0, 16, 0, 1, 5, 0) and the record counted.
  it.each([
    ["a blank CSV latency", "space.csv", `${HEADER}\n2026-01-01T00:00:01Z,chat,chat,200, ,100,40\n`, 'row 2.latencyMs: " " is not a number of milliseconds ≥ 0'],
    ["a hex CSV latency", "hex.csv", `${HEADER}\n2026-01-01T00:00:01Z,chat,chat,200,0x10,100,40\n`, 'row 2.latencyMs: "0x10" is not a number of milliseconds ≥ 0'],
    ["NaN", "nan.csv", `${HEADER}\n2026-01-01T00:00:01Z,chat,chat,200,NaN,100,40\n`, 'row 2.latencyMs: "NaN" is not a number of milliseconds ≥ 0'],
    ["a JSON null status", "null.json", jsonRecord({ status: null }), "records[0].status: null is not a whole number 0–599 (0 = no response)"],
    ["a JSON true status", "bool.json", jsonRecord({ status: true }), "records[0].status: true is not a whole number 0–599 (0 = no response)"],
    ["a JSON empty-string latency", "empty.json", jsonRecord({ latencyMs: "" }), 'records[0].latencyMs: "" is not a number of milliseconds ≥ 0'],
    ["a JSON array latency", "array.json", jsonRecord({ latencyMs: [5] }), "records[0].latencyMs: [5] is not a number of milliseconds ≥ 0"],
    ["a JSON null outcome", "outcome.json", jsonRecord({ outcomes: { resolved: null } }), "records[0].outcomes.resolved: null is not a number"],
    ["a fractional token count", "frac.csv", `${HEADER}\n2026-01-01T00:00:01Z,chat,chat,200,812,1.5,40\n`, "row 2.promptTokens: 1.5 is not a whole number ≥ 0"],
    ["a missing JSON status", "missing.json", JSON.stringify([{ timestamp: "2026-01-01T00:00:01Z", route: "chat", deployment: "chat", latencyMs: 5 }]), "records[0].status: is required: a whole number 0–599 (0 = no response)"],
    ["a timestamp that is not a time", "ts.csv", `${HEADER}\nnot-a-date,chat,chat,200,812,100,40\n`, 'row 2.timestamp: "not-a-date" is not an ISO-8601 time, e.g. 2026-01-01T00:00:01Z'],
  ])("%s", (_what, name, text, message) => {
    const file = write(name, text);
    expect(() => loadRecordsFile(file)).toThrow(`${file} ${message}`);
  });

  it("still reads decimal text and JSON numbers", () => {
    const file = write("ok.csv", `${HEADER},outcome.score\n2026-01-01T00:00:01Z,chat,chat,200, 812.5 ,100,40,-1e-1\n`);
    expect(loadRecordsFile(file)[0]).toMatchObject({ status: 200, latencyMs: 812.5, promptTokens: 100, outcomes: { score: -0.1 } });
  });
});

describe("file exports: CSV shape", () => {
  it("refuses a row with fewer or more cells than the header (d3-dsv read them as defaults / dropped cells)", () => {
    const short = write("short.csv", `${HEADER}\n${OK_ROW}\n2026-01-01T00:00:02Z,chat,chat,200,812,100\n`);
    expect(() => loadRecordsFile(short)).toThrow(`${short} row 3: 6 cells, but the header names 7 columns; every row needs one cell per column (empty cells for absent values)`);
    const long = write("long.csv", `${HEADER}\n${OK_ROW},extra\n`);
    expect(() => loadRecordsFile(long)).toThrow(`${long} row 2: 8 cells, but the header names 7 columns;`);
  });

  it("reads an export that starts with a UTF-8 byte-order mark (Excel's CSV UTF-8)", () => {
    expect(loadRecordsFile(write("bom.csv", `\uFEFF${HEADER}\n${OK_ROW}\n`))).toHaveLength(1);
    expect(loadRecordsFile(write("bom.json", `\uFEFF${jsonRecord({})}`))).toHaveLength(1);
  });

  it("a folder named like an export is exit 2 naming it, not a crash", () => {
    const dir = mkdtempSync(join(tmpdir(), "rollout-export-"));
    const folder = join(dir, "x.csv");
    mkdirSync(folder);
    expect(() => loadRecordsFile(folder)).toThrow(expect.objectContaining({ exitCode: 2, message: `metrics file ${folder} is a folder, not an export file; pass --source file:<export.json|.csv>` }));
  });
});
