import type { GatewayConfig, GatewayRoute } from "../stacks/config/gateway";
import type { Applier, ApplyOutcome } from "./apply/applier";
import { crashPoint } from "./crash";
import { RolloutError } from "./errors";
import { recoverInterrupted, removeJournal, writeJournal } from "./journal";
import { tryStackLock, withStackLock } from "./lock";
import { assertStackFileWritable, prepareStackEdits, readStackText, routeOf, stackFilePath, validatedGateway, writeFileAtomic } from "./stackfile/stackFile";
import type { ConfigChange, ConfigEdit } from "./stackfile/textEdit";
import { readRouteState, writeRouteState, type HistoryEntry, type RouteState } from "./state";

/** Everything a rollout action needs from the outside world; tests pass their own. */
export interface RolloutContext {
  /** Folder holding `Pulumi.<stack>.yaml` (and `out/`). */
  dir: string;
  stack: string;
  applier: Applier;
  now: () => Date;
  /** Progress lines (pulumi up output, loop progress, lock waits and recoveries). */
  log: (line: string) => void;
}

/** What one state-changing action did. */
export interface ActionResult {
  action: string;
  route: string;
  /** Values that changed in the stack file; empty when the action was already in place. */
  changes: ConfigChange[];
  /** Undefined when nothing changed (idempotent re-run). */
  applied: ApplyOutcome | undefined;
  /** One sentence for the console. */
  message: string;
  /** Non-blocking problems found on the way (e.g. the file did not plan cleanly before the change). */
  warnings?: string[];
}

/** A route as read under the lock: the decision of a step is made on exactly this. */
export interface LoadedRoute {
  gateway: GatewayConfig;
  route: GatewayRoute;
  state: RouteState;
}

/** What a step decided after reading the route under the lock. */
export type StepDecision =
  | { kind: "nothing-to-do"; message: string }
  /** Only the tracked state changes (e.g. a running canary's schedule): no stack edit, no apply. */
  | { kind: "state-only"; updateState: (state: RouteState) => void; message: string; note?: string }
  | {
      kind: "change";
      edits: readonly ConfigEdit[];
      /** Changes to the route's tracked state, recorded with the step. */
      updateState?: (state: RouteState) => void;
      message: string;
      /** Message when every edit turns out to be in place already (only the state is recorded). */
      messageIfUnchanged?: string;
      note?: string;
    };

/** The stack's validated gateway config. */
export function loadGateway(ctx: RolloutContext): GatewayConfig {
  const file = stackFilePath(ctx.dir, ctx.stack);
  return validatedGateway(readStackText(file), file);
}

/** Reads a route without the lock: for reports and evaluations that change nothing. */
export function loadRoute(ctx: RolloutContext, route: string): LoadedRoute {
  const file = stackFilePath(ctx.dir, ctx.stack);
  const gateway = validatedGateway(readStackText(file), file);
  return { gateway, route: routeOf(gateway, route, file), state: readRouteState(ctx.dir, ctx.stack, route) };
}

/** Lock held: first recover whatever a killed command left half done. */
function recover(ctx: RolloutContext): void {
  for (const line of recoverInterrupted(ctx.dir, ctx.stack, stackFilePath(ctx.dir, ctx.stack))) ctx.log(line);
}

/**
 * For read-only commands (`status`): recover a half-done step first when no other command holds the
 * lock, so what is shown is consistent. When one does, the files are shown as they are.
 */
export function loadRouteAfterRecovery(ctx: RolloutContext, route: string): LoadedRoute {
  const release = tryStackLock(ctx.dir, ctx.stack, "status", ctx.log);
  if (release) {
    try {
      recover(ctx);
    } finally {
      release();
    }
  } else {
    ctx.log("another rollout command is changing this stack right now; showing the files as they are at this moment");
  }
  return loadRoute(ctx, route);
}

