import { AzureOpenAI } from "openai";
import { afterEach, describe, expect, it } from "vitest";
import { SkewableClock } from "../../simulator/clock";
import { startGateway, type RunningGateway } from "../../simulator/http/server";
import { loadStackSetup } from "../../simulator/stack";

const FAST = { baseMs: 5, perOutputTokenMs: 0, sigma: 0, rejectMs: 1 };
let gateway: RunningGateway | undefined;

afterEach(async () => {
  await gateway?.close();
  gateway = undefined;
});

function client(g: RunningGateway, maxRetries = 2): AzureOpenAI {
  return new AzureOpenAI({ endpoint: g.url, apiKey: "team-a", apiVersion: "2024-10-21", deployment: "chat", maxRetries });
}

describe("local gateway (dev stack's generated policy) with the real openai client", () => {
  it("serves chat completions through the stack's policy to the simulated deployments", async () => {
    gateway = await startGateway(loadStackSetup("dev", { today: new Date("2026-11-23") }), { latency: FAST, completionTokens: 20, subscriptionKeys: ["team-a"] });
    const { data, response } = await client(gateway)
      .chat.completions.create({ model: "chat", messages: [{ role: "user", content: "Say hello" }], max_tokens: 50 })
      .withResponse();
    expect(data.choices[0]!.message.content).toMatch(/^Simulated answer from chat in (eastus2|swedencentral) by gpt-4\.1-mini\.( word\.?){12}$/);
    expect(data.usage).toEqual({ prompt_tokens: 3, completion_tokens: 20, total_tokens: 23 });
    // Information hiding by default: no backend host, no region, no route or target headers.
    for (const header of ["x-aoai-backend", "x-ms-region", "x-aoai-route", "x-aoai-target"]) expect(response.headers.get(header), header).toBeNull();
  });

  it("fails over to the other region when a backend is taken down, and returns when it is back", async () => {
    const clock = new SkewableClock();
    gateway = await startGateway(loadStackSetup("dev", { today: new Date("2026-11-23") }), { latency: FAST, completionTokens: 8, seed: 3, clock, subscriptionKeys: ["team-a"] });
    const ai = client(gateway);
    const backends = async (n: number) => {
      const seen: string[] = [];
      for (let i = 0; i < n; i++) {
        const completion = await ai.chat.completions.create({ model: "chat", messages: [{ role: "user", content: `q${i}` }], max_tokens: 10 });
        // The simulated deployment names its region in its answer (the gateway hides backend headers).
        seen.push(`contoso-ai-dev-${/ in ([a-z0-9]+)\b/.exec(completion.choices[0]!.message.content ?? "")![1]}`);
      }
      return seen;
    };
    // dev's chat is gpt-4.1-mini at capacity 50: 50 RPM, metered as 8 requests per 10 s per region.
    // Stay under that (and move the clock past each 10-s bucket) so only the outage shapes routing.
    const before = await backends(10);
    clock.advance(10_000);
    expect(new Set(before)).toEqual(new Set(["contoso-ai-dev-eastus2", "contoso-ai-dev-swedencentral"]));
    gateway.takeDown("chat", "eastus2", "unavailable");
    const during = await backends(7);
    expect(new Set(during)).toEqual(new Set(["contoso-ai-dev-swedencentral"]));
    // The first 503 trips eastus2's breaker (count 1 in PT1M) and the retry goes to swedencentral.
    expect(gateway.world!.deployments.find((d) => d.spec.region === "eastus2" && d.spec.deployment === "chat")!.stats.serverErrors).toBe(1);
    gateway.bringUp("chat", "eastus2");
    // The breaker stays open for its trip duration (PT1M); let that minute pass.
    clock.advance(61_000);
    const after = await backends(10);
    expect(after).toContain("contoso-ai-dev-eastus2");
  });

  it("answers each of 1,000 concurrent requests exactly once under injected faults", async () => {
    gateway = await startGateway(loadStackSetup("dev", { today: new Date("2026-11-23") }), {
      latency: { baseMs: 20, perOutputTokenMs: 0, sigma: 0.5, rejectMs: 1 },
      completionTokens: 5,
      subscriptionKeys: Array.from({ length: 17 }, (_, i) => `k${i}`),
    });
    const g = gateway;
    const [east, sweden] = ["eastus2", "swedencentral"].map((r) => g.world!.deployments.find((d) => d.spec.region === r && d.spec.deployment === "chat")!);
    east!.faults.add({ fromMs: 0, toMs: Number.POSITIVE_INFINITY, fault: { kind: "errors", rate: 0.3, status: 503 } });
    sweden!.faults.add({ fromMs: 0, toMs: Number.POSITIVE_INFINITY, fault: { kind: "outage" } });
    const results = await Promise.all(
      Array.from({ length: 1000 }, (_, i) =>
        fetch(`${g.url}/openai/deployments/chat/chat/completions?api-version=2024-10-21`, {
          method: "POST",
          headers: { "content-type": "application/json", "api-key": `k${i % 17}` },
          body: JSON.stringify({ messages: [{ role: "user", content: `request ${i}` }], max_tokens: 5 }),
        }).then(async (r) => ({ status: r.status, body: (await r.json()) as Record<string, unknown> })),
      ),
    );
    expect(results).toHaveLength(1000);
    expect(g.stats).toEqual({ received: 1000, answered: 1000, internalErrors: 0 });
    for (const r of results) {
      expect([200, 429, 500, 503]).toContain(r.status);
      if (r.status === 200) expect(r.body).toHaveProperty("choices");
      else expect(typeof (r.body.message ?? (r.body.error as { message?: string } | undefined)?.message)).toBe("string");
    }
    expect(results.filter((r) => r.status === 200).length).toBeGreaterThan(0);
  });
});
