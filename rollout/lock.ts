import { closeSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync } from "node:fs";
import { join } from "node:path";
import { RolloutError } from "./errors";

/**
 * One rollout command at a time may edit a stack: an exclusive lock file held for the
 * read → edit → write → apply sequence, so two concurrent `canary step`s cannot both read 5% and
 * both write 25%. A lock left by a process that no longer exists is taken over.
 */
export async function withStackLock<T>(dir: string, stack: string, action: string, body: () => Promise<T>): Promise<T> {
  const folder = join(dir, "out", stack, "rollout");
  mkdirSync(folder, { recursive: true });
  const file = join(folder, ".lock");
  acquire(file, action);
  try {
    return await body();
  } finally {
    unlinkSync(file);
  }
}

function acquire(file: string, action: string): void {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, "wx");
      writeSync(fd, JSON.stringify({ pid: process.pid, action, since: new Date().toISOString() }));
      closeSync(fd);
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const holder = readHolder(file);
      if (holder && isAlive(holder.pid)) {
        throw new RolloutError(`another rollout command (${holder.action}, pid ${holder.pid}, since ${holder.since}) is changing this stack; wait for it, or remove ${file} if no such process runs`, 1);
      }
      unlinkSync(file);
    }
  }
  throw new RolloutError(`could not take the rollout lock ${file}; retry`, 1);
}

function readHolder(file: string): { pid: number; action: string; since: string } | undefined {
  try {
    return JSON.parse(readFileSync(file, "utf8")) as { pid: number; action: string; since: string };
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
