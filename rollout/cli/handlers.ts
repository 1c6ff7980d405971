import { abReport } from "../ab/report";
import { blueGreenDeploy, blueGreenRollback, blueGreenSmoke, blueGreenSwitch } from "../bluegreen/actions";
import { HttpSmokeTarget, SimulatorSmokeTarget } from "../bluegreen/targets";
import { canaryPromote, canaryRollback, canaryStart, canaryStep } from "../canary/actions";
import { canaryEvaluate, canaryRun } from "../canary/run";
import { parseSchedule } from "../canary/schedule";
import { loadGateway, loadRoute, loadRouteAfterRecovery, type ActionResult, type RolloutContext } from "../engine";
import { RolloutError } from "../errors";
import { loadRolloutScenario } from "../metrics/simScenario";
import { SimulatorMetricSource } from "../metrics/simulatorSource";
import type { MetricSource } from "../metrics/source";
import { renderAbReport, renderAction, renderCanaryEvaluation, renderShadowReport, renderSmoke } from "../render/tables";
import { renderStatus } from "../render/status";
import { shadowReport } from "../shadow/report";
import { stackFilePath } from "../stackfile/stackFile";
import { canaryPolicyFrom, contextFor, integer, metricSourceFor, number, readOnlyContextFor, windowSeconds, type ChangeOptions, type CommonOptions, type PolicyOptions, type SourceOptions } from "./options";

/** Where command output goes; returns the exit code. */
export type Print = (text: string) => void;

function actionPrinter(ctx: RolloutContext, print: Print): (r: ActionResult) => void {
  return (r) => print(renderAction(r, stackFilePath(ctx.dir, ctx.stack)));
}

export async function canaryCommand(
  action: "start" | "step" | "promote" | "rollback",
  stack: string,
  route: string,
  options: ChangeOptions & { deployment?: string; schedule?: string },
  print: Print,
): Promise<number> {
  // Bad input is exit 2 before --apply looks for the pulumi CLI (exit 3).
  const schedule = options.schedule === undefined ? undefined : parseSchedule(options.schedule);
  const ctx = contextFor(stack, options, print);
  const show = actionPrinter(ctx, print);
  if (action === "start") {
    if (!options.deployment) throw new RolloutError("canary start needs --deployment <fleet deployment name>", 2);
    show(await canaryStart(ctx, route, options.deployment, schedule));
  } else if (action === "step") show(await canaryStep(ctx, route));
  else if (action === "promote") show(await canaryPromote(ctx, route));
  else show(await canaryRollback(ctx, route, "manual rollback"));
  return 0;
}

export async function canaryEvaluateCommand(stack: string, route: string, options: SourceOptions & PolicyOptions, print: Print): Promise<number> {
  // Options first: a bad one prints only its error (exit 2), no header, and touches no source.
  const policy = canaryPolicyFrom(options);
  const window = windowSeconds(options);
  const ctx = readOnlyContextFor(stack, options, print);
  const source = metricSourceFor(options, stackFilePath(ctx.dir, ctx.stack));
  const { route: config } = loadRoute(ctx, route);
  print(`evaluating route ${route} over ${spanOf(source, options.window)} from ${source.description}`);
  const ev = await canaryEvaluate(ctx, route, { source, policy, windowSeconds: window });
  print(renderCanaryEvaluation(ev, ev.percent, config.backends.map((b) => b.deployment).join(", "), config.canary?.deployment ?? ""));
  return 0;
}

export async function canaryRunCommand(stack: string, route: string, options: SourceOptions & ChangeOptions & PolicyOptions & { maxEvaluations: string }, print: Print): Promise<number> {
  const policy = canaryPolicyFrom(options);
  const window = windowSeconds(options);
  const maxEvaluations = integer("--max-evaluations", options.maxEvaluations, 1, 10_000);
  const ctx = contextFor(stack, options, print);
  const source = metricSourceFor(options, stackFilePath(ctx.dir, ctx.stack));
  const { route: config } = loadRoute(ctx, route);
  const stable = config.backends.map((b) => b.deployment).join(", ");
  print(`canary run on route ${route}: ${source.span ? `one window, ${source.span},` : `windows of ${options.window} s`} from ${source.description}`);
  const result = await canaryRun(ctx, route, {
    source,
    policy,
    windowSeconds: window,
    maxEvaluations,
    onEvaluation: (ev, percent, round) => print(`\nevaluation ${round} at ${percent}%\n${renderCanaryEvaluation(ev, percent, stable, config.canary?.deployment ?? "")}`),
    onAction: actionPrinter(ctx, print),
  });
  print(`\nresult: ${result.outcome.toUpperCase()} after ${result.evaluations} evaluation(s); canary now at ${result.finalPercent}% — ${result.reason}`);
  return result.outcome === "promoted" ? 0 : 1;
}

export interface SmokeOptions extends CommonOptions {
  target: string;
  scenario: string;
  slotHeader: string;
  requests: string;
  minSuccess: string;
  maxP95Ms: string;
  apiKeyEnv?: string;
  apiVersion: string;
}

