// The client-retry model against the official openai-node SDK installed here (7.57.0): the same
// decisions, the same waits, the same constants — by calling the SDK's own retry methods.
import OpenAI from "openai";
import { afterEach, describe, expect, it, vi } from "vitest";
import { Rng } from "../../simulator/rng";
import { SDK_DEFAULTS, backoffSeconds, sdkRetryDelayMs, sdkShouldRetry } from "../../simulator/client/sdk-retry";

/** The SDK's retry internals are public methods on the client (not part of its typed surface). */
interface RetryInternals {
  shouldRetry(response: Response): Promise<boolean>;
  calculateDefaultRetryTimeoutMillis(retriesRemaining: number, maxRetries: number): number;
  retryRequest(options: { maxRetries?: number; method: string; path: string }, retriesRemaining: number, requestLogID: string, headers: Headers): Promise<unknown>;
  makeRequest: (...args: unknown[]) => Promise<unknown>;
}

const client = () => new OpenAI({ apiKey: "sk-test", baseURL: "http://127.0.0.1:9/v1" }) as unknown as RetryInternals;

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe("openai-node's retry defaults, read from the installed SDK", () => {
  it("retries twice by default and times an attempt out after 600 s", () => {
    const c = new OpenAI({ apiKey: "sk-test" });
    expect(c.maxRetries).toBe(SDK_DEFAULTS.maxRetries);
    expect(c.timeout).toBe(SDK_DEFAULTS.timeoutSeconds * 1000);
  });

  it("decides to retry exactly when the SDK does, x-should-retry first", async () => {
    const c = client();
    for (const status of [400, 401, 403, 404, 408, 409, 410, 422, 429, 499, 500, 502, 503, 504, 599]) {
      for (const should of [undefined, "true", "false"]) {
        const headers: Record<string, string> = should === undefined ? {} : { "x-should-retry": should };
        const sdk = await c.shouldRetry(new Response(null, { status, headers }));
        expect(sdkShouldRetry("openai-node", { status, headers }), `${status} x-should-retry=${should}`).toBe(sdk);
      }
    }
    expect(sdkShouldRetry("openai-node", { transport: "connection" })).toBe(true);
  });

  it("backs off min(0.5·2^n, 8) s × (1 − U·0.25) like calculateDefaultRetryTimeoutMillis", () => {
    const c = client();
    for (const u of [0, 0.3, 0.999]) {
      vi.spyOn(Math, "random").mockReturnValue(u);
      for (const [maxRetries, remaining] of [[2, 2], [2, 1], [5, 1], [10, 1], [10, 0]] as const) {
        expect(backoffSeconds(maxRetries - remaining, u) * 1000).toBeCloseTo(c.calculateDefaultRetryTimeoutMillis(remaining, maxRetries), 9);
      }
      vi.restoreAllMocks();
    }
  });

  it("waits what the SDK waits for each retry-after-ms / retry-after header, the 60-s cap included", async () => {
    const cases: Array<Record<string, string>> = [
      { "retry-after-ms": "1500" },
      { "retry-after-ms": "0" },
      { "retry-after-ms": "2500.5", "retry-after": "9" },
      { "retry-after": "7" },
      { "retry-after": "1.5" },
      { "retry-after": "60" },
      { "retry-after": "61" },
      { "retry-after": "86400" },
      { "retry-after-ms": "-5" },
      { "retry-after-ms": "abc", "retry-after": "3" },
      {},
    ];
    for (const headers of cases) {
      const c = client();
      c.makeRequest = vi.fn().mockResolvedValue("retried");
      vi.useFakeTimers({ now: 0 });
      // A fixed U so the SDK's jitter and ours agree when both fall back to backoff.
      vi.spyOn(Math, "random").mockReturnValue(0.5);
      const pending = c.retryRequest({ method: "post", path: "/chat/completions", maxRetries: 2 }, 2, "req", new Headers(headers));
      const before = Date.now();
      await vi.advanceTimersToNextTimerAsync();
      const sdkWait = Date.now() - before;
      await expect(pending).resolves.toBe("retried");
      vi.useRealTimers();
      const ours = sdkRetryDelayMs("openai-node", { status: 429, headers }, 0, { float: () => 0.5 } as Rng);
      // Fake timers keep whole milliseconds.
      expect(Math.abs(ours - sdkWait), `${JSON.stringify(headers)}: ours ${ours} ms, SDK ${sdkWait} ms`).toBeLessThanOrEqual(1);
      vi.restoreAllMocks();
    }
  });
});

describe("other SDK profiles (from their source; docs/simulator.md cites the lines)", () => {
  const r = { float: () => 0 } as Rng;
  it("openai-python ≥ 2.52 honours waits in (0, 120] s and does not retry at all above 120 s", () => {
    expect(sdkRetryDelayMs("openai-python", { status: 429, headers: { "retry-after": "90" } }, 0, r)).toBe(90_000);
    expect(sdkRetryDelayMs("openai-python", { status: 429, headers: { "retry-after-ms": "0" } }, 0, r)).toBe(500);
    expect(sdkShouldRetry("openai-python", { status: 429, headers: { "retry-after": "121" } })).toBe(false);
    expect(sdkShouldRetry("openai-python", { status: 429, headers: { "retry-after": "121", "x-should-retry": "true" } })).toBe(false);
    expect(sdkShouldRetry("openai-node", { status: 429, headers: { "retry-after": "121" } })).toBe(true);
  });

  it("openai-python 1.x–2.51 caps at 60 s; openai-node 6.26–7.4 sleeps any wait", () => {
    expect(sdkRetryDelayMs("openai-python-1", { status: 429, headers: { "retry-after": "61" } }, 1, r)).toBe(1_000);
    expect(sdkRetryDelayMs("openai-node-6.26", { status: 429, headers: { "retry-after": "86400" } }, 1, r)).toBe(86_400_000);
  });

  it("parses like each language: node's parseFloat takes a numeric prefix, python's float() refuses it", () => {
    expect(sdkRetryDelayMs("openai-node", { status: 429, headers: { "retry-after": "5s" } }, 0, r)).toBe(5_000);
    expect(sdkRetryDelayMs("openai-python", { status: 429, headers: { "retry-after": "5s" } }, 0, r)).toBe(500);
  });
});
