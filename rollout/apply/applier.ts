import * as fs from "node:fs";
import * as path from "node:path";
import { RolloutError } from "../errors";
import { detectApplyEnvironment, missingForApply, type ApplyEnvironment } from "./environment";
import { classifyPreview, describeSteps, expectedChanges, type PreviewStep } from "./expected";
import { pulumiFailure } from "./failure";

/** How a written config change reached (or will reach) Azure. */
export type ApplyOutcome =
  | { kind: "pulumi-up"; summary: string }
  | { kind: "written"; command: string; reason: string };

/** The stack file before the edit (the file on disk holds the edited text). */
export interface StackChange {
  before: string;
}

/** Applies the stack file as it is on disk. */
export interface Applier {
  apply(stack: string, dir: string, change: StackChange): Promise<ApplyOutcome>;
}

export function applyCommand(stack: string): string {
  return `pulumi up --stack ${stack}`;
}

/**
 * Without the CLI or credentials the change stays in the stack file; the outcome carries the exact
 * command to run and says plainly what is missing. Nothing pretends to have been deployed.
 */
export class WriteOnlyApplier implements Applier {
  constructor(private readonly reason: string) {}
  async apply(stack: string): Promise<ApplyOutcome> {
    return { kind: "written", command: applyCommand(stack), reason: this.reason };
  }
}

/** The part of an Automation API stack the applier uses (tests pass a fake with a canned preview). */
export interface PreviewableStack {
  preview(options: { policyPacks?: string[]; policyPackConfigs?: string[]; onEvent: (event: EngineEventLike) => void }): Promise<unknown>;
  up(options: { target: string[]; policyPacks?: string[]; policyPackConfigs?: string[]; onOutput: (out: string) => void }): Promise<{ summary: { result?: string; resourceChanges?: Record<string, number> } }>;
}

/** The engine event fields the applier reads. */
export interface EngineEventLike {
  resourcePreEvent?: { metadata: { op: string; urn: string; type: string; new?: { inputs?: Record<string, unknown> } } };
}

/** Opens the stack in `dir` through the Automation API (needs the pulumi CLI). */
export type StackOpener = (stack: string, dir: string) => Promise<PreviewableStack>;

const automationStack: StackOpener = async (stack, dir) => {
  // Loaded here so commands that never apply do not pay for importing the Pulumi SDK.
  const { LocalWorkspace } = (await import("@pulumi/pulumi")).automation;
  return LocalWorkspace.selectStack({ stackName: stack, workDir: dir });
};

/**
 * Preview → check → targeted up, through the Automation API on the project folder:
 * 1. `pulumi preview` with the policy pack (`<dir>/policies`) and the stack's pack config
 *    (`<dir>/policies/config/<stack>.json`) when they exist, as CI runs it;
 * 2. refuse (exit 1, nothing applied) when the preview would change anything the edit does not
 *    explain (see expected.ts): unrelated local changes never ride along with a rollout step;
 * 3. `pulumi up --target` on exactly the previewed resources the edit explains, with the pack.
 * The stack file already holds the change (written atomically before this runs); `setConfig` is
 * not used because the CLI would re-serialise the file and drop its comments and layout.
 */
export class AutomationApplier implements Applier {
  constructor(
    private readonly log: (line: string) => void,
    private readonly open: StackOpener = automationStack,
    /** The date the catalog checks use, and the time stamp of a failure's log entry. */
    private readonly today: () => Date = () => new Date(),
  ) {}

  async apply(stack: string, dir: string, change: StackChange): Promise<ApplyOutcome> {
    const file = path.join(dir, `Pulumi.${stack}.yaml`);
    const expected = expectedChanges(change.before, fs.readFileSync(file, "utf8"), this.today());
    const pack = policyPack(dir, stack);
    // A failing CLI call becomes its engine error lines; the whole output goes to a log file.
    const failed = (what: string) => (error: unknown): never => pulumiFailure(error, { what, stack, dir, at: this.today() });
    const selected = await this.open(stack, dir).catch(failed("pulumi stack select"));
    const steps: PreviewStep[] = [];
    await selected
      .preview({
        ...pack,
        onEvent: (event) => {
          const step = event.resourcePreEvent?.metadata;
          if (step) steps.push({ op: step.op, urn: step.urn, type: step.type, ...(step.new?.inputs ? { inputs: step.new.inputs } : {}) });
        },
      })
      .catch(failed("pulumi preview"));
    const { allowed, unexpected } = classifyPreview(steps, expected);
    if (unexpected.length > 0) {
      throw new RolloutError(
        `pulumi preview of stack ${stack} would also change resources this step does not touch (${describeSteps(unexpected)}); ` +
          "nothing was applied. Review and deploy those changes through your normal pulumi up / CI first, then repeat the step",
        1,
      );
    }
    if (allowed.length === 0) return { kind: "pulumi-up", summary: "pulumi preview shows the change already in place; nothing to update" };
    const result = await selected.up({ ...pack, target: allowed.map((s) => s.urn), onOutput: (out) => this.log(out.trimEnd()) }).catch(failed("pulumi up"));
    const changes = Object.entries(result.summary.resourceChanges ?? {})
      .map(([op, n]) => `${op} ${n}`)
      .join(", ");
    if (result.summary.result !== "succeeded") {
      throw new RolloutError(`pulumi up on stack ${stack} ended with ${result.summary.result ?? "no result"}`, 1);
    }
    return { kind: "pulumi-up", summary: `pulumi up --target ${allowed.length} resource(s) succeeded (${changes || "no resource changes"})` };
  }
}

/** `policies/` and `policies/config/<stack>.json` under the project folder, when present. */
export function policyPack(dir: string, stack: string): { policyPacks?: string[]; policyPackConfigs?: string[] } {
  const packDir = path.join(dir, "policies");
  if (!fs.existsSync(path.join(packDir, "PulumiPolicy.yaml"))) return {};
  const config = path.join(packDir, "config", `${stack}.json`);
  return { policyPacks: [packDir], ...(fs.existsSync(config) ? { policyPackConfigs: [config] } : {}) };
}

/**
 * The real applier when the CLI and credentials exist, else the honest write-only one. With
 * `require` (the `--apply` flag) a missing CLI or credentials is an error (exit 3) instead.
 */
export function defaultApplier(log: (line: string) => void, env: ApplyEnvironment = detectApplyEnvironment(), require = false): Applier {
  const missing = missingForApply(env);
  if (missing === undefined) return new AutomationApplier(log);
  if (require) throw new RolloutError(`--apply: cannot apply, ${missing}; nothing was changed`, 3);
  return new WriteOnlyApplier(missing);
}
