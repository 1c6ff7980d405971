import { describe, expect, it } from "vitest";
import { expr, policyDocument, type Expr, type PolicyDocument, type Statement } from "../../gateway-policy/index";
import { UnsupportedPolicyError } from "../../simulator/emulator/errors";
import { retryWaitMs } from "../../simulator/emulator/forward";
import { emulatedManagedIdentityToken } from "../../simulator/emulator/guards";
import type { SimRequest, SimResponse, Upstream } from "../../simulator/http-types";
import { harness, textOf } from "./support";

const { str, int, concat, ctx, hashBucket, tryParseInt, namedValue, retryableFailure, pathAfterDeployment, lt } = expr;

/** The AIG/APS pattern: pool in inbound, re-select + forward inside retry. */
function failoverPolicy(opts: { count?: number; condition?: Expr; buffer?: boolean; inbound?: Statement[] } = {}): PolicyDocument {
  return policyDocument({
    inbound: [{ kind: "base" }, ...(opts.inbound ?? []), { kind: "set-backend-service", backendId: "chat-stable" }, { kind: "rewrite-uri", template: pathAfterDeployment() }],
    backend: [retryBlock({ count: opts.count ?? 2, condition: opts.condition ?? retryableFailure(), buffer: opts.buffer ?? true })],
    outbound: [{ kind: "base" }],
    onError: [{ kind: "base" }],
  });
}

function retryBlock(o: { count: number; condition: Expr; buffer: boolean }): Statement {
  return {
    kind: "retry",
    condition: o.condition,
    count: o.count,
    interval: 0,
    firstFastRetry: true,
    policies: [{ kind: "set-backend-service", backendId: "chat-stable" }, { kind: "forward-request", bufferRequestBody: o.buffer, timeout: 120 }],
  };
}

const hosts = (r: { trace: { attempts: Array<{ url: string; status?: number; transportReason?: string }> } }) =>
  r.trace.attempts.map((a) => `${new URL(a.url).host.split(".")[0]}${new URL(a.url).pathname.replace("/openai/deployments", "").replace("/chat/completions", "")}:${a.status ?? a.transportReason}`);

describe("emulator: runs what ships", () => {
  it("executes the document parsed back from its rendered XML", async () => {
    const h = harness(failoverPolicy());
    expect(h.xml).toContain('<set-backend-service backend-id="chat-stable"');
    const r = await h.call();
    expect(r.response.status).toBe(200);
    expect(hosts(r)).toEqual(["contoso-eastus2/chat-ptu:200"]);
  });

  it("splices <base/> in backend to the global forward-request", async () => {
    const doc = policyDocument({ inbound: [{ kind: "set-backend-service", backendId: "chat-eastus2" }, { kind: "rewrite-uri", template: pathAfterDeployment() }], backend: [{ kind: "base" }] });
    const r = await harness(doc).call();
    expect(hosts(r)).toEqual(["contoso-eastus2/chat:200"]);
  });

  it("refuses raw C# and undefined named values when loading, naming where they are", () => {
    const raw = policyDocument({ inbound: [{ kind: "set-variable", name: "x", value: { kind: "raw", code: "DateTime.UtcNow.Ticks", block: false } }] });
    expect(() => harness(raw)).toThrow(UnsupportedPolicyError);
    expect(() => harness(raw)).toThrow("inbound/set-variable[0]: raw C# expression cannot be emulated: DateTime.UtcNow.Ticks");
    const nv = policyDocument({ inbound: [{ kind: "set-variable", name: "x", value: namedValue("chat-active-slot") }] });
    expect(() => harness(nv)).toThrow("The policy references named values that are not defined: {{chat-active-slot}}.");
  });
});

