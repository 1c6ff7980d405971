/**
 * Plan time: 1 deployment in 1 region with 1 route vs 10 regions × 20 deployments with 20 routes
 * (200 deployments). The target: the large plan within 1.5× the small one, as a user waits for it —
 * `tsx cli/main.ts plan` in a fresh process each time, small and large runs interleaved (ABBA, so
 * machine-load drift hits both alike), wall time and the child's CPU time (user + system, from
 * bash's `times`). Measured exactly as `npm run plan` runs: the offline runner drops resource
 * aliases (cli/plan/runner.ts); one extra large run keeps them (AOAI_FLEET_PLAN_ALIASES=1) to show
 * what that costs and that plan.json is identical either way. Both cases use the routing defaults;
 * a third case, the large fleet with the routing options that add per-member pools and statements
 * off (no wait, no avoid twins, no spill twin), shows what those options cost in plan time.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { median } from "simple-statistics";
import { stringify } from "yaml";
import { BenchFailure, defineBenchSuite } from "../registry";

const REPO = path.resolve(__dirname, "..", "..");
const REGIONS = ["eastus", "eastus2", "westus", "westus3", "northcentralus", "southcentralus", "swedencentral", "francecentral", "germanywestcentral", "polandcentral"];
// Ten rounds: on this 2-core machine one plan's time moves by up to a fifth from run to run, and the
// ratio of medians of six moved by about 0.1 between otherwise identical runs.
const PAIRS = 10;
const TARGET = 1.5;

/** The routing options that grow with a route's members, off (a fresh object per route, so the YAML has no aliases). */
const memberFreeRouting = () => ({ waitBudgetSeconds: 0, avoidSlow: { enabled: false }, spill: { enabled: false } });

function config(regions: number, deployments: number, optionsOff = false): Record<string, unknown> {
  const names = Array.from({ length: deployments }, (_, i) => `d${String(i + 1).padStart(2, "0")}`);
  return {
    "aoai-fleet:fleet": {
      name: "bench-fleet",
      regions: Object.fromEntries(REGIONS.slice(0, regions).map((r) => [r, {}])),
      deployments: Object.fromEntries(names.map((n) => [n, { model: "gpt-4.1", version: "2025-04-14", sku: "DataZoneStandard", capacity: 10, upgrade: "NoAutoUpgrade" }])),
    },
    "aoai-fleet:gateway": {
      sku: "StandardV2",
      capacity: 1,
      publisher: { name: "Bench", email: "bench@example.com" },
      auth: { subscriptionKeys: true },
      circuitBreaker: { failures: 1, interval: "PT1M", trip: "PT1M", acceptRetryAfter: true },
      routes: Object.fromEntries(names.map((n) => [n, { strategy: "weighted", backends: [{ deployment: n }], ...(optionsOff ? { routing: memberFreeRouting() } : {}) }])),
    },
  };
}

interface Run {
  wallMs: number;
  cpuMs: number;
  exitCode: number;
}

/** `m0.123s` pairs from bash's `times`: the second line is the children's user and system time. */
function childCpuMs(timesOutput: string): number {
  const line = timesOutput.trim().split("\n").pop() ?? "";
  const parts = [...line.matchAll(/(\d+)m([\d.]+)s/g)].map((m) => Number(m[1]) * 60_000 + Number(m[2]) * 1000);
  if (parts.length !== 2) throw new Error(`cannot read CPU time from bash times output: ${JSON.stringify(timesOutput)}`);
  return parts[0]! + parts[1]!;
}

function planOnce(file: string, stack: string, out: string, env: Record<string, string> = {}): Run {
  const tsx = path.join(REPO, "node_modules", ".bin", "tsx");
  const errFile = `${out}.stderr`;
  const command = `${JSON.stringify(tsx)} cli/main.ts plan ${stack} --config ${JSON.stringify(file)} --out ${JSON.stringify(out)} --today 2026-11-23 >/dev/null 2>${JSON.stringify(errFile)}; code=$?; times; exit $code`;
  const start = performance.now();
  const child = spawnSync("bash", ["-c", command], { cwd: REPO, encoding: "utf8", env: { ...process.env, ...env } });
  const wallMs = performance.now() - start;
  // Exit 1 comes from plan steps that judge the fleet (compliance); the plan itself still ran.
  if (child.status !== 0 && child.status !== 1) {
    const stderr = fs.existsSync(errFile) ? fs.readFileSync(errFile, "utf8") : child.stderr;
    throw new BenchFailure(`the plan of ${stack} exited ${child.status}, so plan time cannot be compared; bench/results-plan.json keeps the last run that planned.\n${stderr.trim()}`);
  }
  return { wallMs, cpuMs: childCpuMs(child.stdout), exitCode: child.status };
}

const round = (ms: number) => Math.round(ms);
const ratio = (a: number, b: number) => Math.round((a / b) * 100) / 100;

type CaseName = "small" | "large" | "largeOptionsOff";

