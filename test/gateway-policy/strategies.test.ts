// Strategy behaviour: pools (members, priorities, capacity weights), named values, and target selection
// evaluated structurally from the generated AST.
import { describe, expect, it } from "vitest";
import {
  abBucket, composeGatewayPolicy, composeRoutePolicy, parsePolicy, planPools, proportionalWeights, renderPolicy, type RouteSpec, type Statement,
} from "../../gateway-policy/index";
import { evaluateInbound } from "./support/evaluate";
import { embeddingsRoute, inventory, routes, subscriptionEdge } from "./support/fixtures";

const r = (key: string) => routes[key] as RouteSpec;
const parsed = new Map<RouteSpec, ReturnType<typeof parsePolicy>>();
const target = (route: RouteSpec, req: Parameters<typeof evaluateInbound>[1]) => {
  // Evaluate what APIM would run: the document as parsed back from the rendered XML.
  const doc = parsed.get(route) ?? parsePolicy(renderPolicy(composeRoutePolicy(route, subscriptionEdge, inventory).document));
  parsed.set(route, doc);
  const { vars } = evaluateInbound(doc, { deploymentId: route.name, ...req });
  return { pool: vars.get("aoai-target"), label: vars.get("aoai-target-label"), variant: vars.get("aoai-variant") };
};

describe("pools", () => {
  it("priority: tiers by priority, weights proportional to capacity within a tier", () => {
    expect(planPools(r("priority"), inventory)).toEqual([
      {
        poolId: "chat-stable", route: "chat", side: "stable",
        members: [
          { backendId: "chat-ptu-eastus2", deployment: "chat-ptu", region: "eastus2", priority: 1, weight: 67 },
          { backendId: "chat-ptu-swedencentral", deployment: "chat-ptu", region: "swedencentral", priority: 1, weight: 33 },
          { backendId: "chat-eastus", deployment: "chat", region: "eastus", priority: 2, weight: 33 },
          { backendId: "chat-francecentral", deployment: "chat", region: "francecentral", priority: 2, weight: 45 },
          { backendId: "chat-westus3", deployment: "chat", region: "westus3", priority: 2, weight: 22 },
        ],
      },
    ]);
  });

  it("priority defaults to list order when not given", () => {
    const pools = planPools({ name: "chat", strategy: "priority", backends: [{ deployment: "chat" }, { deployment: "chat-ptu" }] }, inventory);
    expect(pools[0]?.members.map((m) => [m.deployment, m.priority])).toEqual([["chat", 1], ["chat", 1], ["chat", 1], ["chat-ptu", 2], ["chat-ptu", 2]]);
  });

  it("weighted: one tier across deployments, weights ∝ capacity (240 units)", () => {
    const members = planPools(r("weighted"), inventory)[0]?.members ?? [];
    expect(members.map((m) => [m.backendId, m.priority, m.weight])).toEqual([
      ["chat-eastus", 1, 12], ["chat-francecentral", 1, 17], ["chat-westus3", 1, 8], ["chat-ptu-eastus2", 1, 42], ["chat-ptu-swedencentral", 1, 21],
    ]);
  });

  it("explicit weights split across regions by capacity", () => {
    const pools = planPools({ name: "chat", strategy: "weighted", backends: [{ deployment: "chat-ptu", weight: 80 }, { deployment: "chat-v2", weight: 20 }] }, inventory);
    expect(pools[0]?.members.map((m) => [m.backendId, m.weight])).toEqual([["chat-ptu-eastus2", 53], ["chat-ptu-swedencentral", 27], ["chat-v2-eastus", 20]]);
  });

  it("weights are integers 1–100 summing to 100, the smallest member keeps 1", () => {
    expect(proportionalWeights([1000, 1, 1])).toEqual([98, 1, 1]);
    expect(proportionalWeights([1, 1, 1])).toEqual([34, 33, 33]);
    expect(proportionalWeights(Array(30).fill(5)).reduce((a, b) => a + b)).toBe(100);
  });

  it("canary stays out of the stable pool unless failover is configured", () => {
    const plain = planPools(r("canary"), inventory);
    expect(plain.map((p) => p.poolId)).toEqual(["chat-stable", "chat-canary"]);
    expect(plain[0]?.members.some((m) => m.deployment === "chat-next")).toBe(false);
    const withFailover = planPools({ ...r("canary"), canary: { deployment: "chat-next", percent: 10, failover: true } }, inventory);
    expect(withFailover[0]?.members.filter((m) => m.deployment === "chat-next").map((m) => m.priority)).toEqual([3, 3]);
  });

  it("blue-green swaps the slot deployment into the route's tiers", () => {
    const pools = planPools(r("blue-green"), inventory);
    expect(pools.map((p) => [p.poolId, p.members.map((m) => `${m.backendId}@${m.priority}`)])).toEqual([
      ["chat-blue", ["chat-ptu-eastus2@1", "chat-ptu-swedencentral@1", "chat-eastus@2", "chat-francecentral@2", "chat-westus3@2"]],
      ["chat-green", ["chat-ptu-eastus2@1", "chat-ptu-swedencentral@1", "chat-next-eastus2@2", "chat-next-swedencentral@2"]],
    ]);
  });
});

