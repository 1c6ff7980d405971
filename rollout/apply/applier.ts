import { RolloutError } from "../errors";
import { detectApplyEnvironment, missingForApply, type ApplyEnvironment } from "./environment";

/** How a written config change reached (or will reach) Azure. */
export type ApplyOutcome =
  | { kind: "pulumi-up"; summary: string }
  | { kind: "written"; command: string; reason: string };

/** Applies the stack file as it is on disk. */
export interface Applier {
  apply(stack: string, dir: string): Promise<ApplyOutcome>;
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

/**
 * `pulumi up` through the Automation API on the project folder. The stack file already holds the
 * change (written atomically before this runs), so selecting the stack picks it up; `setConfig` is
 * not used because the CLI would re-serialise the file and drop its comments and layout.
 */
export class AutomationApplier implements Applier {
  constructor(private readonly log: (line: string) => void) {}
  async apply(stack: string, dir: string): Promise<ApplyOutcome> {
    // Loaded here so commands that never apply do not pay for importing the Pulumi SDK.
    const { LocalWorkspace } = (await import("@pulumi/pulumi")).automation;
    const selected = await LocalWorkspace.selectStack({ stackName: stack, workDir: dir });
    const result = await selected.up({ onOutput: (out: string) => this.log(out.trimEnd()) });
    const changes = Object.entries(result.summary.resourceChanges ?? {})
      .map(([op, n]) => `${op} ${n}`)
      .join(", ");
    if (result.summary.result !== "succeeded") {
      throw new RolloutError(`pulumi up on stack ${stack} ended with ${result.summary.result}`, 1);
    }
    return { kind: "pulumi-up", summary: `pulumi up succeeded (${changes || "no resource changes"})` };
  }
}

/** The real applier when the CLI and credentials exist, else the honest write-only one. */
export function defaultApplier(log: (line: string) => void, env: ApplyEnvironment = detectApplyEnvironment()): Applier {
  const missing = missingForApply(env);
  return missing === undefined ? new AutomationApplier(log) : new WriteOnlyApplier(missing);
}