defineBenchSuite({
  name: "plan",
  description: `offline plan time, fresh process each run: 10 regions × 20 deployments with 20 routes vs 1 deployment with 1 route, routing defaults, and the large fleet again with the per-member routing options off (interleaved, wall and CPU; target ≤ ${TARGET}×)`,
  async run(print) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "aoai-bench-"));
    const cases: Record<CaseName, { regions: number; deployments: number; optionsOff: boolean }> = {
      small: { regions: 1, deployments: 1, optionsOff: false },
      large: { regions: 10, deployments: 20, optionsOff: false },
      largeOptionsOff: { regions: 10, deployments: 20, optionsOff: true },
    };
    const names = Object.keys(cases) as CaseName[];
    const files = Object.fromEntries(
      names.map((name) => {
        const c = cases[name];
        const file = path.join(dir, `Pulumi.bench-${name}.yaml`);
        fs.writeFileSync(file, stringify({ config: config(c.regions, c.deployments, c.optionsOff) }));
        return [name, file];
      }),
    ) as Record<CaseName, string>;
    const out = (name: string) => path.join(dir, name);
    // Warm the file system cache and tsx's transform cache once, unmeasured.
    planOnce(files.small, "bench-small", out("warm"));
    const runs: Record<CaseName, Run[]> = { small: [], large: [], largeOptionsOff: [] };
    for (let i = 0; i < PAIRS; i++) {
      // Rotate the order so machine-load drift hits every case alike.
      const order = names.map((_, k) => names[(k + i) % names.length]!);
      for (const c of order) {
        const r = planOnce(files[c], `bench-${c}`, out(c));
        runs[c].push(r);
        print(`${c}: wall ${round(r.wallMs)} ms, CPU ${round(r.cpuMs)} ms (exit ${r.exitCode})`);
      }
    }
    const withAliases = planOnce(files.large, "bench-large", out("large-aliases"), { AOAI_FLEET_PLAN_ALIASES: "1" });
    print(`large, aliases kept: wall ${round(withAliases.wallMs)} ms, CPU ${round(withAliases.cpuMs)} ms`);
    const planJson = (d: string, stack: string) => JSON.parse(fs.readFileSync(path.join(d, stack, "plan.json"), "utf8")) as { resources: unknown[] };
    const identical = JSON.stringify(planJson(out("large"), "bench-large").resources) === JSON.stringify(planJson(out("large-aliases"), "bench-large").resources);
    const resources = (c: CaseName) => planJson(out(c), `bench-${c}`).resources.length;
    const med = (c: CaseName, k: "wallMs" | "cpuMs") => median(runs[c].map((r) => r[k]));
    const ratios = (c: CaseName) => ({ wall: ratio(med(c, "wallMs"), med("small", "wallMs")), cpu: ratio(med(c, "cpuMs"), med("small", "cpuMs")) });
    // Each round's own ratio (its large run ÷ the same round's small run): the spread shows how far one
    // measurement can stray from the ratio of the medians.
    const roundRatios = (c: CaseName, k: "wallMs" | "cpuMs") => runs[c].map((r, i) => r[k] / runs.small[i]![k]);
    const spread = (c: CaseName) => {
      const range = (values: number[]) => [ratio(Math.min(...values), 1), ratio(Math.max(...values), 1)];
      return { wall: range(roundRatios(c, "wallMs")), cpu: range(roundRatios(c, "cpuMs")) };
    };
    const result = {
      machine: { cpus: os.cpus().length, loadAverage: os.loadavg().map((x) => Math.round(x * 100) / 100) },
      cases: Object.fromEntries(
        names.map((name) => [
          name,
          { ...cases[name], routes: cases[name].deployments, resources: resources(name), wallMs: { median: round(med(name, "wallMs")), runs: runs[name].map((r) => round(r.wallMs)) }, cpuMs: { median: round(med(name, "cpuMs")), runs: runs[name].map((r) => round(r.cpuMs)) } },
        ]),
      ),
      largeResources: resources("large"),
      ratio: { ...ratios("large"), target: TARGET },
      roundRatioRange: spread("large"),
      ratioOptionsOff: ratios("largeOptionsOff"),
      roundRatioRangeOptionsOff: spread("largeOptionsOff"),
      withAliases: { wallMs: round(withAliases.wallMs), cpuMs: round(withAliases.cpuMs), cpuRatio: ratio(withAliases.cpuMs, med("small", "cpuMs")), planJsonIdentical: identical },
      met: ratios("large").wall <= TARGET && ratios("large").cpu <= TARGET,
      metOptionsOff: ratios("largeOptionsOff").wall <= TARGET && ratios("largeOptionsOff").cpu <= TARGET,
    };
    print(
      `large (${resources("large")} resources) / small, medians of ${PAIRS} interleaved runs each: wall ${result.ratio.wall}×, CPU ${result.ratio.cpu}× (target ≤ ${TARGET}×: ${result.met ? "met" : "NOT met"}; single rounds ${result.roundRatioRange.wall.join("–")}× wall, ${result.roundRatioRange.cpu.join("–")}× CPU); ` +
        `options off (${resources("largeOptionsOff")} resources): wall ${result.ratioOptionsOff.wall}×, CPU ${result.ratioOptionsOff.cpu}× (${result.metOptionsOff ? "met" : "NOT met"}); ` +
        `with aliases the large plan's CPU is ${result.withAliases.cpuRatio}× the small one; plan.json resources identical with and without aliases: ${identical}`,
    );
    fs.rmSync(dir, { recursive: true, force: true });
    return result;
  },
});
