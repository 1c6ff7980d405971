// Azure's deployment-level spillover in the simulated accounts (reference sheet
// azure-openai-models.md §8.4 and §2.2): a provisioned deployment with spilloverDeploymentName, or a
// request with x-ms-spillover-deployment, is tried first; its 429, 500, 503 or long-context 400 sends
// the request to the standard deployment of the same account, whose own limits apply.
import { describe, expect, it } from "vitest";
import { loadCatalog } from "../../core/catalog/catalog";
import type { FaultWindow } from "../../simulator/azure/faults";
import { VirtualClock } from "../../simulator/clock";
import { isChunked, type SimRequest, type SimResponse } from "../../simulator/http-types";
import { Rng } from "../../simulator/rng";
import { buildWorld, type WorldBackend } from "../../simulator/world";
import { textOf } from "./support";

const ORIGIN = "https://t-eastus2.openai.azure.com";
const LATENCY = { baseMs: 100, perOutputTokenMs: 0, sigma: 0, rejectMs: 1 };

/** gpt-4o: a 6,000-TPM PTU (no request limit) and a 10,000-TPM, 60-RPM standard deployment (10 per 10 s). */
const ptu = (extra: Partial<WorldBackend> = {}): WorldBackend => ({ backendId: "chat-ptu", deployment: "chat-ptu", region: "eastus2", model: "gpt-4o", sku: "GlobalProvisionedManaged", capacity: 15, tpm: 6000, rpm: null, url: `${ORIGIN}/openai/deployments/chat-ptu`, ...extra });
const std = (name = "chat-std", extra: Partial<WorldBackend> = {}): WorldBackend => ({ backendId: name, deployment: name, region: "eastus2", model: "gpt-4o", sku: "GlobalStandard", capacity: 10, tpm: 10_000, rpm: 60, url: `${ORIGIN}/openai/deployments/${name}`, ...extra });

function world(backends: WorldBackend[], faults: FaultWindow[] = []) {
  const clock = new VirtualClock();
  const w = buildWorld({ backends, pools: [], clock, rng: new Rng(3), faults, latency: LATENCY, completionTokens: 50 });
  const account = w.accounts[0]!;
  const deployment = (name: string) => account.get(name)!;
  /** Sends `n` requests to `path` at virtual time 0; answers in send order, each with the time it came. */
  const sendAll = async (requests: SimRequest[]): Promise<Array<{ at: number; r: SimResponse }>> => {
    const out: Array<Promise<{ at: number; r: SimResponse }>> = [];
    clock.schedule(0, () => {
      for (const q of requests) out.push(account.send(q, 300_000).then((r) => ({ at: clock.now(), r })));
    });
    await clock.run();
    return Promise.all(out);
  };
  return { clock, account, deployment, sendAll };
}

/** A chat call to `deployment` the service estimates at `prompt` + `maxTokens` tokens (4 characters a token). */
function chat(deployment: string, prompt = 200, maxTokens = 800, headers: Record<string, string> = {}): SimRequest {
  return {
    method: "POST",
    path: `/openai/deployments/${deployment}/chat/completions`,
    query: { "api-version": "2024-10-21" },
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify({ messages: [{ role: "user", content: "x".repeat(prompt * 4) }], max_tokens: maxTokens }),
  };
}

const spillHeaders = (r: SimResponse) => Object.fromEntries(Object.entries(r.headers).filter(([k]) => k.startsWith("x-ms-spillover") || k === "x-ms-deployment-name"));
const times = (n: number, request: () => SimRequest) => Array.from({ length: n }, request);

