/**
 * Offline plan runner: runs the real stack program (`stacks/index.ts`) in-process under Pulumi mocks
 * with the stack's config, and returns the resource graph, the stack outputs and the warnings.
 * No Pulumi CLI, no Azure credentials, nothing created.
 */
import * as pulumi from "@pulumi/pulumi";
import type { Backend, QuotaUse } from "../../core/plan/types";
import { configIssuesOf, FleetConfigError, type ConfigIssue } from "../../stacks/config/errors";
import stackProgram from "../../stacks/index";
import { OFFLINE_ENV, TODAY_ENV, todayFromEnvironment } from "../../stacks/program";
import { ResourceCapture, type PlannedResource } from "./capture";
import { createOfflineMocks } from "./mocks";
import { suspendPromiseLeakTracking } from "./promise-tracking";
import { suspendStructConversions } from "./struct-passthrough";
import { assertStackName, readStackConfigFile, stackConfigFile, toRuntimeConfig } from "./stack-config";

export const PROJECT = "aoai-fleet";

export interface OfflinePlanOptions {
  /** Stack config file to read instead of `Pulumi.<stack>.yaml` in the repository root. */
  readonly configFile?: string;
  /** Full config map (`project:key` → value) to use instead of reading any file. */
  readonly config?: Readonly<Record<string, unknown>>;
  /** Values laid over the file's config, e.g. `{ "aoai-fleet:fleet": {...} }`; `undefined` removes a key. */
  readonly configOverride?: Readonly<Record<string, unknown>>;
  /** "Today" for retirement checks. Optional. Defaults to the real date. */
  readonly today?: Date;
}

/** What a plan produced: the data written to plan.json plus the typed stack outputs. */
export interface OfflinePlan {
  readonly stack: string;
  readonly resources: readonly PlannedResource[];
  readonly warnings: readonly ConfigIssue[];
  readonly outputs: {
    readonly resourceGroupName: string;
    readonly backends: readonly Backend[];
    readonly quota: readonly QuotaUse[];
  };
  /** The config the program ran with (`project:key` → value). */
  readonly config: Readonly<Record<string, unknown>>;
  /** The date the program used as "today" for retirement checks; steps must use the same one. */
  readonly today: Date;
}

/** Result of running any Pulumi program offline: captured resources and resolved stack outputs. */
export interface OfflineRun {
  readonly resources: readonly PlannedResource[];
  readonly outputs: Record<string, unknown>;
}

/**
 * Runs any Pulumi program in-process under the deterministic offline mocks, capturing every
 * resource (type, name, URN, parent, dependsOn, protect, inputs). Used by the plan and by component
 * tests. Runs must not overlap (Pulumi's runtime state is process-wide): await one before the next.
 */
export async function runOfflineProgram(
  stack: string,
  program: () => Promise<Record<string, unknown>>,
  config: Readonly<Record<string, unknown>> = {},
): Promise<OfflineRun> {
  const capture = new ResourceCapture(PROJECT, stack);
  // Pulumi records `new Error().stack` for every internal promise; under tsx each one is mapped
  // through source maps, which made that the largest cost of a 200-deployment plan. Stacks are off
  // while the engine runs unless AOAI_FLEET_PLAN_STACKS=1 (for debugging a crashing program).
  // Pulumi's Resource constructor also takes a full stack trace of every resource (its source
  // position for the engine; plan.json does not record it): it lifts the limit to Infinity for that,
  // and Node would map every frame through source maps (off for the run) and format it as text that
  // Pulumi parses back, about a tenth of a 900-resource plan's program time with its garbage. While
  // the engine runs, a stack is formatted as its first line only (`Error: message`, what the limit
  // of 0 gives any other error), so Pulumi finds no source position, as the mocks never need one.
  // Pulumi's promise-leak tracking is off for the run too, and google-protobuf's Struct conversions
  // between the runtime and the mock monitor become plain snapshots (promise-tracking.ts and
  // struct-passthrough.ts say why and what each cost); AOAI_FLEET_PLAN_STACKS=1 keeps both, with the stacks.
  const stackTraceLimit = Error.stackTraceLimit;
  const sourceMaps = process.sourceMapsEnabled;
  const debugging = process.env.AOAI_FLEET_PLAN_STACKS === "1";
  const prepare = Error.prepareStackTrace;
  let restoreTracking: (() => void) | undefined;
  let restoreStructs: (() => void) | undefined;
  if (!debugging) {
    restoreTracking = suspendPromiseLeakTracking();
    restoreStructs = suspendStructConversions();
    Error.stackTraceLimit = 0;
    process.setSourceMapsEnabled(false);
    Error.prepareStackTrace = framelessStack;
  }
  try {
    return await runCaptured(stack, program, config, capture);
  } finally {
    Error.prepareStackTrace = prepare;
    Error.stackTraceLimit = stackTraceLimit;
    if (!debugging) process.setSourceMapsEnabled(sourceMaps);
    restoreTracking?.();
    restoreStructs?.();
  }
}

