import type { Command } from "commander";
import { CliError, defineCommand } from "../registry";

/** The generated policy's test header (`NAMES.slotHeader` in gateway-policy/strategies/edge.ts). */
const SLOT_HEADER = "x-aoai-slot";

// Handlers load lazily so `aoai-fleet --help` and other commands don't import the simulator or stats.
type Handlers = typeof import("../../rollout/cli/handlers");

async function run(action: (h: Handlers) => Promise<number>): Promise<void> {
  const handlers = await import("../../rollout/cli/handlers.js");
  const { RolloutError, fileSystemProblem } = await import("../../rollout/errors.js");
  try {
    const code = await action(handlers);
    if (code !== 0) process.exitCode = code;
  } catch (error) {
    const known = error instanceof RolloutError ? error : fileSystemProblem(error);
    if (known) throw new CliError(`rollout: ${known.message}`, known.exitCode);
    throw error;
  }
}

const print = (text: string): void => {
  process.stdout.write(`${text}\n`);
};

function withDir(command: Command): Command {
  return command.option("--dir <path>", "folder holding Pulumi.<stack>.yaml (state goes to <dir>/out/<stack>/rollout/)", ".");
}

/** Commands that edit the stack file: they apply the edit, and `--apply` demands it. */
function changesConfig(command: Command): Command {
  return withDir(command).option(
    "--apply",
    "apply every change (preview with the policy pack, refuse unrelated changes, pulumi up --target) or fail with exit 3 when the pulumi CLI or Azure credentials are missing; default: apply when both are present, else write the stack file only",
  );
}

/** `rollout canary evaluate`: the words a user typed to reach the command. */
function commandPath(command: Command): string {
  const names: string[] = [];
  for (let c: Command | null = command; c?.parent; c = c.parent) names.unshift(c.name());
  return names.join(" ");
}

/**
 * Commands that change no config take no `--apply`: commander rejects it as an unknown option
 * (exit 2, as any bad input); the error says why, since the other rollout commands do take it.
 */
function readOnly(command: Command): Command {
  const base = command.configureOutput().outputError ?? ((text: string, write: (text: string) => void) => write(text));
  return withDir(command).configureOutput({
    outputError: (text, write) =>
      base(
        text.startsWith("error: unknown option '--apply'")
          ? `${text.trimEnd()}: ${commandPath(command)} changes no config, so there is nothing to apply\n`
          : text,
        write,
      ),
  });
}

function withSource(command: Command): Command {
  return command
    .option("--source <source>", "metrics: sim | file:<export.json|.csv> | azure (Log Analytics, needs credentials)", "azure")
    .option("--scenario <name|file>", "simulator scenario (built-ins in rollout/scenarios/)", "healthy")
    .option("--workspace <id>", "Log Analytics workspace id for --source azure (or AOAI_FLEET_LOG_WORKSPACE_ID)")
    .option("--window <seconds>", "metrics window ending now", "300");
}

function withPolicy(command: Command): Command {
  return command
    .option("--max-error-points <n>", "roll back when canary error rate exceeds stable by more than n percentage points (default 2)")
    .option("--max-p95-ratio <r>", "roll back when canary p95 latency exceeds stable p95 × r (default 1.5)")
    .option("--min-samples <n>", "requests needed on each side before any decision (default 200)");
}

