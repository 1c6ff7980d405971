import { defineCommand, CliError } from "../registry";

defineCommand({
  name: "plan",
  register(program) {
    program
      .command("plan")
      .argument("<stack>", "stack name; reads Pulumi.<stack>.yaml from the repository root")
      .description("Run the real stack program offline (Pulumi mocks) and print/write the plan")
      .action(() => {
        throw new CliError("plan: work in progress (issue 3)", 3);
      });
  },
});
