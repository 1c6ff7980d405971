import type { GatewayRoute } from "../../stacks/config/gateway";
import { transact, type ActionResult, type RolloutContext, type StepDecision } from "../engine";
import { RolloutError } from "../errors";
import type { ConfigEdit } from "../stackfile/textEdit";
import type { RouteState } from "../state";
import { defaultSchedule, nextStep } from "./schedule";

const canaryPath = (route: string, key?: string): string[] => ["routes", route, "canary", ...(key ? [key] : [])];

function requireCanary(stack: string, route: string, config: GatewayRoute): NonNullable<GatewayRoute["canary"]> {
  if (!config.canary) {
    throw new RolloutError(`aoai-fleet:gateway.routes.${route}.canary is not set; start one with: canary start ${stack} ${route} --deployment <name>`, 2);
  }
  return config.canary;
}

function requireRunning(stack: string, route: string, state: RouteState, deployment: string): NonNullable<RouteState["canary"]> {
  const canary = state.canary;
  if (!canary || canary.status !== "running") {
    throw new RolloutError(`no canary is running on route ${route} (status: ${canary?.status ?? "none"}); start one with: canary start ${stack} ${route} --deployment <name>`, 2);
  }
  if (canary.deployment !== deployment) {
    throw new RolloutError(
      `the stack file's canary is ${deployment} but the rollout state tracks ${canary.deployment}; someone edited the config by hand — roll back or start again`,
      2,
    );
  }
  return canary;
}

/**
 * `canary start`: route `schedule[0]`% to the deployment (default schedule when none is given).
 * Re-running it on the running canary of the same deployment moves no traffic: without a schedule,
 * or with the one it runs, it changes nothing; with another schedule, that schedule replaces the
 * tracked one (the state file holds the schedule, the stack file the percent; the next step is
 * derived from both, so the canary continues from where it is along the new steps).
 */
export async function canaryStart(ctx: RolloutContext, route: string, deployment: string, requested?: readonly number[]): Promise<ActionResult> {
  const schedule = requested ?? defaultSchedule;
  const first = schedule[0] as number;
  return transact(ctx, route, "canary start", ({ route: config, state }): StepDecision => {
    const current = config.canary;
    if (current && current.percent > 0 && current.deployment !== deployment) {
      throw new RolloutError(
        `a canary of ${current.deployment} is at ${current.percent}% on route ${route}; promote it (and make it a backend) or roll it back before starting ${deployment}`,
        2,
      );
    }
    const tracked = state.canary;
    if (current?.deployment === deployment && current.percent > 0 && tracked?.status === "running" && tracked.deployment === deployment) {
      const running = `canary ${deployment} is already running at ${current.percent}%`;
      if (requested === undefined || sameSteps(requested, tracked.schedule)) {
        return { kind: "nothing-to-do", message: `${running} (schedule ${tracked.schedule.join(" → ")}); nothing to do` };
      }
      const next = current.percent >= 100 ? "at 100% the next command is canary promote" : `next step ${nextStep(requested, current.percent)}%`;
      return {
        kind: "state-only",
        updateState: (s) => {
          s.canary = { ...tracked, schedule: [...requested] };
        },
        message: `${running}; schedule changed from ${tracked.schedule.join(" → ")} to ${requested.join(" → ")} (traffic stays at ${current.percent}%, ${next})`,
        note: `schedule ${tracked.schedule.join(",")} replaced by ${requested.join(",")} at ${current.percent}%`,
      };
    }
    const edits: ConfigEdit[] = current
      ? [
          { path: canaryPath(route, "deployment"), value: deployment },
          { path: canaryPath(route, "percent"), value: first },
        ]
      : [{ path: canaryPath(route), value: { deployment, percent: first } }];
    return {
      kind: "change",
      edits,
      updateState: (s) => {
        s.canary = { deployment, schedule: [...schedule], status: "running", startedAt: ctx.now().toISOString() };
      },
      message: `canary ${deployment} started at ${first}% (schedule ${schedule.join(" → ")})`,
      messageIfUnchanged: `canary ${deployment} is already at ${first}% in the stack file; now tracked as running (schedule ${schedule.join(" → ")})`,
    };
  });
}

