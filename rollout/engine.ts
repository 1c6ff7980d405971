import type { GatewayConfig, GatewayRoute } from "../stacks/config/gateway";
import type { Applier, ApplyOutcome } from "./apply/applier";
import { RolloutError } from "./errors";
import { commitStackEdits, readStackText, routeOf, stackFilePath, validatedGateway, writeFileAtomic } from "./stackfile/stackFile";
import type { ConfigChange, ConfigEdit } from "./stackfile/textEdit";
import { withStackLock } from "./lock";
import { readRouteState, writeRouteState, type RouteState } from "./state";

/** Everything a rollout action needs from the outside world; tests pass their own. */
export interface RolloutContext {
  /** Folder holding `Pulumi.<stack>.yaml` (and `out/`). */
  dir: string;
  stack: string;
  applier: Applier;
  now: () => Date;
  /** Progress lines (pulumi up output, loop progress). */
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

/** The stack's validated gateway config. */
export function loadGateway(ctx: RolloutContext): GatewayConfig {
  const file = stackFilePath(ctx.dir, ctx.stack);
  return validatedGateway(readStackText(file), file);
}

export function loadRoute(ctx: RolloutContext, route: string): { gateway: GatewayConfig; route: GatewayRoute; state: RouteState } {
  const file = stackFilePath(ctx.dir, ctx.stack);
  const gateway = validatedGateway(readStackText(file), file);
  return { gateway, route: routeOf(gateway, route, file), state: readRouteState(ctx.dir, ctx.stack, route) };
}

/**
 * The one way rollout changes anything: edit → validate → atomic write → apply → record history.
 * If the apply fails the stack file is put back byte for byte and the state is not touched.
 */
export async function changeConfig(
  ctx: RolloutContext,
  route: string,
  action: string,
  edits: readonly ConfigEdit[],
  updateState: (state: RouteState) => void,
  message: string,
  note?: string,
): Promise<ActionResult> {
  return withStackLock(ctx.dir, ctx.stack, action, async () => {
    const file = stackFilePath(ctx.dir, ctx.stack);
    const result = commitStackEdits(file, edits);
    let applied: ApplyOutcome | undefined;
    if (result.changed) {
      try {
        applied = await ctx.applier.apply(ctx.stack, ctx.dir, { before: result.originalText });
      } catch (error) {
        writeFileAtomic(file, result.originalText);
        const why = error instanceof Error ? error.message : String(error);
        throw new RolloutError(`${action} on ${route}: applying failed (${why}); ${file} was restored to its previous content`, 1);
      }
    }
    const state = readRouteState(ctx.dir, ctx.stack, route);
    updateState(state);
    state.history.push({
      at: ctx.now().toISOString(),
      action,
      changes: result.changes,
      applied: applied === undefined ? "unchanged" : applied.kind,
      ...(note ? { note } : {}),
    });
    writeRouteState(ctx.dir, state);
    return { action, route, changes: result.changes, applied, message, ...(result.warnings.length > 0 ? { warnings: result.warnings } : {}) };
  });
}

/** Records a non-config event (an evaluation, a smoke test) in the route's history. */
export function recordEvent(ctx: RolloutContext, route: string, action: string, note: string, updateState: (state: RouteState) => void = () => {}): void {
  const state = readRouteState(ctx.dir, ctx.stack, route);
  updateState(state);
  state.history.push({ at: ctx.now().toISOString(), action, changes: [], applied: "unchanged", note });
  writeRouteState(ctx.dir, state);
}