async function runCaptured(
  stack: string,
  program: () => Promise<Record<string, unknown>>,
  config: Readonly<Record<string, unknown>>,
  capture: ResourceCapture,
): Promise<OfflineRun> {
  pulumi.runtime.setMocks(createOfflineMocks(stack, capture.onInputs), PROJECT, stack, false);
  pulumi.runtime.setAllConfig(toRuntimeConfig({ ...config }));
  // The program's own failure is caught inside init: if it escaped, Pulumi's component machinery
  // would also report it as unhandled rejections.
  let failure: { error: unknown } | undefined;
  const outputs = (await pulumi.runtime.runInPulumiStack(async () => {
    if (process.env[KEEP_ALIASES_ENV] !== "1") pulumi.runtime.registerStackTransformation(withoutAliases);
    capture.install();
    try {
      return await program();
    } catch (error) {
      failure = { error };
      return {};
    }
  })) as Record<string, unknown>;
  if (failure) {
    await drain();
    throw failure.error;
  }
  const resources = await capture.resources();
  // Let queued registrations (e.g. registerOutputs) finish, so they never reach the next run's mocks.
  await drain();
  return { resources, outputs };
}

/** A stack formatted without its frames: `Name: message`, as with Error.stackTraceLimit = 0. */
function framelessStack(error: Error): string {
  try {
    return Error.prototype.toString.call(error);
  } catch {
    return "Error";
  }
}

/** `AOAI_FLEET_PLAN_ALIASES=1` keeps aliases in offline runs (to compare plans with and without them). */
export const KEEP_ALIASES_ENV = "AOAI_FLEET_PLAN_ALIASES";

/**
 * Offline runs drop every resource's aliases before the resource is constructed. Aliases only tell
 * the engine which existing state a resource continues (after a rename or a type move); an offline
 * plan has no state, and plan.json records no aliases, so the plan is the same without them — but
 * Pulumi turns each alias into a URN in the resource constructor, and azure-native gives every
 * resource one alias per API version (25 per APIM Backend, 21 per Deployment): for a 200-deployment
 * fleet that was about half of the plan's CPU. The deployed program (stacks/index.ts) keeps them:
 * this transformation is registered only here, by the offline runner.
 */
function withoutAliases(args: pulumi.ResourceTransformationArgs): pulumi.ResourceTransformationResult | undefined {
  if (args.opts.aliases === undefined || args.opts.aliases.length === 0) return undefined;
  return { props: args.props, opts: { ...args.opts, aliases: undefined } };
}

/** Runs one offline plan. Invalid config rejects with FleetConfigError (every issue, with paths). */
export async function runOfflinePlan(stack: string, options: OfflinePlanOptions = {}): Promise<OfflinePlan> {
  assertStackName(stack);
  const config = { ...(options.config ?? readStackConfigFile(options.configFile ?? stackConfigFile(stack))), ...(options.configOverride ?? {}) };
  const previousToday = process.env[TODAY_ENV];
  const previousOffline = process.env[OFFLINE_ENV];
  if (options.today) process.env[TODAY_ENV] = options.today.toISOString().slice(0, 10);
  // Read once, while the pin is in place, so the plan steps see the date the program saw.
  const today = todayFromEnvironment();
  process.env[OFFLINE_ENV] = "1";
  let run: OfflineRun;
  try {
    run = await runOfflineProgram(stack, async () => (await stackProgram()) as unknown as Record<string, unknown>, config);
  } catch (error) {
    const issues = configIssuesOf(error);
    if (issues) throw new FleetConfigError(issues);
    throw error;
  } finally {
    if (previousOffline === undefined) delete process.env[OFFLINE_ENV];
    else process.env[OFFLINE_ENV] = previousOffline;
    if (options.today) {
      if (previousToday === undefined) delete process.env[TODAY_ENV];
      else process.env[TODAY_ENV] = previousToday;
    }
  }
  const { outputs, resources } = run;
  return {
    stack,
    resources,
    warnings: (outputs.warnings ?? []) as ConfigIssue[],
    outputs: {
      resourceGroupName: outputs.resourceGroupName as string,
      backends: (outputs.backends ?? []) as Backend[],
      quota: (outputs.quota ?? []) as QuotaUse[],
    },
    config,
    today,
  };
}

/** The plan.json document: `{ stack, resources, warnings }` plus sections added by plan steps. */
export function planDocument(plan: OfflinePlan, extra: Readonly<Record<string, unknown>> = {}): Record<string, unknown> {
  return {
    stack: plan.stack,
    resources: plan.resources,
    warnings: plan.warnings,
    ...extra,
  };
}

async function drain(): Promise<void> {
  await pulumi.runtime.disconnect();
}
