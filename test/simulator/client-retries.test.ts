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
    // The gateway answers at once (no wait budget), so what the client does is what is measured.
    const none = await simulate(ourSetup(false, { waitBudgetSeconds: 0 }), scenario("none"));
    const sdk = await simulate(ourSetup(false, { waitBudgetSeconds: 0 }), scenario("openai-node"));
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

describe("client timeouts", () => {
  it("an SDK gives up on a slow attempt after its timeout and retries; the run still answers every request once", async () => {
    const slow = validateScenario(
      {
        name: "slow",
        seed: 1,
        duration: "10s",
        load: [{ at: 0, requestsPerSecond: 1 }],
        request: { promptTokens: 50, maxTokens: 50, completionTokens: 10 },
        latency: { baseMs: 5_000, perOutputTokenMs: 0, sigma: 0 },
        client: { retries: "openai-node", timeoutSeconds: 1 },
      },
      "slow.yaml",
    );
    const { run, summary } = await simulate(ourSetup(false), slow);
    expect(summary.requests).toBeGreaterThan(5);
    for (const r of run.requests) {
      expect(r.status).toBe(0);
      expect(r.clientCalls).toBe(3);
      expect(r.trace.variables.clientTimeout).toBe("1000");
      // Three 1-s attempts and two backoffs of 0.5 s and 1 s (× 0.75–1).
      expect(r.latencyMs).toBeGreaterThanOrEqual(3_000 + 375 + 750);
      expect(r.latencyMs).toBeLessThanOrEqual(3_000 + 500 + 1_000 + 1);
    }
    expect(summary.unanswered).toBe(0);
    expect(summary.duplicated).toBe(0);
  });
});