describe("warnings", () => {
  it("say when configuration has no effect, and are empty otherwise", () => {
    expect(composeRoutePolicy({ name: "chat", strategy: "priority", backends: [{ deployment: "chat" }] }, subscriptionEdge, inventory).warnings).toEqual([]);
    expect(composeRoutePolicy(r("priority"), subscriptionEdge, inventory).warnings).toEqual([
      "aoai-fleet:gateway.routes.chat.backends: Route chat cannot serve the Responses API: pool chat-stable (chat, chat-ptu) mixes deployment names, and a Responses call names one deployment in its body before the pool picks a member (aoai-fleet:gateway.routes.chat.backends). Chat completions and embeddings are unaffected. To use the Responses API, add a route whose backends all have one deployment name and send the call with that route as model.",
    ]);
    expect(composeRoutePolicy({ ...r("weighted"), backends: [{ deployment: "chat", priority: 2 }] }, subscriptionEdge, inventory).warnings.slice(0, 1)).toEqual([
      "aoai-fleet:gateway.routes.chat.backends: priority has no effect with strategy weighted (all backends share one tier); remove it or use strategy priority",
    ]);
    expect(composeRoutePolicy(r("combined"), subscriptionEdge, inventory).warnings).toContain(
      "aoai-fleet:gateway.routes.chat: abTest assigns every non-canary request to a variant, so blueGreen slots are reachable only with the x-aoai-slot header",
    );
  });
});

describe("named values", () => {
  it("the combined route exposes the active slot and canary percent with initial values", () => {
    expect(composeRoutePolicy(r("combined"), subscriptionEdge, inventory).namedValues).toEqual([
      { name: "chat-active-slot", value: "blue", allowed: "blue | green", description: "Active blue-green slot of route chat; switching is a one-value update." },
      { name: "chat-canary-percent", value: "10", allowed: "integer 0–100", description: "Percent of route chat traffic sent to canary chat-next." },
    ]);
  });
});

