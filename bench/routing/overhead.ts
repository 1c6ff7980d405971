// Emulator overhead: wall time the emulator spends per request (policy load excluded) with an
// upstream that answers instantly, in-process and through the HTTP gateway on loopback.
import { quantileSorted } from "simple-statistics";
import { UpstreamDirectory } from "../../simulator/azure/account";
import { RealClock } from "../../simulator/clock";
import { BackendRegistry, type BackendEntity } from "../../simulator/emulator/backends";
import { PolicyEmulator } from "../../simulator/emulator/emulator";
import type { SimRequest, SimResponse, Upstream } from "../../simulator/http-types";
import { startGateway } from "../../simulator/http/server";
import { warmUpCalls } from "../../simulator/emulator/warm-up";
import { serveUpstream } from "../../simulator/http/upstream-server";
import { Rng } from "../../simulator/rng";
import type { SimSetup } from "../../simulator/stack";

const OK_BODY = JSON.stringify({ choices: [{ index: 0, message: { role: "assistant", content: "ok" } }], usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 } });

class InstantUpstream implements Upstream {
  send(_r: SimRequest): Promise<SimResponse> {
    return Promise.resolve({ status: 200, headers: { "content-type": "application/json" }, body: OK_BODY });
  }
}

const REQUEST: SimRequest = {
  method: "POST",
  path: "/openai/deployments/chat/chat/completions",
  query: { "api-version": "2024-10-21" },
  headers: { "content-type": "application/json" },
  body: JSON.stringify({ messages: [{ role: "user", content: "x".repeat(2000) }], max_tokens: 100 }),
};

/**
 * Builds an emulator for the setup (timed: parse, load-time checks and warm-up, as the local gateway
 * does before it listens), then times every request from the very first one.
 */
export async function emulatorRequestTimes(setup: SimSetup, n: number): Promise<{ loadMs: number; times: number[] }> {
  const directory = new UpstreamDirectory();
  const entities = new Map<string, BackendEntity>();
  for (const b of setup.backends) {
    directory.set(new URL(b.url).origin, new InstantUpstream());
    entities.set(b.backendId, { type: "Single", url: b.url, ...(setup.breaker ? { circuitBreaker: setup.breaker } : {}) });
  }
  for (const p of setup.pools) entities.set(p.poolId, { type: "Pool", members: p.members.map((m) => ({ id: m.backendId, priority: m.priority, weight: m.weight })) });
  const rng = new Rng(5);
  const loadStart = performance.now();
  const emulator = new PolicyEmulator({ policyXml: setup.policyXml, siblingApis: setup.siblingApis, backends: new BackendRegistry(entities, rng), upstreams: directory, namedValues: setup.namedValues, clock: new RealClock(), rng, apiPath: "openai", region: "local" });
  // What the local gateway does before it listens (simulator/http/server.ts).
  await emulator.warmUp(warmUpCalls(setup));
  const loadMs = performance.now() - loadStart;
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const caller = { subscriptionId: `s${i % 100}`, userId: `u${i % 100}`, ip: "127.0.0.1" };
    const request = { ...REQUEST, headers: { ...REQUEST.headers, ...setup.callerHeaders(caller) } };
    const t = performance.now();
    const { response } = await emulator.handle({ request, caller });
    times.push(performance.now() - t);

    if (response.status !== 200) throw new Error(`overhead run: unexpected ${response.status} ${response.body}`);
  }
  return { loadMs, times };
}

