// The runner plays the client's own retries: a request the gateway answers 429/5xx is sent again
// after the SDK's wait, end-to-end latency includes the wait, and the error rate counts only what the
// client finally saw.
import { describe, expect, it } from "vitest";
import { ourSetup } from "../../bench/routing/fleet";
import { validateScenario } from "../../simulator/scenario/load";
import { simulate } from "../../simulator/run/simulate";

const scenario = (retries: string) =>
  validateScenario(
    {
      name: "storm",
      seed: 3,
      duration: "40s",
      load: [{ at: 0, requestsPerSecond: 2 }],
      request: { promptTokens: 100, maxTokens: 100, completionTokens: 20 },
      client: { retries },
      // Every deployment throttles for the first 10 s, asking for 4 s.
      faults: [{ at: "0s", for: "10s", kind: "throttle", retryAfterSeconds: 4 }],
    },
    "storm.yaml",
  );

describe("client retries in the runner", () => {
  it("without retries, the storm's 429s reach the client; with the openai-node defaults, retries outlast it", async () => {
    const none = await simulate(ourSetup(false), scenario("none"));
    const sdk = await simulate(ourSetup(false), scenario("openai-node"));
    expect(none.summary.requests).toBe(sdk.summary.requests);
    expect(none.summary.clientCallsPerRequest).toBe(1);
    expect(none.summary.clientErrorRate).toBeGreaterThan(0.15);
    expect(sdk.summary.clientErrorRate).toBeLessThan(none.summary.clientErrorRate);
    const retried = sdk.run.requests.filter((r) => r.clientCalls > 1);
    expect(retried.length).toBeGreaterThan(0);
    for (const r of retried) {
      expect(r.clientCalls).toBeLessThanOrEqual(3);
      expect(r.earlierTraces).toHaveLength(r.clientCalls - 1);
      // Each retry waited at least the SDK's smallest backoff (0.5 s × 0.75) or the server's wait.
      expect(r.latencyMs).toBeGreaterThanOrEqual(375 * (r.clientCalls - 1));
    }
    expect(sdk.summary.unanswered).toBe(0);
    expect(sdk.summary.duplicated).toBe(0);
  });
});
