// The emulator reads backend response headers in expressions (context.Response.Headers) and stores
// cache entries for a duration computed per request — what openai-apim-lb's "skip a throttled backend
// for its Retry-After" needs.
import { describe, expect, it } from "vitest";
import { expr, parsePolicy, policyDocument, renderPolicy, type Statement } from "../../gateway-policy/index";
import { harness } from "./support";

const { str, int, eq, and, not, statusIs, responseHeader, hasResponseHeader, tryParseInt, variable, pathAfterDeployment } = expr;

const rewrite: Statement = { kind: "rewrite-uri", template: pathAfterDeployment() };
const retryAfterSeconds = tryParseInt(responseHeader("Retry-After", "10"), 10);

/** Forward to the PTU; on a 429 remember it in the cache for the response's Retry-After. */
function rememberThrottle(): Statement[] {
  return [
    { kind: "forward-request", bufferRequestBody: true },
    {
      kind: "choose",
      when: [
        {
          condition: statusIs(429),
          policies: [
            { kind: "set-variable", name: "has-ra", value: hasResponseHeader("retry-after") },
            { kind: "set-variable", name: "ra", value: retryAfterSeconds },
            { kind: "cache-store-value", key: "throttled:chat-ptu", value: "1", duration: retryAfterSeconds },
          ],
        },
      ],
    },
  ];
}

describe("emulator: response headers and computed cache durations", () => {
  it("renders duration as an expression and parses it back to the same typed node", () => {
    const doc = policyDocument({ backend: rememberThrottle() });
    const xml = renderPolicy(doc);
    expect(xml).toContain('duration="@(int.TryParse(context.Response.Headers.GetValueOrDefault(&quot;Retry-After&quot;, &quot;10&quot;), out var parsed0) ? parsed0 : 10)"');
    expect(parsePolicy(xml)).toEqual(doc);
  });

  it("reads Retry-After from a 429 (header names case-insensitive) and keeps the cache entry exactly that long", async () => {
    const doc = policyDocument({
      inbound: [{ kind: "cache-lookup-value", key: "throttled:chat-ptu", variableName: "seen", defaultValue: "0" }, { kind: "set-backend-service", backendId: "chat-ptu-eastus2" }, rewrite],
      backend: rememberThrottle(),
    });
    const h = harness(doc, { breaker: null, faults: [{ fromMs: 0, toMs: 1_000, deployment: "chat-ptu", fault: { kind: "throttle", retryAfterSeconds: 7 } }] });
    const [first, during, after] = await h.callAt([0, 7_000 - 1, 7_000 + 2]);
    expect(first!.response.status).toBe(429);
    expect(first!.trace.variables).toMatchObject({ "has-ra": "true", ra: "7", seen: "0" });
    // Stored when the 429 came back (t = 2 ms, the simulated deployment's reject time) for 7 s.
    expect(during!.trace.variables.seen).toBe("1");
    expect(after!.trace.variables.seen).toBe("0");
  });

  it("a header read without a response fails like C#'s null dereference and answers from on-error", async () => {
    const doc = policyDocument({
      inbound: [{ kind: "set-variable", name: "ra", value: responseHeader("Retry-After", "0") }],
    });
    const r = await harness(doc).call();
    expect(r.response.status).toBe(500);
    expect(r.trace.gatewayGenerated).toBe(true);
    expect(r.response.body).toContain("context.Response is null");
  });

  it("a duration of 0 or less stores nothing; a non-int duration is an expression failure", async () => {
    const store = (duration: Statement & { kind: "cache-store-value" }): Statement[] => [
      duration,
      { kind: "cache-lookup-value", key: "k", variableName: "v", defaultValue: "missing" },
      { kind: "set-variable", name: "kept", value: not(eq(variable("v", "string", ""), str("missing"))) },
    ];
    const zero = await harness(policyDocument({ inbound: store({ kind: "cache-store-value", key: "k", value: "x", duration: and(expr.bool(true), expr.bool(true)) }) })).call();
    expect(zero.response.status).toBe(500);
    const none = await harness(policyDocument({ inbound: store({ kind: "cache-store-value", key: "k", value: "x", duration: int(0) }) })).call();
    expect(none.trace.variables.kept).toBe("false");
  });
});

describe("emulator warm-up", () => {
  it("leaves the emulator's own state alone: a warmed emulator answers exactly as a fresh one", async () => {
    const doc = policyDocument({
      inbound: [{ kind: "cache-lookup-value", key: "seen", variableName: "seen", defaultValue: "0" }, { kind: "set-backend-service", backendId: "chat-stable" }, rewrite],
      backend: [{ kind: "retry", condition: statusIs(429, [500, 599]), count: 2, interval: 0, firstFastRetry: true, policies: [{ kind: "set-backend-service", backendId: "chat-stable" }, { kind: "forward-request", bufferRequestBody: true }] }],
      outbound: [{ kind: "cache-store-value", key: "seen", value: "1", duration: 30 }],
    });
    const faults = [{ fromMs: 0, toMs: 5_000, deployment: "chat-ptu", fault: { kind: "throttle" as const, retryAfterSeconds: 2 } }];
    const times = Array.from({ length: 40 }, (_, i) => i * 250);
    const outcome = (rs: Awaited<ReturnType<ReturnType<typeof harness>["callAt"]>>) => rs.map((r) => [r.response.status, r.trace.variables.seen, ...r.trace.attempts.map((a) => `${a.backendId}:${a.startMs}`)]);
    const fresh = harness(doc, { faults });
    const warmed = harness(doc, { faults });
    await warmed.emulator.warmUp([{ request: { method: "POST", path: "/openai/deployments/chat/chat/completions", query: { "api-version": "2024-10-21" }, headers: { "content-type": "application/json" }, body: "{}" }, caller: { subscriptionId: "w", userId: "w", ip: "127.0.0.1" } }]);
    const a = outcome(await fresh.callAt(times));
    const b = outcome(await warmed.callAt(times));
    expect(b).toEqual(a);
    expect(a.some((r) => r[0] === 429 || r.length > 3)).toBe(true);
  });
});
