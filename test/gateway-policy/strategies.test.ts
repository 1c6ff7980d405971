// Strategy behaviour: pools (members, priorities, capacity weights), named values, and target selection
// evaluated structurally from the generated AST.
import { describe, expect, it } from "vitest";
import {
  abBucket, composeGatewayPolicy, composeRoutePolicy, expr as x, parsePolicy, planPools, proportionalWeights, renderPolicy, type PolicyDocument, type RouteSpec, type Statement,
} from "../../gateway-policy/index";
import { evaluateInbound } from "./support/evaluate";
import { embeddingsRoute, inventory, routes, steeringEdge, subscriptionEdge } from "./support/fixtures";

const r = (key: string) => routes[key] as RouteSpec;
const parsed = new Map<string, ReturnType<typeof parsePolicy>>();
/** Selection as APIM would run it (the document parsed back from its XML); steering allowed for subscription "smoke-tests". */
const target = (route: RouteSpec, req: Parameters<typeof evaluateInbound>[1]) => {
  // Evaluate what APIM would run: the document as parsed back from the rendered XML.
  const key = JSON.stringify(route);
  const doc = parsed.get(key) ?? parsePolicy(renderPolicy(composeRoutePolicy(route, steeringEdge, inventory).document));
  parsed.set(key, doc);
  const { vars } = evaluateInbound(doc, { deploymentId: route.name, ...req });
  return { pool: vars.get("aoai-target"), label: vars.get("aoai-target-label"), variant: vars.get("aoai-variant") };
};
const SMOKE = "smoke-tests";

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
    // A pool that mixes deployment names serves the Responses API (its groups in turn): nothing to warn about.
    expect(composeRoutePolicy(r("priority"), subscriptionEdge, inventory).warnings).toEqual([]);
    expect(composeRoutePolicy({ ...r("weighted"), backends: [{ deployment: "chat", priority: 2 }] }, subscriptionEdge, inventory).warnings.slice(0, 1)).toEqual([
      { path: "aoai-fleet:gateway.routes.chat.backends", message: "priority has no effect with strategy weighted (all backends share one tier); remove it or use strategy priority" },
    ]);
    expect(composeRoutePolicy(r("combined"), subscriptionEdge, inventory).warnings).toContainEqual({
      path: "aoai-fleet:gateway.routes.chat",
      message: "abTest assigns every non-canary request to a variant, so blueGreen slots are reachable only with the x-aoai-slot header (allowed callers, see overrides)",
    });
  });
});