/**
 * The one way rollout changes anything, as a transaction under the stack's lock:
 * recover → read → decide → validate → write-ahead record → stack file → apply → history → done.
 * A second command waits for the lock and decides on what the first one wrote, so no step is lost.
 * If the process dies anywhere in between, the next command finishes or rolls back the step from
 * the write-ahead record (`journal.ts`). If the apply fails, the stack file is put back byte for
 * byte and the history is not touched.
 */
export async function transact(ctx: RolloutContext, route: string, action: string, decide: (loaded: LoadedRoute) => StepDecision): Promise<ActionResult> {
  return withStackLock(ctx.dir, ctx.stack, action, ctx.log, async () => {
    recover(ctx);
    const file = stackFilePath(ctx.dir, ctx.stack);
    const text = readStackText(file);
    const gateway = validatedGateway(text, file);
    const state = readRouteState(ctx.dir, ctx.stack, route);
    const decision = decide({ gateway, route: routeOf(gateway, route, file), state });
    if (decision.kind === "nothing-to-do") return { action, route, changes: [], applied: undefined, message: decision.message };
    if (decision.kind === "state-only") {
      const next = structuredClone(state);
      decision.updateState(next);
      next.history.push({ at: ctx.now().toISOString(), action, changes: [], applied: "unchanged", ...(decision.note ? { note: decision.note } : {}) });
      writeRouteState(ctx.dir, next);
      return { action, route, changes: [], applied: undefined, message: decision.message };
    }

    const prepared = prepareStackEdits(file, decision.edits, text);
    const warnings = prepared.warnings.length > 0 ? { warnings: prepared.warnings } : {};
    const next = structuredClone(state);
    decision.updateState?.(next);
    const entry = (applied: HistoryEntry["applied"]): HistoryEntry => ({
      at: ctx.now().toISOString(),
      action,
      changes: prepared.changes,
      applied,
      ...(decision.note ? { note: decision.note } : {}),
    });
    if (!prepared.changed) {
      // Only tracked state changes (e.g. a canary already at its first step is now tracked): one file.
      next.history.push(entry("unchanged"));
      writeRouteState(ctx.dir, next);
      return { action, route, changes: [], applied: undefined, message: decision.messageIfUnchanged ?? decision.message, ...warnings };
    }

    assertStackFileWritable(file);
    const planned = entry("written");
    writeJournal(ctx.dir, ctx.stack, {
      version: 1,
      pid: process.pid,
      action,
      route,
      at: planned.at,
      stackFile: file,
      before: text,
      after: prepared.text,
      state: { ...next, history: [...next.history, planned] },
    });
    try {
      writeFileAtomic(file, prepared.text, "stack");
    } catch (error) {
      // Nothing was renamed over the file (writeFileAtomic removed its temp file): no step to recover.
      removeJournal(ctx.dir, ctx.stack);
      throw error;
    }
    let applied: ApplyOutcome;
    try {
      applied = await ctx.applier.apply(ctx.stack, ctx.dir, { before: text });
    } catch (error) {
      writeFileAtomic(file, text);
      removeJournal(ctx.dir, ctx.stack);
      const why = error instanceof Error ? error.message : String(error);
      throw new RolloutError(`${action} on ${route}: applying failed (${why}); ${file} was restored to its previous content`, 1);
    }
    crashPoint("applied");
    next.history.push({ ...planned, applied: applied.kind });
    writeRouteState(ctx.dir, next);
    removeJournal(ctx.dir, ctx.stack);
    return { action, route, changes: prepared.changes, applied, message: decision.message, ...warnings };
  });
}

/** Records a non-config event (an evaluation, a smoke test) in the route's history, under the lock. */
export async function recordEvent(ctx: RolloutContext, route: string, action: string, note: string, updateState: (state: RouteState) => void = () => {}): Promise<void> {
  await withStackLock(ctx.dir, ctx.stack, action, ctx.log, async () => {
    recover(ctx);
    const state = readRouteState(ctx.dir, ctx.stack, route);
    updateState(state);
    state.history.push({ at: ctx.now().toISOString(), action, changes: [], applied: "unchanged", note });
    writeRouteState(ctx.dir, state);
  });
}
