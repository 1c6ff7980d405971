/**
 * Plan time: 1 deployment in 1 region vs 10 regions × 20 deployments (200 deployments, generated).
 * Two measurements per case:
 *  - process: `tsx cli/main.ts plan` in a fresh process, wall time (what a user waits for;
 *    dominated by loading TypeScript, Pulumi and azure-native);
 *  - in-process: `runOfflinePlan` after a warm-up, wall time (the program + mock engine only).
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { median } from "simple-statistics";
import { stringify } from "yaml";
import { runOfflinePlan } from "../../cli/plan/runner";
import { defineBenchSuite } from "../registry";

const REPO = path.resolve(__dirname, "..", "..");
const REGIONS = ["eastus", "eastus2", "westus", "westus3", "northcentralus", "southcentralus", "swedencentral", "francecentral", "germanywestcentral", "polandcentral"];
const PROCESS_RUNS = 3;
const IN_PROCESS_RUNS = 5;

function fleet(regions: number, deployments: number): Record<string, unknown> {
  return {
    name: "bench-fleet",
    regions: Object.fromEntries(REGIONS.slice(0, regions).map((r) => [r, {}])),
    deployments: Object.fromEntries(
      Array.from({ length: deployments }, (_, i) => [`d${String(i + 1).padStart(2, "0")}`, { model: "gpt-4.1", version: "2025-04-14", sku: "GlobalStandard", capacity: 10, upgrade: "NoAutoUpgrade" }]),
    ),
  };
}

const round = (ms: number) => Math.round(ms * 10) / 10;

defineBenchSuite({
  name: "plan",
  description: "offline plan time: 1 deployment vs 10 regions × 20 deployments (fresh CLI process, and in-process after warm-up)",
  async run(print) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "aoai-bench-"));
    const today = new Date("2026-11-23T00:00:00Z");
    const cases = [
      { name: "small", regions: 1, deployments: 1 },
      { name: "large", regions: 10, deployments: 20 },
    ];
    const results = [];
    for (const c of cases) {
      const config = { "aoai-fleet:fleet": fleet(c.regions, c.deployments) };
      const file = path.join(dir, `Pulumi.bench-${c.name}.yaml`);
      fs.writeFileSync(file, stringify({ config }));
      const processMs: number[] = [];
      const exitCodes = new Set<number>();
      for (let i = 0; i < PROCESS_RUNS; i++) {
        const start = performance.now();
        const child = spawnSync(path.join(REPO, "node_modules", ".bin", "tsx"), ["cli/main.ts", "plan", `bench-${c.name}`, "--config", file, "--out", dir, "--today", "2026-11-23"], { cwd: REPO, encoding: "utf8" });
        processMs.push(performance.now() - start);
        // Exit 1 comes from plan steps that judge the fleet (compliance); the plan itself still ran.
        if (child.status !== 0 && child.status !== 1) throw new Error(`plan of ${c.name} exited ${child.status}: ${child.stderr}`);
        exitCodes.add(child.status);
      }
      await runOfflinePlan(`bench-${c.name}`, { config, today }); // warm-up: module loading, JIT
      const inProcessMs: number[] = [];
      let resources = 0;
      for (let i = 0; i < IN_PROCESS_RUNS; i++) {
        const start = performance.now();
        const plan = await runOfflinePlan(`bench-${c.name}`, { config, today });
        inProcessMs.push(performance.now() - start);
        resources = plan.resources.length;
      }
      const row = { case: c.name, cliExitCodes: [...exitCodes], regions: c.regions, deploymentsPerRegion: c.deployments, resources, processMs: { median: round(median(processMs)), runs: processMs.map(round) }, inProcessMs: { median: round(median(inProcessMs)), runs: inProcessMs.map(round) } };
      print(`${c.name}: ${c.regions} region(s) × ${c.deployments} deployment(s) = ${resources} resources; fresh process median ${row.processMs.median} ms; in-process median ${row.inProcessMs.median} ms`);
      results.push(row);
    }
    const [small, large] = results as [(typeof results)[0], (typeof results)[0]];
    const processRatio = Math.round((large.processMs.median / small.processMs.median) * 100) / 100;
    const inProcessRatio = Math.round((large.inProcessMs.median / small.inProcessMs.median) * 100) / 100;
    print(`large/small: fresh process ${processRatio}× (target ≤ 2×: ${processRatio <= 2 ? "met" : "NOT met"}); in-process ${inProcessRatio}×`);
    fs.rmSync(dir, { recursive: true, force: true });
    return { machine: { cpus: os.cpus().length, platform: process.platform }, cases: results, ratio: { process: processRatio, inProcess: inProcessRatio, targetProcess: 2, met: processRatio <= 2 } };
  },
});