export interface LatencyStats {
  requests: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

export function stats(times: number[]): LatencyStats {
  const sorted = [...times].sort((a, b) => a - b);
  return { requests: sorted.length, p50Ms: quantileSorted(sorted, 0.5), p99Ms: quantileSorted(sorted, 0.99), maxMs: sorted[sorted.length - 1]! };
}

/**
 * The same over HTTP on loopback: client round trips through the local gateway (simulated
 * deployments answering in 0 ms) next to round trips to a bare HTTP server answering the same body,
 * so the difference is what the gateway + emulator add per request.
 */
export async function loopbackOverhead(setup: SimSetup, n: number): Promise<{ requests: number; gatewayP50Ms: number; gatewayP99Ms: number; directP50Ms: number; directP99Ms: number }> {
  const gateway = await startGateway(setup, { latency: { baseMs: 0, perOutputTokenMs: 0, sigma: 0, rejectMs: 0 }, completionTokens: 5 });
  const direct = await serveUpstream(new InstantUpstream());
  const time = async (url: string, i: number): Promise<number> => {
    const caller = { subscriptionId: `s${i % 100}`, userId: `u${i % 100}`, ip: "127.0.0.1" };
    const t = performance.now();
    const r = await fetch(url, { method: "POST", headers: { ...REQUEST.headers, ...setup.callerHeaders(caller) }, body: JSON.stringify({ messages: [{ role: "user", content: "hi" }], max_tokens: 5 }) });
    await r.text();
    if (r.status !== 200) throw new Error(`loopback overhead run: unexpected ${r.status}`);
    return performance.now() - t;
  };
  try {
    const g: number[] = [];
    const d: number[] = [];
    for (let i = 0; i < n; i++) {
      g.push(await time(`${gateway.url}/openai/deployments/chat/chat/completions?api-version=2024-10-21`, i));
      d.push(await time(`${direct.url}/openai/deployments/chat/chat/completions?api-version=2024-10-21`, i));
    }
    const q = (xs: number[], p: number) => quantileSorted(xs.slice(Math.floor(n / 10)).sort((a, b) => a - b), p);
    return { requests: n - Math.floor(n / 10), gatewayP50Ms: q(g, 0.5), gatewayP99Ms: q(g, 0.99), directP50Ms: q(d, 0.5), directP99Ms: q(d, 0.99) };
  } finally {
    await Promise.all([gateway.close(), direct.close()]);
  }
}

export interface ColdStart {
  processes: number;
  requests: number;
  /** Median time to build the emulator (parse, check, warm-up) in a fresh process, ms. */
  loadMs: number;
  /** Medians over the processes of each process's p50 / p99, every request counted from the first. */
  p50Ms: number;
  p99Ms: number;
  worstP99Ms: number;
  /**
   * p50 / p99 of the per-request medians: request i's time is the median of request i over the fresh
   * processes. Being descheduled by the OS (a shared machine) hits one process at a random request;
   * what the emulator itself costs — the first request, garbage collection — recurs in every process.
   */
  perRequestMedianP50Ms: number;
  perRequestMedianP99Ms: number;
  /** The first request's median over the processes. */
  firstRequestMs: number;
}

/** Runs bench/routing/cold-start.ts in `processes` fresh Node processes, `n` requests each. */
export async function coldStart(n: number, processes: number): Promise<ColdStart> {
  const { spawnSync } = await import("node:child_process");
  const path = await import("node:path");
  const { median } = await import("simple-statistics");
  const runs: Array<{ loadMs: number; stats: LatencyStats; times: number[] }> = [];
  for (let i = 0; i < processes; i++) {
    const child = spawnSync(process.execPath, ["--import", "tsx", path.join(__dirname, "cold-start.ts"), String(n)], { encoding: "utf8", maxBuffer: 16 * 1024 * 1024 });
    if (child.status !== 0) throw new Error(`cold-start process failed: ${child.stderr}`);
    const out = JSON.parse(child.stdout) as { loadMs: number; times: number[] };
    runs.push({ loadMs: out.loadMs, stats: stats(out.times), times: out.times });
  }
  const perRequest = stats(Array.from({ length: n }, (_, i) => median(runs.map((r) => r.times[i]!))));
  return {
    processes,
    requests: n,
    loadMs: median(runs.map((r) => r.loadMs)),
    p50Ms: median(runs.map((r) => r.stats.p50Ms)),
    p99Ms: median(runs.map((r) => r.stats.p99Ms)),
    worstP99Ms: Math.max(...runs.map((r) => r.stats.p99Ms)),
    perRequestMedianP50Ms: perRequest.p50Ms,
    perRequestMedianP99Ms: perRequest.p99Ms,
    firstRequestMs: median(runs.map((r) => r.times[0]!)),
  };
}