export async function blueGreenCommand(
  action: "deploy" | "switch" | "rollback",
  stack: string,
  route: string,
  options: ChangeOptions & { deployment?: string },
  print: Print,
): Promise<number> {
  const ctx = contextFor(stack, options, print);
  const show = actionPrinter(ctx, print);
  if (action === "deploy") {
    if (!options.deployment) throw new RolloutError("bluegreen deploy needs --deployment <fleet deployment name>", 2);
    show(await blueGreenDeploy(ctx, route, options.deployment));
  } else if (action === "switch") show(await blueGreenSwitch(ctx, route));
  else show(await blueGreenRollback(ctx, route));
  return 0;
}

/** An absolute http: or https: URL (what a gateway base URL must be). */
function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return url.protocol === "http:" || url.protocol === "https:";
  } catch {
    return false;
  }
}

export async function blueGreenSmokeCommand(stack: string, route: string, options: SmokeOptions, print: Print): Promise<number> {
  const criteria = {
    requests: integer("--requests", options.requests, 1, 100_000),
    minSuccessRate: number("--min-success", options.minSuccess, 0, 1),
    maxP95Ms: number("--max-p95-ms", options.maxP95Ms, 1, 3_600_000),
  };
  const ctx = readOnlyContextFor(stack, options, print);
  let target;
  if (options.target === "sim") {
    const { name, scenario, file: scenarioFile } = loadRolloutScenario(options.scenario);
    const file = stackFilePath(ctx.dir, ctx.stack);
    target = new SimulatorSmokeTarget(new SimulatorMetricSource(scenario, name, file, scenarioFile));
  } else {
    if (!isHttpUrl(options.target)) throw new RolloutError(`--target "${options.target}": use sim or the gateway's http(s) base URL, e.g. https://contoso-ai.azure-api.net or http://127.0.0.1:8080`, 2);
    const key = options.apiKeyEnv ? process.env[options.apiKeyEnv] : undefined;
    if (options.apiKeyEnv && !key) throw new RolloutError(`--api-key-env ${options.apiKeyEnv}: that environment variable is not set`, 2);
    target = new HttpSmokeTarget({
      baseUrl: options.target,
      slotHeader: options.slotHeader,
      headers: key ? { "api-key": key } : {},
      apiVersion: options.apiVersion,
      timeoutMs: Math.max(criteria.maxP95Ms * 2, 30_000),
    });
  }
  const verdict = await blueGreenSmoke(ctx, route, target, criteria);
  print(renderSmoke(verdict, target.description));
  return verdict.passed ? 0 : 1;
}

export async function abReportCommand(stack: string, experiment: string, options: SourceOptions & { confidence: string; minSamples: string; minCallers: string }, print: Print): Promise<number> {
  const settings = {
    confidence: number("--confidence", options.confidence, 0.5, 0.9999),
    minSamplesPerVariant: integer("--min-samples", options.minSamples, 2, 10_000_000),
    minCallersPerVariant: integer("--min-callers", options.minCallers, 2, 10_000_000),
  };
  const window = windowSeconds(options);
  const ctx = readOnlyContextFor(stack, options, print);
  const gateway = loadGateway(ctx);
  const routeName = Object.entries(gateway.routes).find(([, r]) => r.abTest?.id === experiment)?.[0];
  if (!routeName) {
    const known = Object.values(gateway.routes).flatMap((r) => (r.abTest ? [r.abTest.id] : []));
    throw new RolloutError(`no route of stack ${stack} runs experiment ${experiment}; experiments: ${known.join(", ") || "none"}`, 2);
  }
  const source = metricSourceFor(options, stackFilePath(ctx.dir, ctx.stack));
  const records = await source.fetch({ stack, route: routeName, windowSeconds: window });
  print(`A/B report for route ${routeName} over ${spanOf(source, options.window)} from ${source.description}`);
  print(renderAbReport(abReport(records, experiment, settings)));
  return 0;
}

export async function shadowReportCommand(stack: string, route: string, options: SourceOptions, print: Print): Promise<number> {
  const window = windowSeconds(options);
  const ctx = readOnlyContextFor(stack, options, print);
  const { route: config } = loadRoute(ctx, route);
  if (!config.shadow) throw new RolloutError(`aoai-fleet:gateway.routes.${route}.shadow is not set; nothing to report`, 2);
  const source = metricSourceFor(options, stackFilePath(ctx.dir, ctx.stack));
  const records = await source.fetch({ stack, route, windowSeconds: window });
  print(`shadow report for route ${route} (${config.shadow.percent}% copied to ${config.shadow.deployment}) over ${spanOf(source, options.window)} from ${source.description}`);
  print(renderShadowReport(shadowReport(records)));
  return 0;
}

export async function statusCommand(stack: string, route: string, options: CommonOptions, print: Print): Promise<number> {
  const ctx = readOnlyContextFor(stack, options, print);
  const { route: config, state } = loadRouteAfterRecovery(ctx, route);
  print(renderStatus(stack, route, config, state));
  return 0;
}

/** The header's "over …": the requested window, or what the source really reads (a whole file). */
function spanOf(source: MetricSource, window: string): string {
  return source.span ?? `${window} s`;
}
