// Runs benchmark cells in a few child processes (each cell is independent and seeded, so the
// results do not depend on which process ran them or in what order).
import { fork, type ChildProcess } from "node:child_process";
import * as os from "node:os";
import * as path from "node:path";
import type { CellMetrics, StrategyKey } from "./cells";

export interface CellJob {
  scenario: string;
  strategy: StrategyKey;
  seedOffset: number;
}

export interface CellResult extends CellJob {
  seed: number;
  wallMs: number;
  metrics: CellMetrics;
}

type Reply = { id: number; result: { seed: number; wallMs: number; metrics: CellMetrics } } | { id: number; error: string };

/** Worker processes: BENCH_WORKERS, else one per available core (at most 4). */
export function workerCount(): number {
  const wanted = Number(process.env.BENCH_WORKERS);
  return Number.isInteger(wanted) && wanted > 0 ? wanted : Math.max(1, Math.min(4, os.availableParallelism()));
}

export async function runCells(jobs: CellJob[], workers: number, onDone: (r: CellResult, done: number) => void): Promise<CellResult[]> {
  const results: CellResult[] = new Array(jobs.length);
  let next = 0;
  let done = 0;
  const children: ChildProcess[] = [];
  try {
    await new Promise<void>((resolve, reject) => {
      if (jobs.length === 0) return resolve();
      const feed = (child: ChildProcess) => {
        if (next >= jobs.length) return;
        const id = next++;
        child.send({ id, ...jobs[id]! });
      };
      for (let w = 0; w < Math.min(workers, jobs.length); w++) {
        // The same TypeScript loader the parent runs under (tsx), in a fresh Node process.
        const child = fork(path.join(__dirname, "worker.ts"), [], { execArgv: ["--import", "tsx"], stdio: ["ignore", "inherit", "inherit", "ipc"] });
        children.push(child);
        child.on("message", (reply: Reply) => {
          if ("error" in reply) return reject(new Error(`cell ${JSON.stringify(jobs[reply.id])} failed: ${reply.error}`));
          results[reply.id] = { ...jobs[reply.id]!, ...reply.result };
          onDone(results[reply.id]!, ++done);
          if (done === jobs.length) resolve();
          else feed(child);
        });
        child.on("exit", (code) => {
          if (done < jobs.length && code !== 0 && code !== null) reject(new Error(`bench worker exited with ${code}`));
        });
        feed(child);
      }
    });
  } finally {
    for (const c of children) c.kill();
  }
  return results;
}
