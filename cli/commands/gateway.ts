import { defineCommand } from "../registry";

defineCommand({
  name: "gateway",
  register(program) {
    program
      .command("gateway")
      .argument("<stack>", "stack name; reads Pulumi.<stack>.yaml (fleet + gateway) from the repository root")
      .option("--port <port>", "port on 127.0.0.1 (0 = any free port)", "8080")
      .option("--backends <file>", "YAML mapping each deployment × region to a real Azure OpenAI-compatible endpoint (see docs/simulator.md); default: simulated deployments")
      .option("--config <file>", "use this stack config YAML instead of Pulumi.<stack>.yaml")
      .option("--seed <n>", "seed for simulated latencies and pool choices", "1")
      .option("--keys <file>", "subscription keys the gateway accepts, one per line (stacks with auth.subscriptionKeys); default: one random key, printed")
      .option("--key <value>", "a subscription key the gateway accepts (repeatable)", (value: string, previous: string[]) => [...previous, value], [] as string[])
      .description("Serve the Azure OpenAI REST surface on 127.0.0.1, running the stack's generated gateway policy in the emulator in front of simulated deployments or real endpoints.")
      .action(async (stack: string, options: { port: string; backends?: string; config?: string; seed: string; keys?: string; key: string[] }) => {
        const { gatewayCommand } = await import("../simulate/gateway-command.js");
        process.exitCode = await gatewayCommand(stack, options);
      });
  },
});
