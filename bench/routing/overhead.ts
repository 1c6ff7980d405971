// Emulator overhead: wall time the emulator spends per request (policy load excluded) with an
// upstream that answers instantly, in-process and through the HTTP gateway on loopback.
import { quantileSorted } from "simple-statistics";
import { UpstreamDirectory } from "../../simulator/azure/account";
import { RealClock } from "../../simulator/clock";
import { BackendRegistry, type BackendEntity } from "../../simulator/emulator/backends";
import { PolicyEmulator } from "../../simulator/emulator/emulator";
import type { SimRequest, SimResponse, Upstream } from "../../simulator/http-types";
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

export async function emulatorOverhead(setup: SimSetup, n: number): Promise<{ requests: number; p50Ms: number; p99Ms: number; maxMs: number }> {
  const directory = new UpstreamDirectory();
  const entities = new Map<string, BackendEntity>();
  for (const b of setup.backends) {
    directory.set(new URL(b.url).origin, new InstantUpstream());
    entities.set(b.backendId, { type: "Single", url: b.url, ...(setup.breaker ? { circuitBreaker: setup.breaker } : {}) });
  }
  for (const p of setup.pools) entities.set(p.poolId, { type: "Pool", members: p.members.map((m) => ({ id: m.backendId, priority: m.priority, weight: m.weight })) });
  const rng = new Rng(5);
  const emulator = new PolicyEmulator({ policyXml: setup.policyXml, backends: new BackendRegistry(entities, rng), upstreams: directory, namedValues: setup.namedValues, clock: new RealClock(), rng, apiPath: "openai", region: "local" });
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const caller = { subscriptionId: `s${i % 100}`, userId: `u${i % 100}`, ip: "127.0.0.1" };
    const request = { ...REQUEST, headers: { ...REQUEST.headers, ...setup.callerHeaders(caller) } };
    const t = performance.now();
    const { response } = await emulator.handle({ request, caller });
    times.push(performance.now() - t);
    if (response.status !== 200) throw new Error(`overhead run: unexpected ${response.status} ${response.body}`);
  }
  // The first requests include JIT warm-up; measure the steady state.
  const sorted = times.slice(Math.floor(n / 10)).sort((a, b) => a - b);
  return { requests: sorted.length, p50Ms: quantileSorted(sorted, 0.5), p99Ms: quantileSorted(sorted, 0.99), maxMs: sorted[sorted.length - 1]! };
}
