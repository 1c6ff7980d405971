// `npm run bench -- routing`: our generated gateway policy vs three baselines reproduced from their
// sources, on the same simulated fleet and scenarios, each over 5 seeds; writes bench/results.json
// (the issue's contract: { scenario: { strategy: { metric: { mean, sd, min, max } } } }) and the
// markdown table in docs/simulator.md.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { loadScenarioFile } from "../../simulator/scenario/load";
import { aggregate } from "../routing/aggregate";
import { BASELINES } from "../routing/baselines/index";
import { ROUTING_SCENARIOS, SEEDS_PER_SCENARIO, STRATEGIES } from "../routing/cells";
import { coldStart, loopbackOverhead } from "../routing/overhead";
import { ourSetup } from "../routing/fleet";
import { runCells, workerCount, type CellJob } from "../routing/pool";
import { markdownTable, replaceGeneratedSection } from "../routing/table";
import { defineBenchSuite } from "../registry";

defineBenchSuite({
  name: "routing",
  description: `Gateway routing: our generated policy vs the AI-Gateway lab, Apim-Samples failover and openai-apim-lb, reproduced from their sources, on simulated Azure OpenAI (virtual clock, ${SEEDS_PER_SCENARIO} seeds per scenario).`,
  async run(print) {
    const root = path.resolve(__dirname, "..", "..");
    const started = performance.now();
    // Validate every scenario file here first: a bad file is one error naming it (exit 2), before any work starts.
    for (const scenario of ROUTING_SCENARIOS) loadScenarioFile(path.join(root, "scenarios", `${scenario}.yaml`));
    const jobs: CellJob[] = [];
    for (const scenario of ROUTING_SCENARIOS) for (const strategy of STRATEGIES) for (let s = 0; s < SEEDS_PER_SCENARIO; s++) jobs.push({ scenario, strategy, seedOffset: s });
    const workers = workerCount();
    print(`${jobs.length} runs (${ROUTING_SCENARIOS.length} scenarios × ${STRATEGIES.length} strategies × ${SEEDS_PER_SCENARIO} seeds) in ${workers} worker process(es)`);
    const cells = await runCells(jobs, workers, (r, done) => {
      if (r.seedOffset === SEEDS_PER_SCENARIO - 1 || done === jobs.length) {
        print(`[${done}/${jobs.length}] ${r.scenario.padEnd(32)} ${r.strategy.padEnd(22)} seed ${r.seed}: errors ${(100 * r.metrics.clientErrorRate).toFixed(3)}%  p99 ${(r.metrics.p99LatencyMs / 1000).toFixed(2)} s  [${r.metrics.requests} req, ${Math.round(r.wallMs)} ms]`);
      }
    });
    const bad = cells.filter((c) => c.metrics.unanswered > 0 || c.metrics.duplicated > 0);
    if (bad.length > 0) throw new Error(`requests unanswered or answered twice in ${bad.map((c) => `${c.scenario}/${c.strategy}/${c.seed}`).join(", ")}`);
    const results = aggregate(cells);
    const simulateSeconds = (performance.now() - started) / 1000;
    print(`simulations took ${simulateSeconds.toFixed(0)} s of wall time`);

    const cold = await coldStart(1000, 7);
    print(
      `emulator from a fresh process: policy load and warm-up ${cold.loadMs.toFixed(1)} ms (median); first request ${cold.firstRequestMs.toFixed(3)} ms; ` +
        `per-request medians over ${cold.processes} processes p50 ${cold.perRequestMedianP50Ms.toFixed(3)} ms, p99 ${cold.perRequestMedianP99Ms.toFixed(3)} ms; ` +
        `raw per process p50 ${cold.p50Ms.toFixed(3)} ms, p99 ${cold.p99Ms.toFixed(3)} ms (median; worst ${cold.worstP99Ms.toFixed(3)} ms)`,
    );
    // Without the canary: its single 600-RPM deployment would throttle 1,000 back-to-back requests.
    const loopback = await loopbackOverhead(ourSetup(false), 1000);
    print(`HTTP on loopback: through the gateway p50 ${loopback.gatewayP50Ms.toFixed(3)} ms / p99 ${loopback.gatewayP99Ms.toFixed(3)} ms; bare server p50 ${loopback.directP50Ms.toFixed(3)} ms / p99 ${loopback.directP99Ms.toFixed(3)} ms`);

    const file = path.join(root, "bench", "results.json");
    fs.writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
    print(`wrote ${path.relative(process.cwd(), file)}`);
    const overhead =
      `Emulator overhead (in-process, instant upstream, ${cold.processes} fresh processes × ${cold.requests} requests, every request counted from the first; load average ${os.loadavg()[0]!.toFixed(1)} on ${os.cpus().length} cores): policy load and warm-up ${cold.loadMs.toFixed(1)} ms; first request ${cold.firstRequestMs.toFixed(3)} ms; ` +
      `per request (median of each request over the processes, which drops moments a process was descheduled) p50 ${cold.perRequestMedianP50Ms.toFixed(3)} ms, p99 ${cold.perRequestMedianP99Ms.toFixed(3)} ms; raw wall time per process p50 ${cold.p50Ms.toFixed(3)} ms, p99 ${cold.p99Ms.toFixed(3)} ms (median; worst ${cold.worstP99Ms.toFixed(3)} ms). ` +
      `Over HTTP on loopback (900 sequential requests after warm-up, deployments answering in 0 ms): through the gateway p50 ${loopback.gatewayP50Ms.toFixed(2)} ms / p99 ${loopback.gatewayP99Ms.toFixed(2)} ms, to a bare HTTP server returning the same body p50 ${loopback.directP50Ms.toFixed(2)} ms / p99 ${loopback.directP99Ms.toFixed(2)} ms.`;
    const table = markdownTable(results, { seeds: SEEDS_PER_SCENARIO, overhead });
    // The same generated block in the simulator docs and the README, from this one run.
    for (const doc of [path.join(root, "docs", "simulator.md"), path.join(root, "README.md")]) {
      if (!fs.existsSync(doc)) continue;
      fs.writeFileSync(doc, replaceGeneratedSection(fs.readFileSync(doc, "utf8"), table));
      print(`updated the benchmark table in ${path.relative(process.cwd(), doc)}`);
    }
    return { workers, simulateSeconds, sources: Object.fromEntries(BASELINES.map((b) => [b.key, b.source])), results, emulatorColdStart: cold, loopback };
  },
});
