#!/usr/bin/env node
/**
 * aoai-fleet command line. Commands live one per file in `cli/commands/`; to add one, create the
 * file (calling `defineCommand`) and add ONE import line below. Keep the command files cheap to
 * import: load heavy modules (Pulumi, Azure SDK) inside the action with `await import(...)`.
 */
import { Command, CommanderError } from "commander";
import { CliError, definedCommands } from "./registry";

// ---- command registrations: one line per command ----
import "./commands/plan";
import "./commands/catalog";
import "./commands/rollout";
import "./commands/simulate";
import "./commands/gateway";
// ---- end of command registrations ----

export function buildProgram(): Command {
  const program = new Command("aoai-fleet")
    .description("Azure OpenAI fleets: offline plans, model catalog, gateway policy, rollout.")
    .showHelpAfterError()
    .exitOverride();
  for (const command of definedCommands()) {
    command.register(program);
  }
  return program;
}

export async function main(argv: readonly string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync([...argv], { from: "user" });
    return typeof process.exitCode === "number" ? process.exitCode : 0;
  } catch (error) {
    if (error instanceof CliError) {
      process.stderr.write(`${error.message}\n`);
      return error.exitCode;
    }
    if (error instanceof CommanderError) {
      // Commander already printed usage/help; its code "commander.helpDisplayed" is a success.
      return error.exitCode === 0 ? 0 : 2;
    }
    throw error;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`aoai-fleet: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exit(70);
    },
  );
}
