import { describe, expect, it } from "vitest";
import { VirtualClock } from "../../simulator/clock";
import { SimulatedDeployment, limitsOf, type SimDeploymentSpec } from "../../simulator/azure/deployment";
import type { SimRequest, SimResponse } from "../../simulator/http-types";
import { Rng } from "../../simulator/rng";
import { textOf } from "./support";

const spec: SimDeploymentSpec = {
  deployment: "chat",
  region: "eastus2",
  model: "gpt-4o",
  capacity: 10,
  tpmPerUnit: 1000,
  rpmPerUnit: 6,
  latency: { baseMs: 100, perOutputTokenMs: 0, sigma: 0, rejectMs: 1 },
  completionTokens: 50,
};

/** A chat request the service estimates at exactly `tokens` (prompt chars / 4 + max_tokens). */
function chat(tokens: number): SimRequest {
  const prompt = "x".repeat(4 * 200);
  return {
    method: "POST",
    path: "/openai/deployments/chat/chat/completions",
    query: { "api-version": "2024-10-21" },
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ messages: [{ role: "user", content: prompt }], max_tokens: tokens - 200 }),
  };
}

async function sendAt(clock: VirtualClock, d: SimulatedDeployment, times: number[], tokens: number): Promise<Array<{ t: number; r: SimResponse }>> {
  const out: Array<{ t: number; r: SimResponse }> = [];
  for (const t of times) clock.schedule(t, () => void d.send(chat(tokens), 300_000).then((r) => out.push({ t, r })));
  await clock.run();
  return out.sort((a, b) => a.t - b.t);
}