describe("emulator: pools, circuit breaker, retry", () => {
  it("retries a 429 from the priority-1 member on the next tier and keeps away from it for its Retry-After", async () => {
    const h = harness(failoverPolicy(), { faults: [{ fromMs: 0, toMs: 30_000, deployment: "chat-ptu", fault: { kind: "throttle", retryAfterSeconds: 60 } }] });
    const [first, second, afterTrip] = await h.callAt([0, 1000, 61_000]);
    expect(first!.response.status).toBe(200);
    expect(hosts(first!)[0]).toBe("contoso-eastus2/chat-ptu:429");
    expect(hosts(first!)).toHaveLength(2);
    expect(hosts(first!)[1]).toMatch(/^contoso-(eastus2|swedencentral)\/chat:200$/);
    expect(hosts(second!)).toHaveLength(1);
    expect(hosts(second!)[0]).not.toContain("chat-ptu");
    expect(hosts(afterTrip!)).toEqual(["contoso-eastus2/chat-ptu:200"]);
  });

  it("answers 503 with Retry-After itself, without calling a backend, when every member is tripped", async () => {
    const h = harness(failoverPolicy(), { faults: [{ fromMs: 0, toMs: 600_000, fault: { kind: "outage" } }] });
    const [first, second] = await h.callAt([0, 5000]);
    expect(hosts(first!)).toEqual(["contoso-eastus2/chat-ptu:BackendConnectionFailure", expect.stringMatching(/BackendConnectionFailure$/), expect.stringMatching(/BackendConnectionFailure$/)]);
    expect(first!.response.status).toBe(500);
    expect(second!.trace.attempts).toEqual([]);
    expect(second!.response.status).toBe(503);
    expect(second!.response.headers["retry-after"]).toBe("56");
  });

  it("makes exactly count + 1 attempts while the condition holds, and returns the last backend answer", async () => {
    const h = harness(failoverPolicy({ count: 2 }), { breaker: null, faults: [{ fromMs: 0, toMs: 600_000, fault: { kind: "errors", rate: 1, status: 503 } }] });
    const r = await h.call();
    expect(r.trace.attempts.map((a) => a.status)).toEqual([503, 503, 503]);
    expect(r.response.status).toBe(503);
    expect(r.trace.gatewayGenerated).toBe(false);
  });

  it("does not retry statuses outside the condition (400)", async () => {
    const r = await harness(failoverPolicy()).call({ body: "not json" });
    expect(r.trace.attempts.map((a) => a.status)).toEqual([400]);
  });

  it("without a breaker, a pool never fails over: every retry can land on the same tier", async () => {
    const h = harness(failoverPolicy({ count: 3 }), { breaker: null, faults: [{ fromMs: 0, toMs: 600_000, deployment: "chat-ptu", fault: { kind: "throttle", retryAfterSeconds: 60 } }] });
    const r = await h.call();
    expect(hosts(r)).toEqual(Array(4).fill("contoso-eastus2/chat-ptu:429"));
    expect(r.response.status).toBe(429);
  });

  it("a condition that reads StatusCode without a null check fails with ExpressionValueEvaluationFailure on a transport error", async () => {
    const unsafe = expr.eq({ kind: "statusCode" }, int(429));
    const h = harness(failoverPolicy({ condition: unsafe }), { faults: [{ fromMs: 0, toMs: 600_000, deployment: "chat-ptu", fault: { kind: "outage" } }] });
    const r = await h.call();
    expect(r.response.status).toBe(500);
    expect(JSON.parse(textOf(r.response)).message).toMatch(/^ExpressionValueEvaluationFailure: Expression evaluation failed\. Object reference not set/);
  });

  it("replays the body on retry only with buffer-request-body", async () => {
    const faults = [{ fromMs: 0, toMs: 600_000, deployment: "chat-ptu", fault: { kind: "throttle" as const, retryAfterSeconds: 10 } }];
    const unbuffered = await harness(failoverPolicy({ buffer: false }), { faults }).call();
    expect(unbuffered.trace.attempts.map((a) => a.status)).toEqual([429, 400]);
    const buffered = await harness(failoverPolicy({ buffer: true }), { faults }).call();
    expect(buffered.trace.attempts.map((a) => a.status)).toEqual([429, 200]);
  });
});

