import { z } from "zod";

/**
 * Strict field schemas for metric exports. `z.coerce.number()` turned JSON `null`, `true`, `""`,
 * `[5]` and CSV cells such as " " or "0x10" into numbers (0, 1, 0, 5, 0, 16), so a broken export
 * silently became "no response", zero latency or zero tokens. Here a number is a JSON number or
 * a decimal text (CSV); anything else is an error naming the value and what is allowed.
 */
const DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

function show(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "number") return String(value);
  return JSON.stringify(value) ?? String(value);
}

function toNumber(value: unknown): unknown {
  return typeof value === "string" && DECIMAL.test(value.trim()) ? Number(value.trim()) : value;
}

/** `expected` reads after "is not": e.g. "a whole number 0–599". */
export function numberField(expected: string, ok: (n: number) => boolean = () => true) {
  return z.preprocess(
    toNumber,
    z.custom<number>((v) => typeof v === "number" && Number.isFinite(v) && ok(v), {
      error: (issue) => (issue.input === undefined ? `is required: ${expected}` : `${show(issue.input)} is not ${expected}`),
    }),
  );
}

/** An ISO-8601 time (date first; what `Date.parse` reads), e.g. 2026-01-01T00:00:01Z. */
export const timestampField = z.custom<string>((v) => typeof v === "string" && /^\d{4}-\d{2}-\d{2}/.test(v) && !Number.isNaN(Date.parse(v)), {
  error: (issue) =>
    issue.input === undefined ? "is required: an ISO-8601 time, e.g. 2026-01-01T00:00:01Z" : `${show(issue.input)} is not an ISO-8601 time, e.g. 2026-01-01T00:00:01Z`,
});