describe("SimulatedDeployment throttling", () => {
  it("derives limits from capacity: 10 units of a 1,000-TPM / 6-RPM model = 10,000 TPM and 10 requests per 10 s", () => {
    expect(limitsOf(spec)).toEqual({ tokensPerMinute: 10_000, requestsPer10s: 10 });
  });

  it("accepts N units' worth of tokens in any 60 s and 429s the rest with Retry-After until the oldest charge leaves", async () => {
    const clock = new VirtualClock();
    const d = new SimulatedDeployment(spec, clock, new Rng(1));
    // 30 requests of 1,000 tokens, one every 2 s (5 per 10 s: never request-bound).
    const results = await sendAt(clock, d, Array.from({ length: 30 }, (_, i) => i * 2000), 1000);
    const statuses = results.map((x) => x.r.status);
    expect(statuses.slice(0, 10)).toEqual(Array(10).fill(200));
    expect(statuses.slice(10)).toEqual(Array(20).fill(429));
    const first429 = results[10]!;
    expect(first429.t).toBe(20_000);
    expect(first429.r.headers["retry-after"]).toBe("40");
    expect(first429.r.headers["retry-after-ms"]).toBe("40000");
    expect(JSON.parse(textOf(first429.r))).toEqual({
      error: {
        code: "429",
        message:
          "Requests to the ChatCompletions_Create Operation under Azure OpenAI API version 2024-10-21 have exceeded token rate limit of your current OpenAI S0 pricing tier. Please retry after 40 seconds.",
      },
    });
    expect(d.stats).toMatchObject({ accepted: 10, acceptedTokens: 10_000, throttled: 20 });
  });

  it("accepts exactly capacity × TPM per unit in every minute under sustained overload", async () => {
    const clock = new VirtualClock();
    const d = new SimulatedDeployment(spec, clock, new Rng(1));
    // 3 minutes, a 500-token request every 1.1 s: 2× the token limit, under the request limit.
    const times = Array.from({ length: 163 }, (_, i) => i * 1100);
    const results = await sendAt(clock, d, times, 500);
    for (let minute = 0; minute < 3; minute++) {
      const ok = results.filter((x) => x.r.status === 200 && Math.floor(x.t / 60_000) === minute).length;
      expect(ok * 500).toBe(10_000);
    }
  });

  it("meters requests over the last 10 s: the 11th request inside 10 s gets 429 with Retry-After until the oldest one leaves", async () => {
    const clock = new VirtualClock();
    const d = new SimulatedDeployment(spec, clock, new Rng(1));
    const results = await sendAt(clock, d, Array.from({ length: 12 }, (_, i) => 4000 + i * 10), 201);
    expect(results.map((x) => x.r.status)).toEqual([...Array(10).fill(200), 429, 429]);
    // The first request (t = 4,000) leaves the window at 14,000; the 11th arrived at 4,100.
    expect(results[10]!.r.headers["retry-after-ms"]).toBe("9900");
    expect(results[10]!.r.headers["retry-after"]).toBe("10");
    expect(results[0]!.r.headers["x-ratelimit-limit-requests"]).toBe("10");
    expect(results[0]!.r.headers["x-ratelimit-limit-tokens"]).toBe("10000");
  });

  it("rejects a single request larger than the per-minute limit with 429", async () => {
    const clock = new VirtualClock();
    const d = new SimulatedDeployment(spec, clock, new Rng(1));
    const [only] = await sendAt(clock, d, [0], 10_001);
    expect(only!.r.status).toBe(429);
  });

  it("plays outages, 5xx bursts and Retry-After storms from the fault schedule", async () => {
    const clock = new VirtualClock();
    const d = new SimulatedDeployment(spec, clock, new Rng(1), [
      { fromMs: 0, toMs: 1000, fault: { kind: "outage" } },
      { fromMs: 1000, toMs: 2000, region: "eastus2", fault: { kind: "errors", rate: 1, status: 503 } },
      { fromMs: 2000, toMs: 3000, deployment: "chat", fault: { kind: "throttle", retryAfterSeconds: 60 } },
      { fromMs: 0, toMs: 5000, region: "westus", fault: { kind: "outage" } },
    ]);
    const outcomes: string[] = [];
    for (const t of [500, 1500, 2500, 3500]) {
      clock.schedule(t, () =>
        void d.send(chat(300), 300_000).then(
          (r) => outcomes.push(`${t}:${r.status}:${r.headers["retry-after"] ?? "-"}`),
          (e: Error) => outcomes.push(`${t}:${e.name}:${(e as { reason?: string }).reason}`),
        ),
      );
    }
    await clock.run();
    expect(outcomes.sort()).toEqual(["1500:503:-", "2500:429:60", "3500:200:-", "500:TransportError:BackendConnectionFailure"]);
  });

  it("times out a slow answer as a transport error", async () => {
    const clock = new VirtualClock();
    const d = new SimulatedDeployment(spec, clock, new Rng(1));
    const p = d.send(chat(300), 50);
    const settled = p.then(() => "answered", (e: Error & { reason?: string }) => `${e.reason}@${clock.now()}`);
    await clock.run();
    expect(await settled).toBe("Timeout@50");
  });

  it("meters a provisioned deployment by a leaky bucket: refused only above 100% utilisation, for the time until it drains below", async () => {
    const clock = new VirtualClock();
    const ptu = new SimulatedDeployment({ ...spec, deployment: "chat", capacity: 24, tpmPerUnit: 2500, rpmPerUnit: 0, provisioned: true }, clock, new Rng(1));
    // 60,000 TPM drains 1 token per ms. 61 requests of 1,000 tokens at t=0 fit (the 61st arrives at exactly 100%).
    const burst = await sendAt(clock, ptu, Array.from({ length: 62 }, () => 0), 1000);
    expect(burst.filter((x) => x.r.status === 200)).toHaveLength(61);
    const refused = burst.find((x) => x.r.status === 429)!;
    expect(refused.r.headers["retry-after-ms"]).toBe("1000");
    expect(refused.r.headers["retry-after"]).toBe("1");
    expect(refused.r.headers["x-ratelimit-limit-requests"]).toBeUndefined();
    const [later] = await sendAt(clock, ptu, [clock.now() + 1000], 1000);
    expect(later!.r.status).toBe(200);
  });
});