defineCommand({
  name: "rollout",
  register(program) {
    const rollout = program.command("rollout").description("Progressive delivery: canary, blue-green, A/B and shadow reports (edits the stack's aoai-fleet:gateway config)");

    readOnly(rollout.command("status <stack> <route>").description("the route's rollout config and history")).action((stack: string, route: string, o) =>
      run((h) => h.statusCommand(stack, route, o, print)),
    );

    const canary = rollout.command("canary").description("Percent-based canary with automatic rollback");
    changesConfig(canary.command("start <stack> <route>").description("send the first schedule step of traffic to --deployment"))
      .requiredOption("--deployment <name>", "fleet deployment to canary")
      .option("--schedule <percents>", "comma-separated percents ending at 100 (default 5,25,50,100; on the running canary of --deployment: replaces its schedule, traffic stays)")
      .action((stack: string, route: string, o) => run((h) => h.canaryCommand("start", stack, route, o, print)));
    for (const action of ["step", "promote", "rollback"] as const) {
      const what = { step: "advance to the next schedule step", promote: "send 100% to the canary and mark it promoted", rollback: "send 0% to the canary" }[action];
      changesConfig(canary.command(`${action} <stack> <route>`).description(what)).action((stack: string, route: string, o) => run((h) => h.canaryCommand(action, stack, route, o, print)));
    }
    withPolicy(withSource(readOnly(canary.command("evaluate <stack> <route>").description("promote / hold / rollback verdict from one metrics window")))).action(
      (stack: string, route: string, o) => run((h) => h.canaryEvaluateCommand(stack, route, o, print)),
    );
    withPolicy(withSource(changesConfig(canary.command("run <stack> <route>").description("evaluate → step until promoted or rolled back"))))
      .option("--max-evaluations <n>", "stop (leaving the canary where it is) after n evaluations", "20")
      .action((stack: string, route: string, o) => run((h) => h.canaryRunCommand(stack, route, o, print)));

    const bg = rollout.command("bluegreen").description("Two slots; switching flips only the active-slot value");
    changesConfig(bg.command("deploy <stack> <route>").description("make the inactive slot serve --deployment"))
      .requiredOption("--deployment <name>", "fleet deployment for the inactive slot")
      .action((stack: string, route: string, o) => run((h) => h.blueGreenCommand("deploy", stack, route, o, print)));
    readOnly(bg.command("smoke <stack> <route>").description("requests forced to the inactive slot; a failure blocks switch"))
      .option("--target <sim|url>", "sim (offline simulator) or the gateway base URL (APIM or the local emulator gateway)", "sim")
      .option("--scenario <name|file>", "simulator scenario for --target sim", "healthy")
      .option("--slot-header <name>", "request header the gateway policy reads to force a slot", SLOT_HEADER)
      .option("--api-key-env <VAR>", "environment variable holding the gateway subscription key (sent as api-key)")
      .option("--api-version <v>", "Azure OpenAI api-version for smoke requests", "2024-10-21")
      .option("--requests <n>", "smoke requests to send", "50")
      .option("--min-success <rate>", "minimum success rate 0–1", "0.98")
      .option("--max-p95-ms <ms>", "maximum p95 latency in ms", "10000")
      .action((stack: string, route: string, o) => run((h) => h.blueGreenSmokeCommand(stack, route, o, print)));
    for (const action of ["switch", "rollback"] as const) {
      const what = { switch: "make the smoke-tested inactive slot active", rollback: "make the slot active before the last switch active again" }[action];
      changesConfig(bg.command(`${action} <stack> <route>`).description(what)).action((stack: string, route: string, o) => run((h) => h.blueGreenCommand(action, stack, route, o, print)));
    }

    const ab = rollout.command("ab").description("A/B experiment statistics");
    withSource(readOnly(ab.command("report <stack> <experiment>").description("per-variant metrics; significance per caller (Welch t over callers), per-request z/Welch tests beside")))
      .option("--confidence <level>", "confidence level of intervals; significance is p < 1 − level", "0.95")
      .option("--min-samples <n>", "requests per variant needed before a per-request test", "100")
      .option("--min-callers <n>", "callers per variant needed before a per-caller test", "20")
      .action((stack: string, experiment: string, o) => run((h) => h.abReportCommand(stack, experiment, o, print)));

    const shadow = rollout.command("shadow").description("Shadow traffic comparison");
    withSource(readOnly(shadow.command("report <stack> <route>").description("primary vs shadow latency, tokens, errors and response match rate"))).action(
      (stack: string, route: string, o) => run((h) => h.shadowReportCommand(stack, route, o, print)),
    );
  },
});