class Recorder implements Upstream {
  readonly seen: SimRequest[] = [];
  send(request: SimRequest): Promise<SimResponse> {
    this.seen.push(request);
    return Promise.resolve({ status: 200, headers: {}, body: JSON.stringify({ usage: { prompt_tokens: 100, completion_tokens: 50, total_tokens: 150 } }) });
  }
}

describe("emulator: identity, limits, traffic splitting, shadow", () => {
  it("sends the managed identity's bearer token for the Azure OpenAI audience", async () => {
    const h = harness(failoverPolicy({ inbound: [{ kind: "authentication-managed-identity", resource: "https://cognitiveservices.azure.com" }] }));
    const rec = new Recorder();
    h.world.directory.set("https://contoso-eastus2.openai.azure.com", rec);
    await h.call();
    expect(rec.seen[0]!.headers.authorization).toBe(`Bearer ${emulatedManagedIdentityToken("https://cognitiveservices.azure.com")}`);
    expect(rec.seen[0]!.path).toBe("/openai/deployments/chat-ptu/chat/completions");
    expect(rec.seen[0]!.query).toEqual({ "api-version": "2024-10-21" });
  });

  it("limits tokens per consumer per minute and answers 429 with Retry-After", async () => {
    const limit: Statement = { kind: "azure-openai-token-limit", counterKey: ctx("subscriptionId"), tokensPerMinute: 250, estimatePromptTokens: true };
    const h = harness(failoverPolicy({ inbound: [limit] }));
    const rs = await h.callAt([0, 1000, 2000, 3000], {}, (i) => (i === 3 ? "sub-2" : "sub-1"));
    expect(rs.map((r) => r.response.status)).toEqual([200, 200, 429, 200]);
    expect(rs[2]!.response.headers["retry-after"]).toBe("58");
    expect(rs[2]!.trace.attempts).toEqual([]);
  });

  it("splits canary traffic by hash bucket against a named-value percent, and keeps each caller on one side", async () => {
    const canary: Statement = {
      kind: "choose",
      when: [{ condition: lt(hashBucket(concat(str("chat:"), ctx("subscriptionId"))), tryParseInt(namedValue("chat-canary-percent"), 0)), policies: [{ kind: "set-variable", name: "side", value: "canary" }] }],
      otherwise: [{ kind: "set-variable", name: "side", value: "stable" }],
    };
    const doc = policyDocument({ inbound: [canary, { kind: "return-response", headers: [], body: expr.variable("side", "string") }] });
    const h = harness(doc, { namedValues: { "chat-canary-percent": "10" } });
    const n = 10_000;
    const rs = await h.callAt(Array.from({ length: n }, (_, i) => i), {}, (i) => `sub-${i % 2000}`);
    const sides = new Map<string, Set<string>>();
    rs.forEach((r, i) => {
      const s = sides.get(`sub-${i % 2000}`) ?? new Set();
      s.add(textOf(r.response));
      sides.set(`sub-${i % 2000}`, s);
    });
    const share = rs.filter((r) => r.response.body === "canary").length / n;
    expect(Math.abs(share - 0.1)).toBeLessThan(0.02);
    expect([...sides.values()].every((s) => s.size === 1)).toBe(true);
  });

  it("fires send-one-way-request without waiting for it or failing by it", async () => {
    const shadowUrl = "https://contoso-westus.openai.azure.com/openai/deployments/chat-next/chat/completions?api-version=2024-10-21";
    const shadow: Statement = { kind: "send-one-way-request", mode: "copy", url: shadowUrl, headers: [] };
    const h = harness(failoverPolicy({ inbound: [shadow] }), { faults: [{ fromMs: 0, toMs: 600_000, region: "westus", fault: { kind: "latency", addMs: 30_000 } }] });
    const started = h.clock.now();
    let answeredAt = -1;
    const p = h.emulator
      .handle({ request: { method: "POST", path: "/openai/deployments/chat/chat/completions", query: { "api-version": "2024-10-21" }, headers: {}, body: JSON.stringify({ messages: [{ role: "user", content: "hi" }], max_tokens: 10 }) }, caller: { subscriptionId: "s", userId: "u", ip: "1.1.1.1" } })
      .then((r) => {
        answeredAt = h.clock.now();
        return r;
      });
    await h.clock.run();
    const r = await p;
    expect(r.response.status).toBe(200);
    expect(answeredAt - started).toBe(200);
    expect(r.trace.oneWay).toEqual([{ url: shadowUrl, atMs: 0 }]);
    expect(h.world.deployments.find((d) => d.spec.deployment === "chat-next")!.stats.accepted).toBe(1);
  });
});