describe("spillover: the PTU first, then its standard deployment", () => {
  it("over 100% of the PTU: the overflow is served by the standard deployment with x-ms-spillover-from-<ptu>, no 429 while it has room", async () => {
    const w = world([ptu({ spillover: "chat-std" }), std()]);
    // 12 requests of 1,000 tokens at once: the PTU admits 7 (it refuses only above 100%: 7,000 > 6,000).
    const answers = await w.sendAll(times(12, () => chat("chat-ptu")));
    expect(answers.map((a) => a.r.status)).toEqual(Array(12).fill(200));
    expect(answers.slice(0, 7).map((a) => spillHeaders(a.r))).toEqual(Array(7).fill({ "x-ms-deployment-name": "chat-ptu" }));
    expect(answers.slice(7).map((a) => spillHeaders(a.r))).toEqual(Array(5).fill({ "x-ms-deployment-name": "chat-std", "x-ms-spillover-from-chat-ptu": "chat-ptu" }));
    // A spilled answer took the PTU's 429 time (1 ms) before the standard deployment's 100 ms.
    expect(answers.map((a) => a.at)).toEqual([...Array(7).fill(100), ...Array(5).fill(101)]);
    // Each deployment meters what reached it: the PTU records its 429s, the standard deployment its admissions.
    const { tokensByBucket: _p, ...ptuStats } = w.deployment("chat-ptu").stats;
    const { tokensByBucket: _s, ...stdStats } = w.deployment("chat-std").stats;
    expect(ptuStats).toEqual({ accepted: 7, acceptedTokens: 7000, throttled: 5, serverErrors: 0, refused: 0, spilledOut: 5, spilloverFailed: 0, spilledIn: 0 });
    expect(stdStats).toEqual({ accepted: 5, acceptedTokens: 5000, throttled: 0, serverErrors: 0, refused: 0, spilledOut: 0, spilloverFailed: 0, spilledIn: 5 });
  });

  it("both full: the PTU's own 429 (its Retry-After, its body) with x-ms-spillover-error: 429", async () => {
    const w = world([ptu({ spillover: "chat-std" }), std()]);
    // 7 on the PTU, 10 on the standard deployment (its 10,000 TPM and 10 requests per 10 s), 3 left over.
    const answers = await w.sendAll(times(20, () => chat("chat-ptu")));
    expect(answers.map((a) => a.r.status)).toEqual([...Array(17).fill(200), 429, 429, 429]);
    const last = answers[19]!.r;
    expect(spillHeaders(last)).toEqual({ "x-ms-spillover-error": "429" });
    // The PTU's bucket holds 7,000 of 6,000: 10 s until it is back under 100%.
    expect([last.headers["retry-after"], last.headers["retry-after-ms"], last.headers["x-ratelimit-limit-tokens"]]).toEqual(["10", "10000", "6000"]);
    expect(JSON.parse(textOf(last)).error.message).toBe(
      "Requests to the ChatCompletions_Create Operation under Azure OpenAI API version 2024-10-21 have exceeded token rate limit of your current OpenAI S0 pricing tier. Please retry after 10 seconds.",
    );
    expect(answers[19]!.at).toBe(2);
    expect([w.deployment("chat-ptu").stats.spilledOut, w.deployment("chat-ptu").stats.spilloverFailed, w.deployment("chat-std").stats.throttled]).toEqual([13, 3, 3]);
  });

  it("a 503 or 500 on the PTU spills; a 502 is not a trigger and comes back as it is", async () => {
    const fault = (status: number): FaultWindow[] => [{ fromMs: 0, toMs: 1000, deployment: "chat-ptu", fault: { kind: "errors", rate: 1, status } }];
    for (const status of [503, 500]) {
      const w = world([ptu({ spillover: "chat-std" }), std()], fault(status));
      const [a] = await w.sendAll([chat("chat-ptu")]);
      expect([a!.r.status, spillHeaders(a!.r)]).toEqual([200, { "x-ms-deployment-name": "chat-std", "x-ms-spillover-from-chat-ptu": "chat-ptu" }]);
      // The PTU's error took a quarter of its base latency (25 ms), then the standard deployment answered.
      expect(a!.at).toBe(125);
      expect(w.deployment("chat-ptu").stats.serverErrors).toBe(1);
    }
    const w = world([ptu({ spillover: "chat-std" }), std()], fault(502));
    const [a] = await w.sendAll([chat("chat-ptu")]);
    expect([a!.r.status, spillHeaders(a!.r)]).toEqual([502, {}]);
    expect(w.deployment("chat-std").stats.accepted).toBe(0);
  });

  it("long context: gpt-4.1's PTU refuses more than 128 K (400) and the standard deployment (300 K) serves it; past 300 K the PTU's 400 comes back with x-ms-spillover-error: 400", async () => {
    const catalog = loadCatalog();
    const limits = (sku: "GlobalProvisionedManaged" | "GlobalStandard") => catalog.requestLimits("gpt-4.1", "2025-04-14", sku)!;
    expect([limits("GlobalProvisionedManaged").contextTokens, limits("GlobalStandard").contextTokens]).toEqual([128_000, 300_000]);
    const w = world([
      ptu({ model: "gpt-4.1", tpm: 500_000, spillover: "chat-std", limits: limits("GlobalProvisionedManaged") }),
      std("chat-std", { model: "gpt-4.1", capacity: 1000, tpm: 1_000_000, rpm: 1000, limits: limits("GlobalStandard") }),
    ]);
    const [long, tooLong, malformed] = await w.sendAll([
      chat("chat-ptu", 150_000, 1000),
      chat("chat-ptu", 310_000, 1000),
      { ...chat("chat-ptu"), body: JSON.stringify({ messages: [{ role: "user", content: "hi" }], max_tokens: "many" }) },
    ]);
    expect([long!.r.status, spillHeaders(long!.r)]).toEqual([200, { "x-ms-deployment-name": "chat-std", "x-ms-spillover-from-chat-ptu": "chat-ptu" }]);
    expect([tooLong!.r.status, spillHeaders(tooLong!.r)]).toEqual([400, { "x-ms-spillover-error": "400" }]);
    // The PTU's own message (its 128 K window), not the standard deployment's.
    expect(JSON.parse(textOf(tooLong!.r)).error).toEqual({
      code: "context_length_exceeded",
      message: "This model's maximum context length is 128000 tokens. However, you requested 311000 tokens (310000 in the messages, 1000 in the completion). Please reduce the length of the messages or completion.",
      param: "messages",
      type: "invalid_request_error",
    });
    // A malformed body is no long-context request: no spillover.
    expect([malformed!.r.status, spillHeaders(malformed!.r)]).toEqual([400, {}]);
    expect([w.deployment("chat-ptu").stats.spilledOut, w.deployment("chat-std").stats.accepted]).toEqual([2, 1]);
  });

  it("a streamed answer spills too: the standard deployment's stream, marked", async () => {
    const w = world([ptu({ spillover: "chat-std" }), std()]);
    const stream = (): SimRequest => ({ ...chat("chat-ptu"), body: JSON.stringify({ messages: [{ role: "user", content: "x".repeat(800) }], max_tokens: 800, stream: true }) });
    const answers = await w.sendAll(times(8, stream));
    const spilled = answers[7]!.r;
    expect([spilled.status, isChunked(spilled.body), spilled.headers["content-type"], spillHeaders(spilled)]).toEqual([200, true, "text/event-stream; charset=utf-8", { "x-ms-deployment-name": "chat-std", "x-ms-spillover-from-chat-ptu": "chat-ptu" }]);
  });
});

