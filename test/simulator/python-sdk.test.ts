// The client surface judged by the official `openai` Python SDK (pinned in scripts/python-sdk.sh,
// installed into .tools/python-openai by `.ci/run` or by running that script): AzureOpenAI on the dated
// surface and OpenAI on …/openai/v1/, against the local gateway running the dev stack's generated
// policy on 127.0.0.1 in front of simulated deployments. The SDK is the judge: what it parses is what
// an application team's unchanged Python code would get.
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGateway, type RunningGateway } from "../../simulator/http/server";
import { SDK_DEFAULTS, SDK_PROFILES, sdkShouldRetry, serverWaitSeconds } from "../../simulator/client/sdk-retry";
import { loadStackSetup } from "../../simulator/stack";

const REPO = join(__dirname, "..", "..");
const PYTHON = process.env.AOAI_FLEET_PYTHON ?? join(REPO, ".tools", "python-openai", "bin", "python");
const reason = existsSync(PYTHON) ? null : `no Python with the openai SDK at ${PYTHON}; run scripts/python-sdk.sh (CI does) or set AOAI_FLEET_PYTHON`;
if (reason) console.warn(`[python-sdk] skipped: ${reason}`);

interface ErrorSeen {
  status: number;
  type: string;
  code: string | null;
  message: string;
}
interface SurfaceSeen {
  chat: { content: string; finish: string; usage: number | null };
  stream: { chunks: number; text: string; usage: { prompt_tokens: number; completion_tokens: number; total_tokens: number } | null };
  embeddings: { count: number; dims: number };
  unknownRoute: ErrorSeen | null;
  badMessages: ErrorSeen | null;
}
interface Seen {
  sdk: string;
  azure: SurfaceSeen;
  v1: SurfaceSeen;
  responses: {
    first: { id: string; status: string; text: string };
    second: { id: string; previous: string; text: string };
    retrieved: string;
    unknownPrevious: ErrorSeen | null;
    streamEvents: { count: number; first: string | null; last: string | null };
  };
}

let gateway: RunningGateway | undefined;
let seen: Seen;

beforeAll(async () => {
  if (reason) return;
  gateway = await startGateway(loadStackSetup("dev", { today: new Date("2026-11-23") }), { latency: { baseMs: 5, perOutputTokenMs: 1, sigma: 0, rejectMs: 1 }, completionTokens: 12, seed: 5, subscriptionKeys: ["py-key"] });
  // Asynchronous: the gateway answers from this process's event loop while Python runs.
  const { stdout } = await promisify(execFile)(PYTHON, [join(__dirname, "python", "sdk_surface.py"), gateway.url, "py-key"], { timeout: 60_000 });
  seen = JSON.parse(stdout) as Seen;
});
afterAll(async () => {
  await gateway?.close();
});

describe("the gateway judged by the openai Python SDK", () => {
  it.skipIf(reason !== null).each(["azure", "v1"] as const)("%s client: chat, a stream with usage, embeddings", (surface) => {
    const s = seen[surface];
    expect(s.chat.content).toMatch(/^Simulated answer from chat in [a-z0-9]+ by /);
    expect(s.chat.finish).toBe("stop");
    expect(s.chat.usage).toBeGreaterThan(0);
    // Azure's first chunk (prompt filter results), the role, 12 tokens, the finish and the usage chunk.
    expect(s.stream.chunks).toBe(16);
    expect(s.stream.text.split(" ").length).toBeGreaterThan(1);
    expect(s.stream.usage).toEqual({ prompt_tokens: expect.any(Number), completion_tokens: 12, total_tokens: expect.any(Number) });
    expect(s.embeddings).toEqual({ count: 2, dims: 1536 });
  });

  it.skipIf(reason !== null).each(["azure", "v1"] as const)("%s client: an unknown route and a malformed body are Azure-shaped errors the SDK types", (surface) => {
    const s = seen[surface];
    expect(s.unknownRoute).toEqual({ status: 404, type: "NotFoundError", code: "DeploymentNotFound", message: "This gateway has no route for the requested deployment. Routes: chat, embeddings" });
    expect(s.badMessages).toMatchObject({ status: 400, type: "BadRequestError", code: "invalid_type" });
    expect(s.badMessages?.message).toMatch(/messages/);
    expect(gateway?.stats.internalErrors).toBe(0);
  });

  it.skipIf(reason !== null)("Responses: a two-turn conversation, retrieve, an unknown previous id, and a stream", () => {
    const r = seen.responses;
    expect(r.first.status).toBe("completed");
    expect(r.first.text).toMatch(/^Simulated answer/);
    expect(r.second.previous).toBe(r.first.id);
    expect(r.retrieved).toBe(r.first.id);
    expect(r.unknownPrevious).toEqual({ status: 400, type: "BadRequestError", code: "previous_response_not_found", message: "Previous response with id 'resp_unknown123' not found." });
    expect(r.streamEvents.first).toBe("response.created");
    expect(r.streamEvents.last).toBe("response.completed");
    expect(r.streamEvents.count).toBeGreaterThan(2);
  });
});

