// A benchmark worker process: runs the cells its parent sends (IPC) and sends back their metrics.
import { runCell, type StrategyKey } from "./cells";

interface Job {
  id: number;
  scenario: string;
  strategy: StrategyKey;
  seedOffset: number;
}

process.on("message", (job: Job) => {
  runCell(job.scenario, job.strategy, job.seedOffset).then(
    (result) => process.send?.({ id: job.id, result }),
    (error: unknown) => process.send?.({ id: job.id, error: error instanceof Error ? (error.stack ?? error.message) : String(error) }),
  );
});
