/**
 * Config problems as data: every check (schema, catalog, quota) reports issues with a full config
 * path (`aoai-fleet:fleet.deployments.chat.version`) and one sentence saying what is allowed.
 * They are collected and reported together. Pure: no Pulumi imports.
 */
import type { z } from "zod";
import { isFractionIssue, wholeNumbersAllowed } from "./whole-number";

/** One problem (or warning) in the stack config. */
export interface ConfigIssue {
  /** Full config path, e.g. `aoai-fleet:fleet.deployments.chat.version`. */
  readonly path: string;
  /** What is wrong, what is allowed and how to fix it. */
  readonly message: string;
}

/** Thrown when the stack config is invalid; carries every issue found, not just the first. */
export class FleetConfigError extends Error {
  constructor(readonly issues: readonly ConfigIssue[]) {
    super(formatIssues(issues));
    this.name = "FleetConfigError";
  }
}

export function isFleetConfigError(error: unknown): error is FleetConfigError {
  return error instanceof FleetConfigError || (error instanceof Error && error.name === "FleetConfigError" && "issues" in error);
}

/** Joins a config root key and a zod/path array into `root.a.b.0`. */
export function configPath(root: string, path: readonly PropertyKey[]): string {
  return [root, ...path.map((p) => String(p))].join(".");
}

/** At most this many problems are printed; the rest are counted. */
export const MAX_PRINTED_ISSUES = 50;
/** Values (and path segments) longer than this are cut: "…(N chars)" says how long they were. */
export const MAX_VALUE_CHARS = 200;

// C0/C1 controls, zero-width and bidirectional overrides, line/paragraph separators and the BOM:
// whatever could move the cursor, recolour the terminal or reorder the text a user reads.
const UNSAFE_CHARS = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/g;
const NAMED_ESCAPES: Record<string, string> = { "\n": "\\n", "\r": "\\r", "\t": "\\t" };

/** Control and invisible characters as visible escapes (`\u001b`, `\n`), so a config key cannot drive the terminal. */
export function escapeControl(text: string): string {
  return text.replace(UNSAFE_CHARS, (c) => NAMED_ESCAPES[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/** Text cut to `MAX_VALUE_CHARS` with "…(N chars)" when longer. */
export function cutLong(text: string, max: number = MAX_VALUE_CHARS): string {
  return text.length > max ? `${text.slice(0, max)}…(${text.length} chars)` : text;
}

/** A config value for a message: JSON, control characters escaped, cut past 200 characters. */
export function displayValue(value: unknown): string {
  if (value === undefined) return "missing";
  let json: string | undefined;
  try {
    json = JSON.stringify(value);
  } catch {
    json = undefined; // cyclic or too deep to print
  }
  return cutLong(escapeControl(json ?? String(value)));
}

/** Quoted strings and unbroken runs longer than 200 characters inside a message, cut. */
function cutValuesInMessage(message: string): string {
  return message.replace(/"([^"]{201,})"|[^\s"]{201,}/g, (match, quoted: string | undefined) => {
    if (match.includes("…(")) return match; // already cut where it was displayed
    return quoted === undefined ? cutLong(match) : `"${cutLong(quoted)}"`;
  });
}

/** A path for the console: escaped, each segment longer than 200 characters cut. */
export function displayPath(path: string): string {
  return escapeControl(path).replace(/[^.]{201,}/g, (segment) => cutLong(segment));
}

/** One issue as printed: path and message escaped, long values cut. */
export function displayIssue(issue: ConfigIssue): ConfigIssue {
  return { path: displayPath(issue.path), message: cutValuesInMessage(escapeControl(issue.message)) };
}

export function formatIssues(issues: readonly ConfigIssue[]): string {
  const count = issues.length === 1 ? "1 problem" : `${issues.length} problems`;
  const shown = issues.slice(0, MAX_PRINTED_ISSUES).map(displayIssue);
  const rest = issues.length - shown.length;
  return [
    `Invalid stack config (${count}):`,
    ...shown.map((i) => `  - ${i.path}: ${i.message}`),
    ...(rest > 0 ? [`  … and ${rest} more problem${rest === 1 ? "" : "s"} (the first ${MAX_PRINTED_ISSUES} are shown; fix them and run again)`] : []),
  ].join("\n");
}

function describeValue(value: unknown): string {
  return displayValue(value);
}

/** The value at a zod issue's `path` in the parsed input (undefined where the path leaves it). */
export function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let node: unknown = root;
  for (const key of path) {
    if (node === null || typeof node !== "object") return undefined;
    node = (node as Record<PropertyKey, unknown>)[key];
  }
  return node;
}

/** Maps zod issues to config issues with allowed values spelled out (`schema`: the one that found them, for the ranges of whole numbers). */
export function zodIssuesToConfigIssues(root: string, error: z.ZodError, input: unknown, schema?: z.ZodType): ConfigIssue[] {
  return error.issues.map((issue) => {
    const path = configPath(root, issue.path);
    const value = valueAt(input, issue.path);
    if (schema && isFractionIssue(issue, value)) return { path, message: fractionMessage(value, schema, issue.path) };
    switch (issue.code) {
      case "invalid_type":
        return value === undefined
          ? { path, message: `is required (expected ${issue.expected})` }
          : { path, message: `expected ${issue.expected}, got ${describeValue(value)}` };
      case "invalid_value":
        return value === undefined
          ? { path, message: `is required; allowed values: ${issue.values.map((v) => String(v)).join(", ")}` }
          : { path, message: `${describeValue(value)} is not allowed; allowed values: ${issue.values.map((v) => String(v)).join(", ")}` };
      case "unrecognized_keys":
        return { path, message: `unknown key${issue.keys.length > 1 ? "s" : ""} ${issue.keys.map((k) => `"${k}"`).join(", ")}; check the spelling against the config reference in README.md` };
      case "too_small":
      case "too_big":
        return { path, message: `${describeValue(value)}: ${issue.message}` };
      case "invalid_key":
        return { path, message: `key ${describeValue(issue.path[issue.path.length - 1])} ${issue.issues[0]?.message ?? issue.message}` };
      case "invalid_union":
        return value === undefined ? { path, message: `is required (${issue.message})` } : { path, message: `${describeValue(value)} ${issue.message}` };
      case "custom":
        // A check on a whole map or key (tag names, name collisions) words its own message.
        if ((issue.params as { standalone?: boolean } | undefined)?.standalone) return { path, message: issue.message };
        return { path, message: value === undefined ? issue.message : `${describeValue(value)} ${issue.message}` };
      default:
        return { path, message: value === undefined ? issue.message : `${describeValue(value)} ${issue.message}` };
    }
  });
}

/** "2.5 is not a whole number; allowed: whole numbers 2–30". */
export function fractionMessage(value: unknown, schema: z.ZodType, path: readonly PropertyKey[]): string {
  return `${describeValue(value)} is not a whole number; allowed: ${wholeNumbersAllowed(schema, path)}`;
}

/**
 * The config issues carried by an error, whether it is a FleetConfigError or the Pulumi RunError the
 * stack program rethrows it as (so `pulumi up` prints it without a stack trace).
 */
export function configIssuesOf(error: unknown): readonly ConfigIssue[] | undefined {
  if (error === null || typeof error !== "object" || !("issues" in error)) return undefined;
  const issues = (error as { issues: unknown }).issues;
  return Array.isArray(issues) && issues.every((i) => typeof i?.path === "string" && typeof i?.message === "string") ? (issues as ConfigIssue[]) : undefined;
}
