import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { blueGreenSmoke } from "../../rollout/bluegreen/actions";
import { defaultSmokeCriteria, judgeSmoke } from "../../rollout/bluegreen/smoke";
import { HttpSmokeTarget } from "../../rollout/bluegreen/targets";
import { tempStack } from "./support";

// A stand-in gateway honouring the slot header: blue answers, green fails. It checks the client
// side of smoke tests (URL, headers, status accounting) over real HTTP.
const seen: Array<{ url: string; headers: IncomingHttpHeaders }> = [];
const server = createServer((req, res) => {
  seen.push({ url: req.url ?? "", headers: req.headers });
  req.resume();
  req.on("end", () => {
    const ok = req.headers["x-aoai-slot"] === "blue";
    res.writeHead(ok ? 200 : 503, { "content-type": "application/json" });
    res.end(JSON.stringify(ok ? { usage: { prompt_tokens: 12, completion_tokens: 1 } } : { error: { code: "ServiceUnavailable" } }));
  });
});
let baseUrl = "";

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const target = (): HttpSmokeTarget =>
  new HttpSmokeTarget({ baseUrl, slotHeader: "x-aoai-slot", headers: { "api-key": "k" }, apiVersion: "2024-10-21", timeoutMs: 5000 });

describe("HTTP smoke target", () => {
  it("sends chat completions to the route with the slot, canary-off and key headers", async () => {
    seen.length = 0;
    const records = await target().send("chat-bg", "blue", 3);
    expect(records.map((r) => [r.status, r.promptTokens, r.completionTokens])).toEqual([[200, 12, 1], [200, 12, 1], [200, 12, 1]]);
    expect(seen[0]!.url).toBe("/openai/deployments/chat-bg/chat/completions?api-version=2024-10-21");
    expect(seen[0]!.headers).toMatchObject({ "x-aoai-slot": "blue", "x-aoai-canary": "stable", "api-key": "k", "content-type": "application/json" });
  });

  it("a failing inactive slot fails the smoke test", async () => {
    const stack = tempStack();
    const verdict = await blueGreenSmoke(stack.ctx, "chat-bg", target(), { requests: 5, minSuccessRate: 0.98, maxP95Ms: 10_000 });
    expect(verdict).toMatchObject({ passed: false, slot: "green", deployment: "chat-next", successRate: 0 });
    expect(verdict.reason).toBe("success rate too low: 0/5 succeeded (0.0%, need ≥ 98.0%), p95 n/a (need ≤ 10000 ms); failed: 5 × 503");
  });

  it("a verdict names what the failures were, and for 429s the gateway's per-caller limits the one smoke caller counts against", () => {
    const record = (status: number) => ({ timestamp: "2026-11-23T00:00:00Z", route: "chat-bg", deployment: "chat-next", status, latencyMs: 10, promptTokens: 1, completionTokens: 1 });
    const verdict = judgeSmoke([...Array.from({ length: 35 }, () => record(200)), ...Array.from({ length: 12 }, () => record(429)), record(503), record(0), record(0)], defaultSmokeCriteria);
    expect(verdict.passed).toBe(false);
    expect(verdict.reason).toBe(
      "success rate too low: 35/50 succeeded (70.0%, need ≥ 98.0%), p95 10 ms (need ≤ 10000 ms); failed: 12 × 429, 2 × no response, 1 × 503 " +
        "(429: throttled by the slot's deployments, or by the gateway's per-caller limits in aoai-fleet:gateway.limits, which every smoke request counts against as one caller: send fewer --requests)",
    );
  });

  it("an unreachable gateway is one clear error", async () => {
    const dead = new HttpSmokeTarget({ baseUrl: "http://127.0.0.1:9", slotHeader: "x-aoai-slot", headers: {}, apiVersion: "2024-10-21", timeoutMs: 2000 });
    await expect(dead.send("chat-bg", "green", 1)).rejects.toThrow(/^cannot reach http:\/\/127\.0\.0\.1:9 \(fetch failed\); is the gateway running\?/);
  });
});
