import { appendFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { RolloutError } from "../errors";
import { rolloutFolder } from "../lock";

/**
 * A failed `pulumi preview` / `up` through the Automation API arrives as a CommandError whose message
 * is the SDK's whole wrapper: `code: -2\n stdout: \n stderr: Command failed with exit code 255:
 * pulumi preview …\n<the CLI's stderr>\n<its stdout>\n err?: Error: <all of it again>`. The console
 * gets the engine's error lines; the whole text goes to `out/<stack>/rollout/apply-errors.log`.
 */

/** The part of the SDK's CommandError read here (duck-typed: the SDK is loaded lazily). */
interface CommandResultLike {
  stdout: string;
  stderr: string;
}

function commandResultOf(error: unknown): CommandResultLike | undefined {
  if (!(error instanceof Error) || !("commandResult" in error)) return undefined;
  const result = (error as { commandResult: unknown }).commandResult;
  if (typeof result !== "object" || result === null) return undefined;
  const { stdout, stderr } = result as Record<string, unknown>;
  return typeof stdout === "string" && typeof stderr === "string" ? { stdout, stderr } : undefined;
}

/** `azure-native:apimanagement:NamedValue (demo-gateway-nv-chat-canary-percent):`, a diagnostics group. */
const RESOURCE_HEADER = /^\s*([\w.-]+:[\w./-]*:[\w.-]+) \((.+)\):\s*$/;
const ERROR_LINE = /^(\s*)error: (.*)$/;
const POLICY_LINE = /^(\s*)\[mandatory\]\s+(.*)$/;
/** Any violation's first line (`[mandatory]`, `[advisory]`, `[disabled]`): where a description ends. */
const VIOLATION_START = /^\s*\[\w+\]\s/;
/** What the stack itself reports after any failure: noise beside the errors that caused it. */
const GENERIC = /^(update|preview|refresh|destroy) failed$/;
const SHOWN = 5;

const collapse = (text: string): string => text.replace(/\s+/g, " ").trim();
const indentOf = (line: string): number => /^\s*/.exec(line)?.[0].length ?? 0;

/**
 * The engine's error lines in a Pulumi CLI output: each `error:` line (with its deeper-indented
 * continuation lines) prefixed by the resource whose diagnostics it is in, and each mandatory
 * policy violation with its description lines. Duplicates (the SDK repeats the output) once;
 * the stack's own "update failed" only when nothing else was found.
 */
export function engineErrors(output: string): string[] {
  const lines = output.split(/\r?\n/);
  const found: string[] = [];
  let resource: string | undefined;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const header = RESOURCE_HEADER.exec(line);
    if (header) {
      resource = header[1] === "pulumi:pulumi:Stack" ? undefined : `${header[1]} (${header[2]})`;
      continue;
    }
    // A diagnostics group ends at a blank line or a new section ("Resources:", "Outputs:").
    if (line.trim() === "" || indentOf(line) === 0) resource = undefined;
    const error = ERROR_LINE.exec(line);
    const policy = error ? undefined : POLICY_LINE.exec(line);
    const match = error ?? policy;
    if (!match) continue;
    const depth = match[1]!.length;
    const parts = [match[2]!];
    // Continuation: deeper lines under an error; for a violation, its description at the same depth.
    const continues = (next: string): boolean => next.trim() !== "" && (error ? indentOf(next) > depth : indentOf(next) >= depth && !VIOLATION_START.test(next) && !ERROR_LINE.test(next));
    while (i + 1 < lines.length && continues(lines[i + 1]!)) parts.push(lines[++i]!);
    const text = collapse(parts.join(" "));
    found.push(policy ? `policy violation: ${text}` : resource ? `${resource}: ${text}` : text);
  }
  const unique = [...new Set(found)];
  const specific = unique.filter((e) => !GENERIC.test(e));
  return specific.length > 0 ? specific : unique;
}

export function applyLogPath(dir: string, stack: string): string {
  return join(rolloutFolder(dir, stack), "apply-errors.log");
}

/**
 * Rethrows a failed Automation API call as one readable RolloutError (exit 1): the engine's error
 * lines, and where the whole output was written. Anything that is not a CLI failure is rethrown as is.
 */
export function pulumiFailure(error: unknown, step: { what: string; stack: string; dir: string; at: Date }): never {
  const result = commandResultOf(error);
  if (!result) throw error;
  const { stack, dir, at } = step;
  const what = `${step.what} of stack ${stack}`;
  const whole = (error as Error).message;
  const output = `${result.stderr}\n${result.stdout}`;
  const errors = engineErrors(output);
  // No error line at all (the CLI could not start, say): its first line of output says why.
  const firstLine = output.split("\n").map((l) => l.trim()).find((l) => l !== "") ?? "no output";
  const shown = errors.length > 0 ? errors.slice(0, SHOWN) : [firstLine];
  const more = errors.length > SHOWN ? `; … and ${errors.length - SHOWN} more` : "";
  const log = applyLogPath(dir, stack);
  let where: string;
  try {
    mkdirSync(rolloutFolder(dir, stack), { recursive: true });
    appendFileSync(log, `=== ${at.toISOString()} ${what} failed ===\n${whole.trimEnd()}\n\n`);
    where = `whole output in ${log}`;
  } catch (writeError) {
    // The console message must survive an unwritable out/: say where the text could not go.
    where = `the whole pulumi output could not be written to ${log} (${writeError instanceof Error ? writeError.message : String(writeError)})`;
  }
  throw new RolloutError(`${what} failed: ${shown.join("; ")}${more}; ${where}`, 1);
}