describe("target selection", () => {
  it("priority and weighted routes always use the stable pool", () => {
    expect(target(r("priority"), { namedValues: {} })).toEqual({ pool: "chat-stable", label: "stable", variant: undefined });
  });

  it("blue-green follows the named value; a header reaches the inactive slot", () => {
    const route = r("blue-green");
    expect(target(route, { namedValues: { "chat-active-slot": "blue" } }).pool).toBe("chat-blue");
    expect(target(route, { namedValues: { "chat-active-slot": "green" } }).pool).toBe("chat-green");
    expect(target(route, { namedValues: { "chat-active-slot": "blue" }, headers: { "x-aoai-slot": "green" } }).pool).toBe("chat-green");
    expect(target(route, { namedValues: { "chat-active-slot": "green" }, headers: { "x-aoai-slot": "blue" } }).pool).toBe("chat-blue");
  });

  it("canary: percent from the named value, sticky per subscription, forced by header", () => {
    const route = r("canary");
    const ids = Array.from({ length: 400 }, (_, i) => `sub-${i}`);
    const canaryShare = (percent: string) =>
      ids.filter((id) => target(route, { namedValues: { "chat-canary-percent": percent }, subscriptionId: id }).label === "canary").length;
    expect(canaryShare("0")).toBe(0);
    expect(canaryShare("100")).toBe(400);
    expect(canaryShare("not-a-number")).toBe(0);
    const ten = canaryShare("10");
    expect(ten).toBeGreaterThan(20);
    expect(ten).toBeLessThan(60);
    // Sticky: the same caller gets the same side every time.
    for (const id of ids.slice(0, 20)) {
      const first = target(route, { namedValues: { "chat-canary-percent": "50" }, subscriptionId: id }).label;
      expect(target(route, { namedValues: { "chat-canary-percent": "50" }, subscriptionId: id }).label).toBe(first);
    }
    expect(target(route, { namedValues: { "chat-canary-percent": "0" }, headers: { "x-aoai-canary": "canary" } }).pool).toBe("chat-canary");
    expect(target(route, { namedValues: { "chat-canary-percent": "100" }, headers: { "x-aoai-canary": "stable" } }).pool).toBe("chat-stable");
  });

  it("A/B assigns the variant of abBucket(id, user) and a header can force one", () => {
    const route = r("ab");
    for (let i = 0; i < 200; i += 1) {
      const id = `sub-${i}`;
      const t = target(route, { namedValues: {}, subscriptionId: id });
      const expected = abBucket("prompt-v2", id) < 50 ? "a" : "b";
      expect(t).toEqual({ pool: `chat-ab-${expected}`, label: `ab-${expected}`, variant: expected });
    }
    expect(target(route, { namedValues: {}, subscriptionId: "sub-1", headers: { "x-aoai-variant": "b" } }).variant).toBe("b");
  });

  it("combined: canary overrides A/B, which overrides the blue-green slot", () => {
    const route = r("combined");
    const nv = { "chat-active-slot": "green", "chat-canary-percent": "0" };
    expect(target(route, { namedValues: nv, subscriptionId: "u1", headers: { "x-aoai-canary": "canary" } })).toEqual({ pool: "chat-canary", label: "canary", variant: "" });
    const ab = target(route, { namedValues: nv, subscriptionId: "u1" });
    expect(ab.pool).toBe(`chat-ab-${abBucket("prompt-v2", "u1") < 50 ? "a" : "b"}`);
  });

  it("the API-level policy dispatches on deployment-id and answers 404 for unknown routes", () => {
    const doc = composeGatewayPolicy({ routes: [r("priority"), embeddingsRoute], edge: subscriptionEdge, inventory }).document;
    expect(evaluateInbound(doc, { namedValues: {}, deploymentId: "embeddings" }).vars.get("aoai-target")).toBe("embeddings-stable");
    expect(evaluateInbound(doc, { namedValues: {}, deploymentId: "chat" }).vars.get("aoai-target")).toBe("chat-stable");
    expect(evaluateInbound(doc, { namedValues: {}, deploymentId: "gpt-5" }).returned).toBe(404);
  });

  it("on v1 the body's model names the route; a missing model is 400, an unknown one 404", () => {
    const doc = composeGatewayPolicy({ routes: [r("priority"), embeddingsRoute], edge: subscriptionEdge, inventory }).document;
    const v1 = (body: Record<string, unknown>) => evaluateInbound(doc, { namedValues: {}, operationId: "v1-embeddings", body });
    expect(v1({ model: "embeddings", input: "x" }).vars.get("aoai-target")).toBe("embeddings-stable");
    expect(v1({ model: "chat" }).vars.get("aoai-surface")).toBe("v1");
    expect(v1({ input: "x" }).returned).toBe(400);
    expect(v1({ model: "gpt-5" }).returned).toBe(404);
  });

  it("a Responses create goes to the single-named pool's account twin with the pool's deployment as model; a mixed route answers 400", () => {
    const doc = composeGatewayPolicy({ routes: [r("priority"), embeddingsRoute], edge: subscriptionEdge, inventory }).document;
    const create = (model: string) => evaluateInbound(doc, { namedValues: {}, operationId: "v1-responses-create", body: { model, input: "hi" } });
    expect(create("embeddings").vars.get("aoai-target")).toBe("embeddings-stable-resp");
    expect(create("embeddings").vars.get("aoai-deployment")).toBe("embed");
    expect(create("chat").returned).toBe(400);
  });
});

describe("generated policy shape", () => {
  const doc = composeRoutePolicy(r("combined"), subscriptionEdge, inventory).document;
  const dispatch = doc.backend[0] as Extract<Statement, { kind: "choose" }>;
  const retry = dispatch.when[1]!.policies[0] as Extract<Statement, { kind: "retry" }>;

  it("sends a request bound to a stored response once, unbuffered, to the account that holds it", () => {
    expect(dispatch.when[0]!.policies).toEqual([{ kind: "forward-request", timeout: 120, bufferRequestBody: true, bufferResponse: false }]);
  });

  it("retries re-select the pool before forwarding with a buffered body and an unbuffered response; count = largest pool − 1", () => {
    expect(retry.kind).toBe("retry");
    expect(retry.count).toBe(4);
    expect(retry.interval).toBe(0);
    // Record a transport failure of the last attempt, pick, forward, record a counted failure.
    expect(retry.policies.map((s) => s.kind)).toEqual(["choose", "set-backend-service", "forward-request", "choose"]);
    expect(retry.policies[2]).toEqual({ kind: "forward-request", timeout: 120, bufferRequestBody: true, bufferResponse: false });
  });

  it("shadow is a fire-and-forget copy with managed-identity auth and a correlation header", () => {
    const xml = renderPolicy(composeRoutePolicy(r("shadow"), subscriptionEdge, inventory).document);
    expect(xml).toContain('<send-one-way-request mode="copy" timeout="30">');
    expect(xml).toContain("<value>@(context.RequestId.ToString())</value>");
    expect(xml).toContain('<authentication-managed-identity resource="https://cognitiveservices.azure.com" output-token-variable-name="aoai-msi-token"/>');
  });

  it("is deterministic", () => {
    expect(renderPolicy(composeRoutePolicy(r("combined"), subscriptionEdge, inventory).document)).toBe(renderPolicy(doc));
  });
});