/** A loopback server answering by the request's `x-case` header and attempt number; records when each attempt arrived. */
function scriptedServer(): Promise<{ server: Server; url: string; arrivals: Map<string, number[]> }> {
  const arrivals = new Map<string, number[]>();
  const ok = JSON.stringify({ id: "c", object: "chat.completion", created: 0, model: "chat", choices: [{ index: 0, message: { role: "assistant", content: "done" }, finish_reason: "stop" }] });
  const server = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      const key = String(req.headers["x-case"]);
      const seen = [...(arrivals.get(key) ?? []), performance.now()];
      arrivals.set(key, seen);
      const throttled = (headers: Record<string, string>) => {
        res.writeHead(429, { "content-type": "application/json", ...headers });
        res.end(JSON.stringify({ error: { code: "429", message: "Rate limit" } }));
      };
      if (key === "honours-retry-after-ms" && seen.length === 1) return throttled({ "retry-after-ms": "1500", "retry-after": "2" });
      if (key === "refuses-over-120s") return throttled({ "retry-after": "130" });
      res.writeHead(200, { "content-type": "application/json" });
      res.end(ok);
    });
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`, arrivals })));
}

describe("the Python SDK's retries match the client model (simulator/client/sdk-retry.ts)", () => {
  it.skipIf(reason !== null)("same constants; retry-after-ms honoured; a wait over 120 s is not retried at all", async () => {
    const { server, url, arrivals } = await scriptedServer();
    try {
      const { stdout } = await promisify(execFile)(PYTHON, [join(__dirname, "python", "sdk_retry.py"), url], { timeout: 60_000 });
      const run = JSON.parse(stdout) as { constants: Record<string, number>; outcomes: Record<string, { ok: boolean; status?: number; type?: string; content?: string }> };
      const profile = SDK_PROFILES["openai-python"];
      expect(run.constants).toEqual({ ...SDK_DEFAULTS, maxRetryAfterSeconds: profile.accept.max });
      // 429 with retry-after-ms 1500 (and retry-after 2): the model waits 1.5 s, and so does the SDK.
      expect(serverWaitSeconds("openai-python", { "retry-after-ms": "1500", "retry-after": "2" }, 0)).toBe(1.5);
      expect(run.outcomes["honours-retry-after-ms"]).toEqual({ ok: true, content: "done" });
      const waited = arrivals.get("honours-retry-after-ms")!;
      expect(waited).toHaveLength(2);
      expect(waited[1]! - waited[0]!).toBeGreaterThanOrEqual(1490);
      // retry-after 130 s (over the SDK's 120): the model says no retry, and the SDK makes one attempt.
      expect(sdkShouldRetry("openai-python", { status: 429, headers: { "retry-after": "130" } })).toBe(false);
      expect(run.outcomes["refuses-over-120s"]).toEqual({ ok: false, status: 429, type: "RateLimitError" });
      expect(arrivals.get("refuses-over-120s")).toHaveLength(1);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
