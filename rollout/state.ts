import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { RolloutError } from "./errors";
import { writeFileAtomic } from "./stackfile/stackFile";

/**
 * Rollout state that is not config, one JSON file per route: `out/<stack>/rollout/<route>.json`.
 * The stack file stays the source of truth for what the gateway does (canary percent, active slot);
 * this file only remembers what config cannot: the canary's schedule and status, the last smoke
 * result per slot, and the history of steps. Deleting it loses history, never traffic state.
 */
const historyEntry = z.object({
  at: z.string(),
  action: z.string(),
  // `from` is absent when the step inserted the key (JSON drops undefined): optional, or the file could not be read back.
  changes: z.array(z.object({ path: z.string(), from: z.unknown().optional(), to: z.unknown().optional() })),
  /** How the change reached Azure: `pulumi-up`, `written` (apply by hand), `unchanged`. */
  applied: z.enum(["pulumi-up", "written", "unchanged"]),
  note: z.string().optional(),
});

const smokeResult = z.object({
  slot: z.enum(["blue", "green"]),
  deployment: z.string(),
  passed: z.boolean(),
  at: z.string(),
  requests: z.number(),
  successRate: z.number(),
  latencyP95Ms: z.number().nullable(),
  reason: z.string(),
});

export const routeStateSchema = z.object({
  version: z.literal(1),
  stack: z.string(),
  route: z.string(),
  canary: z
    .object({
      deployment: z.string(),
      schedule: z.array(z.number()),
      status: z.enum(["running", "promoted", "rolled-back"]),
      startedAt: z.string(),
    })
    .optional(),
  blueGreen: z.object({ lastSmoke: smokeResult.optional(), previousActive: z.enum(["blue", "green"]).optional() }).optional(),
  history: z.array(historyEntry),
});

export type RouteState = z.infer<typeof routeStateSchema>;
export type HistoryEntry = z.infer<typeof historyEntry>;
export type SmokeRecord = z.infer<typeof smokeResult>;

export function stateFilePath(dir: string, stack: string, route: string): string {
  return join(dir, "out", stack, "rollout", `${route}.json`);
}

export function readRouteState(dir: string, stack: string, route: string): RouteState {
  const file = stateFilePath(dir, stack, route);
  if (!existsSync(file)) return { version: 1, stack, route, history: [] };
  const result = routeStateSchema.safeParse(JSON.parse(readFileSync(file, "utf8")));
  if (!result.success) {
    throw new RolloutError(`${file} is not a rollout state file (${result.error.issues[0]?.message ?? "invalid"}); move it away to start fresh`, 2);
  }
  return result.data;
}

/** Atomic write of the route's state; only ever called with the stack's rollout lock held. */
export function writeRouteState(dir: string, state: RouteState): void {
  const file = stateFilePath(dir, state.stack, state.route);
  mkdirSync(join(dir, "out", state.stack, "rollout"), { recursive: true });
  writeFileAtomic(file, `${JSON.stringify(state, null, 2)}\n`, "state");
}
