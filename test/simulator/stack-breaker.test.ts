// The emulator's breaker is the gateway component's own rule, so a region that refuses connections
// trips it the way the deployed backend's rule is meant to (transport failures via errorReasons).
import { AzureOpenAI, RateLimitError } from "openai";
import { afterEach, describe, expect, it } from "vitest";
import { SkewableClock } from "../../simulator/clock";
import { startGateway, type RunningGateway } from "../../simulator/http/server";
import { breakerFromConfig, loadStackSetup } from "../../simulator/stack";

let gateway: RunningGateway | undefined;

afterEach(async () => {
  await gateway?.close();
  gateway = undefined;
});

describe("simulator breaker from the gateway component's circuitBreakerRule", () => {
  it("carries the component's status ranges and transport error reasons, durations in ms", () => {
    expect(breakerFromConfig({ failures: 2, interval: "PT30S", trip: "PT2M", acceptRetryAfter: false })).toEqual({
      name: "aoai-throttling-and-errors",
      count: 2,
      intervalMs: 30_000,
      statusCodeRanges: [
        { min: 408, max: 408 },
        { min: 429, max: 429 },
        { min: 500, max: 599 },
      ],
      errorReasons: ["BackendConnectionFailure"],
      tripDurationMs: 120_000,
      acceptRetryAfter: false,
    });
  });

  it("loads the dev stack with that rule", () => {
    expect(loadStackSetup("dev", { today: new Date("2026-11-23") }).breaker).toEqual(breakerFromConfig({ failures: 1, interval: "PT1M", trip: "PT1M", acceptRetryAfter: true }));
  });

  it("stops calling a region that refuses connections after its first refusal", async () => {
    const clock = new SkewableClock();
    gateway = await startGateway(loadStackSetup("dev", { today: new Date("2026-11-23") }), { latency: { baseMs: 5, perOutputTokenMs: 0, sigma: 0, rejectMs: 1 }, completionTokens: 8, seed: 3, clock, subscriptionKeys: ["team-a"] });
    const ai = new AzureOpenAI({ endpoint: gateway.url, apiKey: "team-a", apiVersion: "2024-10-21", deployment: "chat", maxRetries: 0 });
    gateway.takeDown("chat", "eastus2", "refused");
    const seen: string[] = [];
    // Under dev's 8 requests per 10 s per region, so only the outage shapes routing.
    for (let i = 0; i < 7; i++) {
      const completion = await ai.chat.completions.create({ model: "chat", messages: [{ role: "user", content: `q${i}` }], max_tokens: 10 });
      seen.push(`contoso-ai-dev-${/ in ([a-z0-9]+)\b/.exec(completion.choices[0]!.message.content ?? "")![1]}`);
    }
    expect(new Set(seen)).toEqual(new Set(["contoso-ai-dev-swedencentral"]));
    // Count 1 in PT1M: the first refused connection (BackendConnectionFailure) opens eastus2's circuit.
    expect(gateway.world!.deployments.find((d) => d.spec.region === "eastus2" && d.spec.deployment === "chat")!.stats.refused).toBe(1);
  });

  it("an oversized request gets the SDK's RateLimitError at once (no retry), and the route keeps serving everyone else", async () => {
    gateway = await startGateway(loadStackSetup("dev", { today: new Date("2026-11-23") }), { latency: { baseMs: 5, perOutputTokenMs: 0, sigma: 0, rejectMs: 1 }, completionTokens: 8, seed: 3, subscriptionKeys: ["team-a"] });
    // The SDK's defaults: 2 retries, honouring Retry-After — and x-should-retry.
    let sent = 0;
    const counting: typeof fetch = (input, init) => ((sent += 1), fetch(input, init));
    const ai = new AzureOpenAI({ endpoint: gateway.url, apiKey: "team-a", apiVersion: "2024-10-21", deployment: "chat", fetch: counting });
    // dev's chat deployments allow 50 K tokens per minute; this prompt alone is about 75 K.
    const oversized = ai.chat.completions.create({ model: "chat", messages: [{ role: "user", content: "word".repeat(75_000) }], max_tokens: 10 });
    const error = await oversized.then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitError);
    expect((error as RateLimitError).message).toContain("no backend can ever admit it and retrying cannot help");
    expect(sent).toBe(1);
    // Nothing reached a deployment: none accepted or throttled it.
    expect(gateway.world!.deployments.reduce((n, d) => n + d.stats.accepted + d.stats.throttled, 0)).toBe(0);
    const served = await ai.chat.completions.create({ model: "chat", messages: [{ role: "user", content: "hi" }], max_tokens: 10 });
    expect(served.choices[0]!.message.content).toBeTruthy();
  });
});
