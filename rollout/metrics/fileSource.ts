import { readFileSync, existsSync } from "node:fs";
import { extname } from "node:path";
import { csvParse, csvParseRows } from "d3-dsv";
import { countOf } from "../../core/console/count";
import { RolloutError } from "../errors";
import { requestRecordSchema, type RequestRecord } from "./records";
import type { MetricQuery, MetricSource } from "./source";

/**
 * Records from an export: JSON (an array of records, or `{ "records": [...] }`) or CSV with a header
 * row naming the record fields; outcome columns are written `outcome.<name>`. The whole file is the
 * window: `windowSeconds` is ignored and `nextWindow` reports that no new data will come.
 */
export class FileMetricSource implements MetricSource {
  readonly description: string;
  readonly realTime = false;
  readonly span = "the whole file (--window does not apply to a file)";
  private readonly records: RequestRecord[];

  constructor(readonly file: string) {
    this.description = `file ${file}`;
    this.records = loadRecordsFile(file);
  }

  async fetch(query: MetricQuery): Promise<RequestRecord[]> {
    return this.records.filter((r) => r.route === query.route);
  }

  async nextWindow(): Promise<boolean> {
    return false;
  }
}

/** Record fields without a default: every CSV export must have these columns. */
const REQUIRED_FIELDS = Object.entries(requestRecordSchema.shape)
  .filter(([, field]) => !field.safeParse(undefined).success)
  .map(([name]) => name);

export function loadRecordsFile(file: string): RequestRecord[] {
  if (!existsSync(file)) throw new RolloutError(`metrics file ${file} not found`, 2);
  const text = readExport(file);
  const ext = extname(file).toLowerCase();
  let rows: unknown[];
  if (ext === ".json") {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      throw new RolloutError(`${file}: not valid JSON (${(error as Error).message})`, 2);
    }
    const list = Array.isArray(parsed) ? parsed : (parsed as { records?: unknown })?.records;
    if (!Array.isArray(list)) throw new RolloutError(`${file}: expected an array of records or { "records": [...] }`, 2);
    rows = list;
  } else if (ext === ".csv") {
    const parsed = csvParse(text);
    checkRowLengths(file, text, parsed.columns.length);
    // Checked on the header, not per row: a header-only export with a wrong header would otherwise pass as "no data".
    const missing = REQUIRED_FIELDS.filter((field) => !parsed.columns.includes(field));
    if (missing.length > 0) throw new RolloutError(`${file}: the header has no ${missing.join(", ")} column${missing.length > 1 ? "s" : ""}; required: ${REQUIRED_FIELDS.join(", ")}`, 2);
    rows = parsed.map(csvRowToRecord);
  } else {
    throw new RolloutError(`${file}: unknown metrics file type "${ext}"; use .json or .csv`, 2);
  }
  return rows.map((row, index) => {
    const result = requestRecordSchema.safeParse(row);
    if (!result.success) {
      const issue = result.error.issues[0];
      const at = ext === ".csv" ? `row ${index + 2}` : `records[${index}]`;
      throw new RolloutError(`${file} ${at}.${issue?.path.join(".") ?? ""}: ${issue?.message ?? "invalid record"}`, 2);
    }
    return result.data as RequestRecord;
  });
}

/** The export's text without a UTF-8 byte-order mark (Excel's "CSV UTF-8" writes one); unreadable → exit 2. */
function readExport(file: string): string {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === "EISDIR" ? "is a folder, not an export file" : `cannot be read (${code ?? (error as Error).message})`;
    throw new RolloutError(`metrics file ${file} ${why}; pass --source file:<export.json|.csv>`, 2);
  }
  return text.replace(/^\uFEFF/, "");
}

/**
 * d3-dsv fills a short row's missing cells with undefined (so a truncated line read as defaults:
 * tokens 0, no outcome) and drops a long row's extra cells: a row must have the header's cell count.
 */
function checkRowLengths(file: string, text: string, columns: number): void {
  csvParseRows(text).forEach((cells, index) => {
    if (index > 0 && cells.length !== columns) {
      throw new RolloutError(`${file} row ${index + 1}: ${countOf(cells.length, "cell")}, but the header names ${columns} columns; every row needs one cell per column (empty cells for absent values)`, 2);
    }
  });
}

/** Empty CSV cells mean "absent"; `outcome.<name>` columns gather into `outcomes`. */
function csvRowToRecord(row: Record<string, string | undefined>): Record<string, unknown> {
  const record: Record<string, unknown> = {};
  const outcomes: Record<string, string> = {};
  for (const [key, value] of Object.entries(row)) {
    if (value === undefined || value === "") continue;
    if (key.startsWith("outcome.")) outcomes[key.slice("outcome.".length)] = value;
    else record[key] = value;
  }
  if (Object.keys(outcomes).length > 0) record.outcomes = outcomes;
  return record;
}
