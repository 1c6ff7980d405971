// First-chunk time of a streamed chat completion through the local gateway (`--backends`, the dev
// stack's generated policy) versus straight to the same streaming endpoint, on loopback. The target
// is a gateway within 5 ms of direct at the median: pass-through must not wait for anything but the
// backend's first chunk. Runs alternate between the two paths after a warm-up; medians of 20.
import { quantileSorted } from "simple-statistics";
import { SimulatedAccount } from "../../simulator/azure/account";
import { SimulatedDeployment } from "../../simulator/azure/deployment";
import { RealClock } from "../../simulator/clock";
import { startGateway } from "../../simulator/http/server";
import { serveUpstream } from "../../simulator/http/upstream-server";
import { Rng } from "../../simulator/rng";
import { loadStackSetup, routedBackends } from "../../simulator/stack";
import { defineBenchSuite } from "../registry";

const RUNS = 20;
const WARM_UP = 5;
/** The endpoint's pacing: 100 ms to the first token, then 10 ms per token, 20 tokens. */
const LATENCY = { baseMs: 100, perOutputTokenMs: 10, sigma: 0, rejectMs: 1 };

/** Milliseconds from sending the request to the first body chunk of the stream; the rest is drained. */
async function firstChunkMs(url: string, headers: Record<string, string>, body: unknown): Promise<number> {
  const started = performance.now();
  const response = await fetch(url, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) });
  if (response.status !== 200 || !response.body) throw new Error(`streaming bench: ${url} answered ${response.status}`);
  const reader = response.body.getReader();
  const first = await reader.read();
  const elapsed = performance.now() - started;
  if (first.done) throw new Error("streaming bench: the stream ended before its first chunk");
  while (!(await reader.read()).done) {
    // drain
  }
  return elapsed;
}

const stats = (xs: number[]) => {
  const sorted = [...xs].sort((a, b) => a - b);
  return { medianMs: quantileSorted(sorted, 0.5), p90Ms: quantileSorted(sorted, 0.9), minMs: sorted[0]!, maxMs: sorted[sorted.length - 1]! };
};

defineBenchSuite({
  name: "streaming",
  description: "first-chunk time of a streamed chat completion through the local gateway vs direct to the endpoint (loopback, median of 20)",
  async run(print) {
    const clock = new RealClock();
    const account = new SimulatedAccount("http://stream-endpoint", "eastus2");
    for (const [deployment, model] of [["chat", "gpt-4.1-mini"], ["embeddings", "text-embedding-3-small"]] as const)
      account.add(new SimulatedDeployment({ deployment, region: "eastus2", model, capacity: 100_000, tpmPerUnit: 1000, rpmPerUnit: 1000, latency: LATENCY, completionTokens: 20 }, clock, new Rng(1)));
    const endpoint = await serveUpstream(account);
    const origins = { chat: { eastus2: endpoint.url, swedencentral: endpoint.url }, embeddings: { eastus2: endpoint.url, swedencentral: endpoint.url } };
    const setup = loadStackSetup("dev", { accountOrigins: origins });
    const realBackends = new Map(routedBackends(setup).map((b) => [b.backendId, endpoint.url]));
    const gateway = await startGateway(setup, { realBackends });
    const body = { model: "chat", messages: [{ role: "user", content: "Stream twenty tokens" }], stream: true };
    const direct = () => firstChunkMs(`${endpoint.url}/openai/deployments/chat/chat/completions?api-version=2024-10-21`, {}, body);
    const through = () => firstChunkMs(`${gateway.url}/openai/v1/chat/completions`, { "api-key": "bench" }, body);
    try {
      for (let i = 0; i < WARM_UP; i++) {
        await direct();
        await through();
      }
      const d: number[] = [];
      const g: number[] = [];
      for (let i = 0; i < RUNS; i++) {
        d.push(await direct());
        g.push(await through());
      }
      const directStats = stats(d);
      const gatewayStats = stats(g);
      const differenceMs = gatewayStats.medianMs - directStats.medianMs;
      print(`first chunk, direct:        median ${directStats.medianMs.toFixed(2)} ms (p90 ${directStats.p90Ms.toFixed(2)}), ${RUNS} runs`);
      print(`first chunk, via gateway:   median ${gatewayStats.medianMs.toFixed(2)} ms (p90 ${gatewayStats.p90Ms.toFixed(2)}), ${RUNS} runs`);
      print(`gateway adds ${differenceMs.toFixed(2)} ms at the median (target: within 5 ms) — ${differenceMs <= 5 ? "met" : "NOT met"}`);
      return { runs: RUNS, endpointTtftMs: LATENCY.baseMs, direct: directStats, gateway: gatewayStats, differenceMs, targetMs: 5, met: differenceMs <= 5, samples: { direct: d, gateway: g } };
    } finally {
      await gateway.close();
      await endpoint.close();
    }
  },
});
