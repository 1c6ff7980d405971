/**
 * The `--out` folder of `plan` and `simulate`. A file in its place, a read-only or missing mount
 * (`--out /proc/x`) is the user's input, not a crash: exit 2 naming the flag and the folder, instead
 * of the unexpected-error exit 70 with a stack trace that `mkdirSync` gave.
 */
import * as fs from "node:fs";
import { CliError } from "./registry";

/** Creates `dir` (and its parents) for the files of `--out <flagValue>`; throws `CliError` exit 2 when it cannot. */
export function ensureOutDir(dir: string, flagValue: string): void {
  try {
    fs.mkdirSync(dir, { recursive: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === undefined) throw error;
    const reason = code === "ENOTDIR" || code === "EEXIST" ? "a file is in the way" : (error as Error).message;
    throw new CliError(`--out ${flagValue}: cannot create the folder ${dir} (${reason}); choose a folder you can write to`, 2);
  }
}
