import { defineCommand, CliError } from "../registry";

defineCommand({
  name: "catalog",
  register(program) {
    program
      .command("catalog")
      .description("Inspect or refresh the Azure OpenAI model catalog")
      .action(() => {
        throw new CliError("catalog: work in progress (issue 3)", 3);
      });
  },
});
