/**
 * Config problems as data: every check (schema, catalog, quota) reports issues with a full config
 * path (`aoai-fleet:fleet.deployments.chat.version`) and one sentence saying what is allowed.
 * They are collected and reported together. Pure: no Pulumi imports.
 */
import type { z } from "zod";

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

export function formatIssues(issues: readonly ConfigIssue[]): string {
  const count = issues.length === 1 ? "1 problem" : `${issues.length} problems`;
  return [`Invalid stack config (${count}):`, ...issues.map((i) => `  - ${i.path}: ${i.message}`)].join("\n");
}

function describeValue(value: unknown): string {
  if (value === undefined) return "missing";
  const json = JSON.stringify(value);
  return json === undefined ? String(value) : json.length > 60 ? `${json.slice(0, 57)}...` : json;
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let node: unknown = root;
  for (const key of path) {
    if (node === null || typeof node !== "object") return undefined;
    node = (node as Record<PropertyKey, unknown>)[key];
  }
  return node;
}

/** Maps zod issues to config issues with allowed values spelled out. */
export function zodIssuesToConfigIssues(root: string, error: z.ZodError, input: unknown): ConfigIssue[] {
  return error.issues.map((issue) => {
    const path = configPath(root, issue.path);
    const value = valueAt(input, issue.path);
    switch (issue.code) {
      case "invalid_type":
        return value === undefined
          ? { path, message: `is required (expected ${issue.expected})` }
          : { path, message: `expected ${issue.expected}, got ${describeValue(value)}` };
      case "invalid_value":
        return { path, message: `${describeValue(value)} is not allowed; allowed values: ${issue.values.map((v) => String(v)).join(", ")}` };
      case "unrecognized_keys":
        return { path, message: `unknown key${issue.keys.length > 1 ? "s" : ""} ${issue.keys.map((k) => `"${k}"`).join(", ")}; check the spelling against the config reference in README.md` };
      case "too_small":
      case "too_big":
        return { path, message: `${describeValue(value)}: ${issue.message}` };
      case "invalid_key":
        return { path, message: `key ${describeValue(issue.path[issue.path.length - 1])} ${issue.issues[0]?.message ?? issue.message}` };
      default:
        return { path, message: value === undefined ? issue.message : `${describeValue(value)} ${issue.message}` };
    }
  });
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