describe("emulator: retry waits", () => {
  const base = { kind: "retry" as const, condition: "true", count: 5, policies: [] };
  it("waits a fixed interval, a linear one with delta, an exponential one capped by max-interval, and skips the first wait with first-fast-retry", () => {
    const half = () => 0.5; // jitter factor 0.8 + 0.4 × 0.5 = 1.0
    expect([1, 2, 3].map((n) => retryWaitMs({ ...base, interval: 2 }, n, half))).toEqual([2000, 2000, 2000]);
    expect([1, 2, 3].map((n) => retryWaitMs({ ...base, interval: 2, delta: 3 }, n, half))).toEqual([2000, 5000, 8000]);
    expect([1, 2, 3, 4, 5].map((n) => retryWaitMs({ ...base, interval: 10, delta: 10, maxInterval: 100 }, n, half))).toEqual([20_000, 30_000, 50_000, 90_000, 100_000]);
    expect([1, 2].map((n) => retryWaitMs({ ...base, interval: 2, firstFastRetry: true }, n, half))).toEqual([0, 2000]);
  });

  it("spends the waits on the clock between attempts", async () => {
    const doc = policyDocument({
      inbound: [{ kind: "set-backend-service", backendId: "chat-swedencentral" }, { kind: "rewrite-uri", template: pathAfterDeployment() }],
      backend: [{ kind: "retry", condition: retryableFailure(), count: 2, interval: 5, policies: [{ kind: "forward-request", bufferRequestBody: true }] }],
    });
    const h = harness(doc, { breaker: null, faults: [{ fromMs: 0, toMs: 600_000, fault: { kind: "errors", rate: 1, status: 500 } }] });
    const r = await h.call();
    expect(r.trace.attempts.map((a) => Math.round(a.startMs))).toEqual([0, 5050, 10100]);
  });
});

describe("emulator: retry re-runs its children, set-body included (APIM: \"executes its child policies once and then retries their execution\")", () => {
  it("each attempt forwards the body its own set-body wrote", async () => {
    const { variable, plus, bodyWithModel, statusIs } = expr;
    const attempt = variable("n", "int", 0);
    const doc = policyDocument({
      inbound: [{ kind: "base" }, { kind: "set-backend-service", backendId: "chat-eastus2" }, { kind: "rewrite-uri", template: pathAfterDeployment() }],
      backend: [
        {
          kind: "retry",
          condition: statusIs(503),
          count: 2,
          interval: 0,
          firstFastRetry: true,
          policies: [
            { kind: "set-variable", name: "n", value: plus(attempt, int(1)) },
            { kind: "set-body", value: bodyWithModel(concat(str("attempt-"), attempt)) },
            { kind: "forward-request", bufferRequestBody: true, timeout: 60 },
          ],
        },
      ],
    });
    const h = harness(doc, { breaker: null, faults: [{ fromMs: 0, toMs: 600_000, fault: { kind: "errors", rate: 1, status: 503 } }] });
    const bodies: string[] = [];
    const inner = h.world.directory.resolve(new URL("https://contoso-eastus2.openai.azure.com"))!;
    h.world.directory.set("https://contoso-eastus2.openai.azure.com", { send: (request: SimRequest, timeoutMs: number) => (bodies.push(String(request.body)), inner.send(request, timeoutMs)) } as Upstream);
    const r = await h.call();
    expect(r.trace.attempts.map((a) => a.status)).toEqual([503, 503, 503]);
    expect(bodies.map((b) => (JSON.parse(b) as { model: string }).model)).toEqual(["attempt-1", "attempt-2", "attempt-3"]);
  });
});
