import { existsSync, readdirSync, readFileSync, unlinkSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { z } from "zod";
import { RolloutError } from "./errors";
import { isAlive, rolloutFolder } from "./lock";
import { writeFileAtomic } from "./stackfile/stackFile";
import { readRouteState, routeStateSchema, writeRouteState, type RouteState } from "./state";

/**
 * The write-ahead record of one rollout step (`out/<stack>/rollout/.journal.json`). A step changes
 * two files — the stack file and the route's history — and a process can die between them. Before
 * touching either, the step writes down both outcomes: the stack file's bytes before and after, and
 * the route state to record. The next command (under the same lock) reads it back and either
 * finishes the step (the stack file already holds the new bytes: record the history) or rolls it
 * back (the stack file still holds the old bytes: nothing happened). Either way the history then
 * matches the file, and the record is removed.
 */
const journalSchema = z.object({
  version: z.literal(1),
  pid: z.number(),
  action: z.string(),
  route: z.string(),
  at: z.string(),
  stackFile: z.string(),
  before: z.string(),
  after: z.string(),
  /** The route state to write once the step is done (its last history entry is this step). */
  state: routeStateSchema,
});

export type StepJournal = z.infer<typeof journalSchema>;

export function journalPath(dir: string, stack: string): string {
  return join(rolloutFolder(dir, stack), ".journal.json");
}

export function writeJournal(dir: string, stack: string, journal: StepJournal): void {
  writeFileAtomic(journalPath(dir, stack), `${JSON.stringify(journal, null, 2)}\n`, "journal");
}

export function removeJournal(dir: string, stack: string): void {
  const file = journalPath(dir, stack);
  if (existsSync(file)) unlinkSync(file);
}

function readJournal(file: string): StepJournal {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    throw new RolloutError(`${file} is not readable JSON (${error instanceof Error ? error.message : String(error)}); check the stack file and the route history by hand, then delete it`, 1);
  }
  const result = journalSchema.safeParse(parsed);
  if (!result.success) throw new RolloutError(`${file} is not a rollout write-ahead record; check the stack file and the route history by hand, then delete it`, 1);
  return result.data;
}

/**
 * Run with the stack's lock held, before reading anything: finishes or rolls back a step a killed
 * process left half done, and removes temp files that dead processes left behind. Returns one
 * line per thing it did, for the console.
 */
export function recoverInterrupted(dir: string, stack: string, stackFile: string): string[] {
  const lines: string[] = [];
  const file = journalPath(dir, stack);
  if (existsSync(file)) {
    const journal = readJournal(file);
    const current = existsSync(stackFile) ? readFileSync(stackFile, "utf8") : undefined;
    const who = `${journal.action} on route ${journal.route} (pid ${journal.pid}, ${journal.at})`;
    if (current === journal.after) {
      finishStep(dir, journal);
      lines.push(`recovered an interrupted ${who}: ${stackFile} already held the change, so its history entry was recorded (apply it with pulumi up --stack ${stack} if that did not happen)`);
    } else if (current === journal.before) {
      lines.push(`rolled back an interrupted ${who}: it stopped before changing ${stackFile}, so nothing was changed`);
    } else {
      throw new RolloutError(
        `an interrupted ${who} left ${file}, and ${stackFile} has been edited since, so it can neither be finished nor rolled back safely; compare the file with the route's history (rollout status), then delete ${file}`,
        1,
      );
    }
    unlinkSync(file);
  }
  lines.push(...removeOrphanTemps(dir, stack, stackFile));
  return lines;
}

/** Writes the journal's route state unless it is already on disk (the process died after that write). */
function finishStep(dir: string, journal: StepJournal): void {
  const onDisk = readRouteState(dir, journal.state.stack, journal.route);
  const planned = journal.state.history.at(-1);
  const recorded = onDisk.history.at(-1);
  if (planned && recorded && recorded.at === planned.at && recorded.action === planned.action) return;
  const state: RouteState = structuredClone(journal.state);
  const last = state.history.at(-1);
  if (last) {
    last.applied = "written";
    const recovery = `completed by recovery after pid ${journal.pid} stopped; whether it was applied is unknown`;
    last.note = last.note ? `${last.note}; ${recovery}` : recovery;
  }
  writeRouteState(dir, state);
}

/** `.<name>.<pid>.tmp` files of this stack's file and rollout folder whose process is gone. */
function removeOrphanTemps(dir: string, stack: string, stackFile: string): string[] {
  const removed: string[] = [];
  const sweep = (folder: string, matches: (name: string) => RegExpExecArray | null): void => {
    if (!existsSync(folder)) return;
    for (const name of readdirSync(folder)) {
      const match = matches(name);
      if (!match || isAlive(Number(match[1]))) continue;
      unlinkSync(join(folder, name));
      removed.push(join(folder, name));
    }
  };
  const stackName = basename(stackFile);
  sweep(dirname(stackFile), (name) => (name.startsWith(`.${stackName}.`) ? /\.(\d+)\.tmp$/.exec(name) : null));
  sweep(rolloutFolder(dir, stack), (name) => /^\..+\.json\.(\d+)\.tmp$/.exec(name));
  return removed.length > 0 ? [`removed ${removed.length} temp file(s) left by interrupted commands: ${removed.join(", ")}`] : [];
}
