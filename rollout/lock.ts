import { closeSync, mkdirSync, openSync, readFileSync, statSync, unlinkSync, writeSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { crashPoint } from "./crash";
import { RolloutError } from "./errors";

/** How long a command waits for another one holding the stack's lock (ms); env override for tests and CI. */
export const LOCK_WAIT_ENV = "AOAI_FLEET_ROLLOUT_LOCK_WAIT_MS";
const DEFAULT_LOCK_WAIT_MS = 30_000;
const POLL_MS = 50;
/** A lock file with no readable holder older than this was left by a process killed between open and write. */
const EMPTY_LOCK_STALE_MS = 5_000;

interface LockHolder {
  pid: number;
  action: string;
  since: string;
}

export function rolloutFolder(dir: string, stack: string): string {
  return join(dir, "out", stack, "rollout");
}

export function lockFilePath(dir: string, stack: string): string {
  return join(rolloutFolder(dir, stack), ".lock");
}

/**
 * One rollout command at a time may change a stack: an exclusive lock file (`O_CREAT|O_EXCL`) held
 * for the whole read → decide → write → apply → record sequence, so two concurrent `canary step`s
 * never both read 5% and both write 25%. A second command waits for the lock (up to 30 s, then
 * exit 1 naming the holder). A lock whose process no longer exists is taken over, and `log` says so.
 */
export async function withStackLock<T>(dir: string, stack: string, action: string, log: (line: string) => void, body: () => Promise<T>): Promise<T> {
  mkdirSync(rolloutFolder(dir, stack), { recursive: true });
  const file = lockFilePath(dir, stack);
  await acquire(file, action, log);
  try {
    crashPoint("locked");
    return await body();
  } finally {
    unlinkSync(file);
  }
}

/** Takes the lock only if it is free or stale, never waiting; false when a live process holds it. */
export function tryStackLock(dir: string, stack: string, action: string, log: (line: string) => void): (() => void) | undefined {
  mkdirSync(rolloutFolder(dir, stack), { recursive: true });
  const file = lockFilePath(dir, stack);
  if (!attempt(file, action, log)) return undefined;
  return () => unlinkSync(file);
}

async function acquire(file: string, action: string, log: (line: string) => void): Promise<void> {
  const waitMs = lockWaitMs();
  const deadline = Date.now() + waitMs;
  let announced = false;
  for (;;) {
    if (attempt(file, action, log)) return;
    const holder = readHolder(file);
    if (Date.now() >= deadline) {
      const who = holder ? `${holder.action}, pid ${holder.pid}, since ${holder.since}` : "unknown holder";
      throw new RolloutError(`another rollout command (${who}) is still changing this stack after ${(waitMs / 1000).toFixed(waitMs < 10_000 ? 1 : 0)} s; wait for it and retry (the lock is ${file})`, 1);
    }
    if (!announced && holder) {
      log(`waiting for another rollout command (${holder.action}, pid ${holder.pid}) to finish with this stack…`);
      announced = true;
    }
    await sleep(POLL_MS);
  }
}

/** One try: create the lock exclusively; a stale one (its pid is gone) is removed and retried once. */
function attempt(file: string, action: string, log: (line: string) => void): boolean {
  for (let i = 0; i < 2; i++) {
    try {
      const fd = openSync(file, "wx");
      try {
        writeSync(fd, JSON.stringify({ pid: process.pid, action, since: new Date().toISOString() } satisfies LockHolder));
      } finally {
        closeSync(fd);
      }
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    const raw = readRaw(file);
    if (raw === undefined) continue;
    const holder = parseHolder(raw);
    // An unreadable lock is normally one being written this instant (open, then write); only an old
    // one (its writer died between the two) is stale.
    const stale = holder ? !isAlive(holder.pid) : ageMs(file) > EMPTY_LOCK_STALE_MS;
    if (!stale || !takeOver(file, raw)) return false;
    const who = holder ? `${holder.action} (pid ${holder.pid}, since ${holder.since})` : "an unreadable lock's process";
    log(`took over a stale rollout lock: ${who} no longer runs; its half-done step, if any, is recovered next`);
  }
  return false;
}

/**
 * Removes a stale lock, unless another process has replaced it in the meantime. The check and the
 * removal run under a second exclusive file, so two processes that both saw the same dead holder
 * cannot remove each other's fresh lock.
 */
function takeOver(file: string, staleRaw: string): boolean {
  const guard = `${file}.takeover`;
  let fd: number;
  try {
    fd = openSync(guard, "wx");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    // Another process is taking over right now; if it died doing so, clear its guard for the next try.
    const guardHolder = readHolder(guard);
    if (guardHolder ? !isAlive(guardHolder.pid) : ageMs(guard) > EMPTY_LOCK_STALE_MS) unlinkQuietly(guard);
    return false;
  }
  try {
    writeSync(fd, JSON.stringify({ pid: process.pid, action: "take over a stale lock", since: new Date().toISOString() } satisfies LockHolder));
    closeSync(fd);
    if (readRaw(file) !== staleRaw) return false;
    unlinkQuietly(file);
    return true;
  } finally {
    unlinkQuietly(guard);
  }
}

function lockWaitMs(): number {
  const raw = process.env[LOCK_WAIT_ENV];
  const value = raw === undefined || raw === "" ? DEFAULT_LOCK_WAIT_MS : Number(raw);
  return Number.isFinite(value) && value >= 0 ? value : DEFAULT_LOCK_WAIT_MS;
}

export function readHolder(file: string): LockHolder | undefined {
  const raw = readRaw(file);
  return raw === undefined ? undefined : parseHolder(raw);
}

function readRaw(file: string): string | undefined {
  try {
    return readFileSync(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
}

function parseHolder(raw: string): LockHolder | undefined {
  try {
    const parsed = JSON.parse(raw) as Partial<LockHolder>;
    return typeof parsed.pid === "number" ? { pid: parsed.pid, action: String(parsed.action ?? "?"), since: String(parsed.since ?? "?") } : undefined;
  } catch {
    return undefined;
  }
}

function ageMs(file: string): number {
  try {
    return Date.now() - statSync(file).mtimeMs;
  } catch {
    return 0;
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

function unlinkQuietly(file: string): void {
  try {
    unlinkSync(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
}