function sameSteps(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((step, i) => step === b[i]);
}

/** `canary step`: advance to the next percent of the schedule, from the percent read under the lock. At 100% it changes nothing. */
export async function canaryStep(ctx: RolloutContext, route: string): Promise<ActionResult> {
  return transact(ctx, route, "canary step", ({ route: config, state }): StepDecision => {
    const canary = requireCanary(ctx.stack, route, config);
    const tracked = requireRunning(ctx.stack, route, state, canary.deployment);
    if (canary.percent >= 100) return { kind: "nothing-to-do", message: `canary ${canary.deployment} is at 100%; run canary promote to finish` };
    const next = nextStep(tracked.schedule, canary.percent);
    return { kind: "change", edits: [{ path: canaryPath(route, "percent"), value: next }], message: `canary ${canary.deployment} stepped ${canary.percent}% → ${next}%` };
  });
}

/** `canary promote`: all traffic to the canary and the rollout marked done. */
export async function canaryPromote(ctx: RolloutContext, route: string): Promise<ActionResult> {
  return transact(ctx, route, "canary promote", ({ route: config, state }): StepDecision => {
    const canary = requireCanary(ctx.stack, route, config);
    if (state.canary?.status === "promoted" && canary.percent === 100) return { kind: "nothing-to-do", message: `canary ${canary.deployment} is already promoted at 100%` };
    // `step` refuses a canary that is not running; promote (0 → 100% at once) must not be the way
    // around it: a canary rolled back for its errors, or one that never took traffic, starts again.
    const restart = `start it again with: canary start ${ctx.stack} ${route} --deployment ${canary.deployment}, then step or run`;
    if (state.canary?.status === "rolled-back" && state.canary.deployment === canary.deployment) {
      throw new RolloutError(`canary ${canary.deployment} on route ${route} was rolled back (now ${canary.percent}%); promote sends 100% only to a canary that is running — ${restart}`, 2);
    }
    if (canary.percent === 0) {
      throw new RolloutError(`canary ${canary.deployment} on route ${route} takes 0% of the traffic (status: ${state.canary?.status ?? "none"}); promote sends 100% only to a canary that is running — ${restart.replace("start it again", "start it")}`, 2);
    }
    return {
      kind: "change",
      edits: [{ path: canaryPath(route, "percent"), value: 100 }],
      updateState: (s) => {
        s.canary = { ...(s.canary ?? { schedule: [...defaultSchedule], startedAt: ctx.now().toISOString() }), deployment: canary.deployment, status: "promoted" };
      },
      message: `canary ${canary.deployment} promoted: 100% of route ${route}. Make it the stable backend in aoai-fleet:gateway.routes.${route}.backends in a reviewed change when ready.`,
    };
  });
}

/** `canary rollback`: no traffic to the canary (the block stays, at 0%, as a record). */
export async function canaryRollback(ctx: RolloutContext, route: string, reason?: string): Promise<ActionResult> {
  return transact(ctx, route, "canary rollback", ({ route: config }): StepDecision => {
    const canary = requireCanary(ctx.stack, route, config);
    return {
      kind: "change",
      edits: [{ path: canaryPath(route, "percent"), value: 0 }],
      updateState: (s) => {
        s.canary = { ...(s.canary ?? { schedule: [...defaultSchedule], startedAt: ctx.now().toISOString() }), deployment: canary.deployment, status: "rolled-back" };
      },
      message: `canary ${canary.deployment} rolled back: ${canary.percent}% → 0%${reason ? ` (${reason})` : ""}`,
      ...(reason ? { note: reason } : {}),
    };
  });
}
