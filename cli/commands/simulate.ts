import { defineCommand } from "../registry";

defineCommand({
  name: "simulate",
  register(program) {
    program
      .command("simulate")
      .argument("<stack>", "stack name; reads Pulumi.<stack>.yaml (fleet + gateway) from the repository root")
      .option("--scenario <file>", "scenario YAML", "scenarios/steady-90.yaml")
      .option("--out <dir>", "output root (writes <dir>/<stack>/sim/<scenario>/)", "out")
      .option("--config <file>", "use this stack config YAML instead of Pulumi.<stack>.yaml")
      .description(
        "Run the stack's generated gateway policy against simulated Azure OpenAI deployments on a virtual clock; print goodput, client-visible errors, added latency, per-backend use, failover times and split accuracy; write out/<stack>/sim/.",
      )
      .action(async (stack: string, options: { scenario: string; out: string; config?: string }) => {
        const { simulateCommand } = await import("../simulate/command.js");
        process.exitCode = await simulateCommand(stack, options);
      });
  },
});
