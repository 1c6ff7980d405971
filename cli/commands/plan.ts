import { defineCommand } from "../registry";

defineCommand({
  name: "plan",
  register(program) {
    program
      .command("plan")
      .argument("<stack>", "stack name; reads Pulumi.<stack>.yaml from the repository root")
      .option("--config <file>", "plan this stack config YAML instead of Pulumi.<stack>.yaml")
      .option("--out <dir>", "output root (writes <dir>/<stack>/plan.json)", "out")
      .option("--today <date>", "YYYY-MM-DD to use as today for retirement checks (default: the real date)")
      .description("Run the real stack program offline (Pulumi mocks): print resources, quota use and warnings; write out/<stack>/ (plan.json, policies, topology, compliance). Exit 0 valid, 1 a mandatory guardrail violation or a failed plan step, 2 invalid stack or pack config.")
      .action(async (stack: string, options: { config?: string; out?: string; today?: string }) => {
        // Loaded lazily so other commands start without Pulumi.
        const { planCommand } = await import("../plan/command.js");
        process.exitCode = await planCommand(stack, options);
      });
  },
});
