/**
 * Fault injection for the crash tests: `AOAI_FLEET_ROLLOUT_CRASH_AT=<point>` makes the process
 * SIGKILL itself when it reaches that named point of a rollout transaction, so a test can stop a
 * real `canary step` exactly between two writes and check what the next command recovers.
 * Points, in transaction order: `locked`, `journal-temp-written`, `journal-renamed`,
 * `stack-temp-written`, `stack-renamed`, `applied`, `state-temp-written`, `state-renamed`.
 * `AOAI_FLEET_ROLLOUT_PAUSE_AT=<point>:<ms>` sleeps there instead, and `<point>:file:<path>` waits
 * until that file exists (the concurrency test holds the lock until a second command is seen
 * waiting for it). Unset in normal use.
 */
import { existsSync } from "node:fs";

export const CRASH_ENV = "AOAI_FLEET_ROLLOUT_CRASH_AT";
export const PAUSE_ENV = "AOAI_FLEET_ROLLOUT_PAUSE_AT";

export const CRASH_POINTS = [
  "locked",
  "journal-temp-written",
  "journal-renamed",
  "stack-temp-written",
  "stack-renamed",
  "applied",
  "state-temp-written",
  "state-renamed",
] as const;
export type CrashPoint = (typeof CRASH_POINTS)[number];

/** Kills the process at `point` when the crash variable names it; pauses when the pause variable does. */
export function crashPoint(point: CrashPoint): void {
  if (process.env[CRASH_ENV] === point) process.kill(process.pid, "SIGKILL");
  const pause = process.env[PAUSE_ENV];
  if (!pause?.startsWith(`${point}:`)) return;
  const what = pause.slice(point.length + 1);
  // Synchronous on purpose: the point must not return (and let other work run) before the pause ends.
  const sleep = (ms: number): void => void Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
  if (what.startsWith("file:")) {
    // Until a file exists (the test creates it once a second command is seen waiting), at most 60 s.
    const file = what.slice("file:".length);
    for (let waited = 0; waited < 60_000 && !existsSync(file); waited += 20) sleep(20);
    return;
  }
  const ms = Number(what);
  if (Number.isFinite(ms) && ms > 0) sleep(ms);
}