describe("audience warning", () => {
  it("says when no audience accepts v2 tokens (their aud is the API's client id), and is silent when one does", () => {
    const edge = (audiences: string[]) => ({ auth: { entra: { tenantId: "72f988bf-86f1-41af-91ab-2d7cd011db47", audiences } }, limits: { tokensPerMinute: 1000, counterKey: "user" as const } });
    const audience = (audiences: string[]) => composeRoutePolicy(r("priority"), edge(audiences), inventory).warnings.filter((w) => w.path.endsWith(".audiences"));
    expect(audience(["api://contoso-ai"])).toEqual([
      {
        path: "aoai-fleet:gateway.auth.entra.audiences",
        message: "no audience is the API's client id (a GUID), so v2 access tokens (aud = client id) will be rejected; add the application (client) id of the API, or use api://<client id> as the App ID URI",
      },
    ]);
    expect(audience(["api://contoso-ai", "7d3c1f9e-2b4a-4e6f-9a8b-0c1d2e3f4a5b"])).toEqual([]);
    expect(audience(["api://7d3c1f9e-2b4a-4e6f-9a8b-0c1d2e3f4a5b"])).toEqual([]);
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

  it("blue-green follows the named value; an allowed caller's header reaches the inactive slot, anyone else's is ignored", () => {
    const route = r("blue-green");
    expect(target(route, { namedValues: { "chat-active-slot": "blue" } }).pool).toBe("chat-blue");
    expect(target(route, { namedValues: { "chat-active-slot": "green" } }).pool).toBe("chat-green");
    expect(target(route, { namedValues: { "chat-active-slot": "blue" }, subscriptionId: SMOKE, headers: { "x-aoai-slot": "green" } }).pool).toBe("chat-green");
    expect(target(route, { namedValues: { "chat-active-slot": "green" }, subscriptionId: SMOKE, headers: { "x-aoai-slot": "blue" } }).pool).toBe("chat-blue");
    expect(target(route, { namedValues: { "chat-active-slot": "blue" }, subscriptionId: "team-a", headers: { "x-aoai-slot": "green" } }).pool).toBe("chat-blue");
  });

  it("without overrides the steering headers are never read", () => {
    const xml = renderPolicy(composeRoutePolicy(r("combined"), subscriptionEdge, inventory).document);
    const doc = parsePolicy(xml);
    const req = { namedValues: { "chat-active-slot": "blue", "chat-canary-percent": "0" }, deploymentId: "chat", subscriptionId: "u1", headers: { "x-aoai-canary": "canary", "x-aoai-slot": "green", "x-aoai-variant": "b" } };
    expect(evaluateInbound(doc, req).vars.get("aoai-target")).toBe(`chat-ab-${abBucket("prompt-v2", "u1") < 50 ? "a" : "b"}`);
    // The only reads of the headers count them (emit-metric) before deleting them.
    expect(xml.match(/GetValueOrDefault\(&quot;x-aoai-(canary|slot|variant)&quot;/g)).toHaveLength(3);
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
    expect(target(route, { namedValues: { "chat-canary-percent": "0" }, subscriptionId: SMOKE, headers: { "x-aoai-canary": "canary" } }).pool).toBe("chat-canary");
    expect(target(route, { namedValues: { "chat-canary-percent": "100" }, subscriptionId: SMOKE, headers: { "x-aoai-canary": "stable" } }).pool).toBe("chat-stable");
    expect(target(route, { namedValues: { "chat-canary-percent": "0" }, subscriptionId: "team-a", headers: { "x-aoai-canary": "canary" } }).pool).toBe("chat-stable");
  });

  it("A/B assigns the variant of abBucket(id, user) and a header can force one", () => {
    const route = r("ab");
    for (let i = 0; i < 200; i += 1) {
      const id = `sub-${i}`;
      const t = target(route, { namedValues: {}, subscriptionId: id });
      const expected = abBucket("prompt-v2", id) < 50 ? "a" : "b";
      expect(t).toEqual({ pool: `chat-ab-${expected}`, label: `ab-${expected}`, variant: expected });
    }
    expect(target(route, { namedValues: {}, subscriptionId: SMOKE, headers: { "x-aoai-variant": abBucket("prompt-v2", SMOKE) < 50 ? "b" : "a" } }).variant).toBe(abBucket("prompt-v2", SMOKE) < 50 ? "b" : "a");
    const own = abBucket("prompt-v2", "sub-1") < 50 ? "a" : "b";
    expect(target(route, { namedValues: {}, subscriptionId: "sub-1", headers: { "x-aoai-variant": own === "a" ? "b" : "a" } }).variant).toBe(own);
  });

  it("combined: canary overrides A/B, which overrides the blue-green slot", () => {
    const route = r("combined");
    const nv = { "chat-active-slot": "green", "chat-canary-percent": "0" };
    expect(target(route, { namedValues: nv, subscriptionId: SMOKE, headers: { "x-aoai-canary": "canary" } })).toEqual({ pool: "chat-canary", label: "canary", variant: "" });
    const ab = target(route, { namedValues: nv, subscriptionId: "u1" });
    expect(ab.pool).toBe(`chat-ab-${abBucket("prompt-v2", "u1") < 50 ? "a" : "b"}`);
  });

  it("the API-level policy dispatches on deployment-id and answers 404 for unknown routes", () => {
    const doc = composeGatewayPolicy({ routes: [r("priority"), embeddingsRoute], edge: subscriptionEdge, inventory }).document;
    expect(evaluateInbound(doc, { namedValues: {}, deploymentId: "embeddings" }).vars.get("aoai-target")).toBe("embeddings-stable");
    expect(evaluateInbound(doc, { namedValues: {}, deploymentId: "chat" }).vars.get("aoai-target")).toBe("chat-stable");
    expect(evaluateInbound(doc, { namedValues: {}, deploymentId: "gpt-5" }).returned).toBe(404);
  });

  it("on v1 the body's model names the route; a missing or non-text model is 400, an unknown one 404", () => {
    const doc = composeGatewayPolicy({ routes: [r("priority"), embeddingsRoute], edge: subscriptionEdge, inventory }).document;
    const v1 = (body: Record<string, unknown>) => evaluateInbound(doc, { namedValues: {}, operationId: "v1-embeddings", body });
    expect(v1({ model: "embeddings", input: "x" }).vars.get("aoai-target")).toBe("embeddings-stable");
    expect(v1({ model: "chat" }).vars.get("aoai-surface")).toBe("v1");
    expect(v1({ input: "x" }).returned).toBe(400);
    expect(v1({ model: null }).returned).toBe(400);
    // `5` reads as the text "5" (no route: 404) unless the model's JSON type is checked first.
    expect(v1({ model: 5 }).returned).toBe(400);
    expect(v1({ model: ["chat"] }).returned).toBe(400);
    expect(v1({ model: "gpt-5" }).returned).toBe(404);
  });

  it("a Responses create goes to the mixed pool's first group with its deployment as model; on an embeddings route it is answered 400 before any target", () => {
    const composed = composeGatewayPolicy({ routes: [r("priority"), embeddingsRoute], edge: subscriptionEdge, inventory });
    const doc = composed.document;
    const create = (model: string) => evaluateInbound(doc, { namedValues: {}, operationId: "v1-responses-create", body: { model, input: "hi" } });
    // The embeddings route (deployment `embed` answers embeddings) has no Responses twin pool.
    expect(create("embeddings").returned).toBe(400);
    expect(create("embeddings").vars.get("aoai-deployment")).toBeUndefined();
    expect(composed.pools.map((p) => p.poolId).filter((id) => id.startsWith("embeddings-"))).toEqual(["embeddings-stable"]);
    // Its embeddings calls still go to its pool.
    expect(evaluateInbound(doc, { namedValues: {}, operationId: "v1-embeddings", body: { model: "embeddings", input: "x" } }).returned).toBeUndefined();
    // chat-stable: chat-ptu (priority 1, 2 members) then chat (priority 2, 3 members).
    const chat = create("chat");
    expect(chat.returned).toBeUndefined();
    expect(chat.vars.get("aoai-target")).toBe("chat-stable-chat-ptu-resp");
    expect(chat.vars.get("aoai-deployment")).toBe("chat-ptu");
    expect(chat.vars.get("aoai-resp-pool")).toBe("chat-stable");
    expect(chat.vars.get("aoai-resp-group")).toBe(0);
    expect(chat.vars.get("aoai-resp-last-group")).toBe(1);
    // The pool's 4 retries plus one for the attempt that finds the first group exhausted.
    expect(chat.vars.get("aoai-retry-count")).toBe(5);
  });
});

/** aoai-retry-count the inbound section sets for each pool a request can land on. */
function evaluateInboundCounts(doc: PolicyDocument): Record<string, number> {
  const out: Record<string, number> = {};
  const all = (list: readonly Statement[]): Statement[] =>
    list.flatMap((s) => (s.kind === "choose" ? [s, ...s.when.flatMap((w) => all(w.policies)), ...all(s.otherwise ?? [])] : [s]));
  const choose = all(doc.inbound).find((s) => s.kind === "choose" && s.when.some((w) => w.policies.some((p) => p.kind === "set-variable" && p.name === "aoai-retry-count")));
  if (choose?.kind !== "choose") throw new Error("no retry-count choose");
  for (const w of choose.when) {
    const pool = ((w.condition as Extract<ReturnType<typeof x.eq>, { kind: "compare" }>).right as { value: string }).value;
    out[pool] = ((w.policies[0] as Extract<Statement, { kind: "set-variable" }>).value as { value: number }).value;
  }
  return out;
}

describe("generated policy shape", () => {
  const doc = composeRoutePolicy(r("combined"), subscriptionEdge, inventory).document;
  const dispatch = doc.backend[0] as Extract<Statement, { kind: "choose" }>;
  // [0] a request bound to a stored response, [1] a Responses create walking the groups of a mixed pool, [2] the route's loop.
  const retry = dispatch.when[2]!.policies[0] as Extract<Statement, { kind: "retry" }>;

  it("sends a request bound to a stored response once, unbuffered, to the account that holds it", () => {
    expect(dispatch.when[0]!.policies).toEqual([{ kind: "forward-request", timeout: 240, bufferRequestBody: true, bufferResponse: false }]);
  });

  it("retries re-select the pool before forwarding with a buffered body and an unbuffered response; count = the chosen pool's members − 1; 240 s per attempt", () => {
    expect(retry.kind).toBe("retry");
    const count = x.variable("aoai-retry-count", "int", 1);
    expect(retry.count).toEqual(x.conditional(x.compare(">", count, x.int(0)), count, x.int(1)));
    expect(retry.interval).toBe(0);
    // Record a transport failure of the last attempt, pick, forward, record a counted failure.
    expect(retry.policies.map((s) => s.kind)).toEqual(["choose", "set-variable", "set-backend-service", "forward-request", "set-variable", "choose"]);
    expect(retry.policies[3]).toEqual({ kind: "forward-request", timeout: 240, bufferRequestBody: true, bufferResponse: false });
    // Pools of the combined route: blue 5, green 3, canary 2, ab-a 3, ab-b 1 members (no retry on one member).
    const counts = evaluateInboundCounts(doc);
    expect(counts).toEqual({ "chat-blue": 4, "chat-green": 2, "chat-canary": 1, "chat-ab-a": 2, "chat-ab-b": 0 });
  });

  it("shadow is a sampled fire-and-forget copy to the relay, signed with the relay key, without the caller's credentials", () => {
    const xml = renderPolicy(composeRoutePolicy(r("shadow"), subscriptionEdge, inventory).document);
    expect(xml).toContain('<send-one-way-request mode="copy" timeout="240">');
    expect(xml).toContain("<set-url>@(&quot;{{aoai-shadow-relay-url}}&quot; + &quot;/deployments/chat&quot; + System.Text.RegularExpressions.Regex.Replace(context.Request.OriginalUrl.Path, &quot;^.*?/\\u0028?:deployments/[^/]+|v1\\u0029\\u0028?=/\\u0029&quot;, &quot;&quot;) + context.Request.Url.QueryString)</set-url>");
    expect(xml).toContain("<value>@(context.RequestId.ToString())</value>");
    expect(xml).toContain('<value>@(&quot;{{aoai-shadow-relay-key}}&quot;)</value>');
    // The copy is made after the caller's key was removed from header and query.
    expect(xml.indexOf('<set-query-parameter name="api-key" exists-action="delete"/>')).toBeLessThan(xml.indexOf("<send-one-way-request"));
  });

  it("is deterministic", () => {
    expect(renderPolicy(composeRoutePolicy(r("combined"), subscriptionEdge, inventory).document)).toBe(renderPolicy(doc));
  });
});