describe("spillover: which target, and when none", () => {
  it("x-ms-spillover-deployment asks for spillover per request; the deployment's property wins over it", async () => {
    const byHeader = world([ptu(), std()]);
    const header = { "x-ms-spillover-deployment": "chat-std" };
    const answers = await byHeader.sendAll(times(8, () => chat("chat-ptu", 200, 800, header)));
    expect(spillHeaders(answers[7]!.r)).toEqual({ "x-ms-deployment-name": "chat-std", "x-ms-spillover-from-chat-ptu": "chat-ptu" });

    const both = world([ptu({ spillover: "chat-std" }), std(), std("chat-other")]);
    const other = await both.sendAll(times(8, () => chat("chat-ptu", 200, 800, { "x-ms-spillover-deployment": "chat-other" })));
    expect(spillHeaders(other[7]!.r)).toEqual({ "x-ms-deployment-name": "chat-std", "x-ms-spillover-from-chat-ptu": "chat-ptu" });
    expect(both.deployment("chat-other").stats.accepted).toBe(0);
  });

  it("the header is ignored on a standard deployment and when it names no standard deployment of the account", async () => {
    const w = world([ptu(), std("chat-std", { capacity: 1, tpm: 1000, rpm: 6 }), std("chat-big")]);
    // chat-std takes one 1,000-token request a minute: the second is its own 429, though chat-big has room.
    const onStandard = await w.sendAll(times(2, () => chat("chat-std", 200, 800, { "x-ms-spillover-deployment": "chat-big" })));
    expect([onStandard[1]!.r.status, spillHeaders(onStandard[1]!.r)]).toEqual([429, {}]);
    const unknown = await w.sendAll(times(8, () => chat("chat-ptu", 200, 800, { "x-ms-spillover-deployment": "nowhere" })));
    expect([unknown[7]!.r.status, spillHeaders(unknown[7]!.r)]).toEqual([429, {}]);
  });

  it("Responses API calls never spill (Learn: not available for the Responses API): the PTU's 429 as it is", async () => {
    const w = world([ptu({ spillover: "chat-std" }), std()]);
    const create = (): SimRequest => ({ method: "POST", path: "/openai/v1/responses", query: {}, headers: { "content-type": "application/json" }, body: JSON.stringify({ model: "chat-ptu", input: "x".repeat(800), max_output_tokens: 800 }) });
    const answers = await w.sendAll(times(8, create));
    expect(answers.map((a) => a.r.status)).toEqual([...Array(7).fill(200), 429]);
    expect(spillHeaders(answers[7]!.r)).toEqual({});
    expect([w.deployment("chat-ptu").stats.spilledOut, w.deployment("chat-std").stats.accepted]).toEqual([0, 0]);
  });

  it("a PTU without spillover answers 429 when full, as before", async () => {
    const w = world([ptu(), std()]);
    const answers = await w.sendAll(times(8, () => chat("chat-ptu")));
    expect(answers.map((a) => a.r.status)).toEqual([...Array(7).fill(200), 429]);
    expect(spillHeaders(answers[7]!.r)).toEqual({});
    expect([answers[7]!.r.headers["retry-after-ms"], answers[7]!.at]).toEqual(["10000", 1]);
    expect(w.deployment("chat-std").stats.accepted).toBe(0);
  });

  it("buildWorld refuses a spillover the fleet plan would refuse: a target outside the account, or set on a standard deployment", () => {
    expect(() => world([ptu({ spillover: "chat-std" }), std("chat-other")])).toThrow(
      'simulator: chat-ptu@eastus2 spills over to "chat-std", which is not a standard deployment of its account https://t-eastus2.openai.azure.com (standard deployments there: chat-other)',
    );
    expect(() => world([std("chat-std", { spillover: "chat-other" }), std("chat-other")])).toThrow("simulator: chat-std@eastus2 has spillover to chat-other, but spillover is set on provisioned deployments only");
  });
});
