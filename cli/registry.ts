import type { Command } from "commander";

/**
 * A CLI command. Each file under `cli/commands/` defines one with `defineCommand`, and `cli/main.ts`
 * registers it with a single side-effect import line (`import "./commands/<name>";`).
 */
export interface CliCommand {
  /** Unique command name as typed on the command line (e.g. `plan`, `catalog`). */
  readonly name: string;
  /** Adds the command (its arguments, options, sub-commands and action) to the program. */
  readonly register: (program: Command) => void;
}

/**
 * An error the CLI reports as one plain message (no stack trace) with a chosen exit code.
 * Exit codes: 1 = check failed (e.g. compliance), 2 = invalid input/config, 3 = missing environment
 * (no Azure credentials, no Pulumi CLI).
 */
export class CliError extends Error {
  constructor(
    message: string,
    /** Process exit code to use. */
    readonly exitCode: number,
  ) {
    super(message);
    this.name = "CliError";
  }
}

const registered = new Map<string, CliCommand>();

/** Records a command for `cli/main.ts`; a duplicate name is a programming error. */
export function defineCommand(command: CliCommand): CliCommand {
  if (registered.has(command.name)) {
    throw new Error(`CLI command "${command.name}" is defined twice`);
  }
  registered.set(command.name, command);
  return command;
}

/** Every defined command, in registration order. */
export function definedCommands(): readonly CliCommand[] {
  return [...registered.values()];
}
