/**
 * The message for a number given where the config wants a whole number. zod's issue for 2.5 in
 * `z.number().int().min(2).max(30)` says only "expected int": the range is on the schema, not on the
 * issue, so this finds the number schema at the issue's path and words both ("2.5 is not a whole
 * number; allowed: whole numbers 2–30"). Pure: no Pulumi imports.
 */
import { z } from "zod";

/** The number schema at `path` under `schema`, through objects, records, arrays, unions and their wrappers (optional, default, prefault, readonly, catch, pipe). */
function numberSchemaAt(schema: z.ZodType, path: readonly PropertyKey[]): z.ZodNumber | undefined {
  if (
    schema instanceof z.ZodOptional ||
    schema instanceof z.ZodNullable ||
    schema instanceof z.ZodDefault ||
    schema instanceof z.ZodPrefault ||
    schema instanceof z.ZodNonOptional ||
    schema instanceof z.ZodReadonly ||
    schema instanceof z.ZodCatch
  )
    return numberSchemaAt(schema.unwrap() as z.ZodType, path);
  // A preprocess is a pipe whose input is a transform: the number schema is then on the output side.
  if (schema instanceof z.ZodPipe) return numberSchemaAt(schema.in as z.ZodType, path) ?? numberSchemaAt(schema.out as z.ZodType, path);
  if (schema instanceof z.ZodUnion) {
    for (const option of schema.options) {
      const found = numberSchemaAt(option as z.ZodType, path);
      if (found) return found;
    }
    return undefined;
  }
  if (path.length === 0) return schema instanceof z.ZodNumber ? schema : undefined;
  const [key, ...rest] = path;
  if (schema instanceof z.ZodObject) {
    const field = (schema.shape as Record<string, z.ZodType>)[String(key)];
    return field ? numberSchemaAt(field, rest) : undefined;
  }
  if (schema instanceof z.ZodRecord) return numberSchemaAt(schema.valueType as z.ZodType, rest);
  if (schema instanceof z.ZodArray) return numberSchemaAt(schema.element as z.ZodType, rest);
  return undefined;
}

/** The smallest and largest whole number the schema accepts (an exclusive bound moves one inward); undefined where unbounded. */
function wholeBounds(schema: z.ZodNumber): { min?: number; max?: number } {
  const bound = (value: number | null, inward: number): number | undefined => {
    if (value === null || !Number.isFinite(value) || Math.abs(value) >= Number.MAX_SAFE_INTEGER) return undefined;
    const whole = inward > 0 ? Math.ceil(value) : Math.floor(value);
    return schema.safeParse(whole).success ? whole : whole + inward;
  };
  const min = bound(schema.minValue, 1);
  const max = bound(schema.maxValue, -1);
  return { ...(min === undefined ? {} : { min }), ...(max === undefined ? {} : { max }) };
}

/** "whole numbers 2–30", "whole numbers ≥ 1", … for the schema at `path`; "whole numbers" when it has no bounds or is not found. */
export function wholeNumbersAllowed(schema: z.ZodType, path: readonly PropertyKey[]): string {
  const number = numberSchemaAt(schema, path);
  const { min, max } = number ? wholeBounds(number) : {};
  if (min !== undefined && max !== undefined) return `whole numbers ${min}–${max}`;
  if (min !== undefined) return `whole numbers ≥ ${min}`;
  if (max !== undefined) return `whole numbers ≤ ${max}`;
  return "whole numbers";
}

/** Whether a zod issue is a finite number given where a whole number is wanted. */
export function isFractionIssue(issue: z.core.$ZodIssue, value: unknown): boolean {
  return issue.code === "invalid_type" && issue.expected === "int" && typeof value === "number" && Number.isFinite(value);
}
