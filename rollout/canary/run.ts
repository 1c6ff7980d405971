import type { RequestRecord } from "../metrics/records";
import type { MetricSource } from "../metrics/source";
import { loadRoute, recordEvent, type ActionResult, type RolloutContext } from "../engine";
import { RolloutError } from "../errors";
import { canaryPromote, canaryRollback, canaryStep } from "./actions";
import type { CanaryPolicy } from "./decision";
import { evaluateCanaryRecords, type CanaryEvaluation } from "./evaluate";

export interface CanaryEvaluateOptions {
  source: MetricSource;
  policy: CanaryPolicy;
  windowSeconds: number;
}

/** `canary evaluate`: one window, one verdict; changes nothing but the history. */
export async function canaryEvaluate(ctx: RolloutContext, route: string, options: CanaryEvaluateOptions): Promise<CanaryEvaluation & { percent: number }> {
  const { route: config } = loadRoute(ctx, route);
  if (!config.canary) throw new RolloutError(`aoai-fleet:gateway.routes.${route}.canary is not set; nothing to evaluate`, 2);
  const records = await options.source.fetch({ stack: ctx.stack, route, windowSeconds: options.windowSeconds });
  const evaluation = evaluateCanaryRecords(records, config, options.policy);
  await recordEvent(ctx, route, "canary evaluate", `${evaluation.decision.verdict} at ${config.canary.percent}%: ${evaluation.decision.reason}`);
  return { ...evaluation, percent: config.canary.percent };
}

export interface CanaryRunOptions extends CanaryEvaluateOptions {
  /** Upper bound on evaluations, so a canary that never gathers enough data cannot loop forever. */
  maxEvaluations: number;
  /** Called after every evaluation and every action (the CLI prints tables). */
  onEvaluation?: (evaluation: CanaryEvaluation, percent: number, round: number) => void;
  onAction?: (result: ActionResult) => void;
}

export interface CanaryRunResult {
  outcome: "promoted" | "rolled-back" | "stopped";
  /** Percent of traffic on the canary when the loop ended (as the stack file now says). */
  finalPercent: number;
  reason: string;
  evaluations: number;
}

/**
 * `canary run`: evaluate → act until promoted or rolled back. Records accumulate across windows
 * while the verdict is "hold" (not enough samples yet) and start afresh after every step, so each
 * step is judged only on traffic that ran at that percent. A healthy verdict on the last step
 * below 100% steps to 100% and promotes: at 100% no stable traffic is left to compare with.
 */
export async function canaryRun(ctx: RolloutContext, route: string, options: CanaryRunOptions): Promise<CanaryRunResult> {
  let pending: RequestRecord[] = [];
  // Not `options.onAction?.(await act())`: optional call skips evaluating its argument.
  const report = (result: ActionResult): void => options.onAction?.(result);
  for (let round = 1; round <= options.maxEvaluations; round++) {
    const { route: config, state } = loadRoute(ctx, route);
    const canary = config.canary;
    if (!canary || state.canary?.status !== "running") {
      throw new RolloutError(`no canary is running on route ${route}; start one with: canary start ${ctx.stack} ${route} --deployment <name>`, 2);
    }
    if (canary.percent >= 100) {
      return { outcome: "stopped", finalPercent: 100, reason: "the canary already takes 100%: no stable traffic is left to compare with; run canary promote or canary rollback", evaluations: round - 1 };
    }
    pending.push(...(await options.source.fetch({ stack: ctx.stack, route, windowSeconds: options.windowSeconds })));
    const evaluation = evaluateCanaryRecords(pending, config, options.policy);
    options.onEvaluation?.(evaluation, canary.percent, round);
    const { verdict, reason } = evaluation.decision;
    await recordEvent(ctx, route, "canary evaluate", `${verdict} at ${canary.percent}%: ${reason}`);
    if (verdict === "rollback") {
      report(await canaryRollback(ctx, route, reason));
      return { outcome: "rolled-back", finalPercent: 0, reason, evaluations: round };
    }
    if (verdict === "promote") {
      report(await canaryStep(ctx, route));
      // The step decided on the file under the lock; what it wrote is what counts.
      if ((loadRoute(ctx, route).route.canary?.percent ?? 0) >= 100) {
        report(await canaryPromote(ctx, route));
        return { outcome: "promoted", finalPercent: 100, reason, evaluations: round };
      }
      pending = [];
    }
    if (round < options.maxEvaluations && options.source.realTime) ctx.log(`waiting ${options.windowSeconds} s for the next window of ${options.source.description}…`);
    if (round < options.maxEvaluations && !(await options.source.nextWindow(options.windowSeconds))) {
      const now = loadRoute(ctx, route).route.canary?.percent ?? 0;
      return { outcome: "stopped", finalPercent: now, reason: `${options.source.description} has no newer data; last verdict: ${verdict} (${reason})`, evaluations: round };
    }
  }
  const { route: config } = loadRoute(ctx, route);
  return {
    outcome: "stopped",
    finalPercent: config.canary?.percent ?? 0,
    reason: `no final decision after ${options.maxEvaluations} evaluations; the canary stays where it is — raise --max-evaluations or check traffic`,
    evaluations: options.maxEvaluations,
  };
}
