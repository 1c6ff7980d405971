import { describe, expect, it } from "vitest";
import { computeGatewayDesign, deployedPolicyXml, designGateway, designRoutePolicies, type InventoryEntry } from "../../components/gateway/design";
import { expr, parsePolicy, type Statement } from "../../gateway-policy";
import { goldenCases } from "../gateway-policy/support/fixtures";
import { parseGatewayConfig } from "../../stacks/config/gateway";

const entry = (deployment: string, region: string, capacity: number): InventoryEntry => ({
  deployment,
  region,
  capacity,
  tokensPerMinute: capacity * 1000,
  sku: "GlobalStandard",
  embeddings: false,
  accountOpenAiUrl: `https://acct-${region}.openai.azure.com/openai`,
});
const inventory = [entry("chat", "eastus2", 300), entry("chat", "westus3", 100), entry("chat-next", "eastus2", 40)];

const config = parseGatewayConfig({
  sku: "StandardV2",
  capacity: 2,
  publisher: { name: "Contoso", email: "ai@contoso.com" },
  auth: { entra: { tenantId: "5f1c7e2a-9d4b-4c3e-8a61-2b7f0d9e4c18", audiences: ["api://contoso-ai"], clientApplicationIds: ["0b3c6f1e-2d4a-4e8b-9c7d-1a2b3c4d5e6f"] } },
  defaultApiVersion: "2025-01-01-preview",
  circuitBreaker: { failures: 1, interval: "PT1M", trip: "PT1M" },
  routes: {
    chat: {
      strategy: "weighted",
      backends: [{ deployment: "chat" }],
      canary: { deployment: "chat-next", percent: 20, failover: true },
      retryCount: 3,
      timeoutSeconds: 60,
    },
  },
});

/** Every statement of a section, depth first (choose branches and retry bodies included). */
function flatten(statements: readonly Statement[]): Statement[] {
  return statements.flatMap((statement) => {
    if (statement.kind === "choose") return [statement, ...statement.when.flatMap((branch) => flatten(branch.policies)), ...flatten(statement.otherwise ?? [])];
    if (statement.kind === "retry") return [statement, ...flatten(statement.policies)];
    return [statement];
  });
}

describe("designGateway", () => {
  it("passes route and edge options through to the generated policy", () => {
    const design = designGateway(config, inventory);
    const document = parsePolicy(design.apiPolicy.xml);
    const all = [...flatten(document.inbound), ...flatten(document.backend)];
    expect(all.find((s) => s.kind === "validate-azure-ad-token")).toMatchObject({ clientApplicationIds: ["0b3c6f1e-2d4a-4e8b-9c7d-1a2b3c4d5e6f"], audiences: ["api://contoso-ai"] });
    expect(all.find((s) => s.kind === "set-query-parameter")).toMatchObject({ name: "api-version", existsAction: "skip", values: ["2025-01-01-preview"] });
    // retryCount applies to whichever pool the request lands on; a Responses create walking the stable
    // pool's two deployment-name groups gets one more (the attempt that finds the first group exhausted).
    expect(all.filter((s) => s.kind === "set-variable" && s.name === "aoai-retry-count")).toEqual([
      { kind: "set-variable", name: "aoai-retry-count", value: expr.int(3) },
      { kind: "set-variable", name: "aoai-retry-count", value: expr.int(4) },
    ]);
    const count = expr.variable("aoai-retry-count", "int", 1);
    const loops = flatten(document.backend).filter((s): s is Extract<Statement, { kind: "retry" }> => s.kind === "retry");
    // With a breaker the route waits within a budget (routing.waitBudgetSeconds, 10 s by default): the
    // route's loop may also make one attempt per second of budget and a last look, at most APIM's 50.
    const budgetSeconds = expr.divide(expr.variable("aoai-wait-budget-ms", "int", 0), expr.int(1000));
    const isGroupLoop = (l: Extract<Statement, { kind: "retry" }>) => l.policies.some((p) => p.kind === "set-variable" && p.name === "aoai-resp-attempt");
    expect(loops.find((l) => !isGroupLoop(l) && typeof l.count !== "number" && l.count.kind === "math")).toMatchObject({ count: expr.min(expr.int(50), expr.max(expr.int(1), expr.plus(expr.plus(count, budgetSeconds), expr.int(1)))) });
    // The Responses group loop (before the route's own) waits too: after each wait it walks every group
    // again, so it may make one walk of the groups per second of budget.
    const groups = expr.plus(expr.variable("aoai-resp-last-group", "int", 0), expr.int(1));
    expect(loops.filter(isGroupLoop)).toEqual([
      expect.objectContaining({ count: expr.min(expr.int(50), expr.max(expr.int(1), expr.plus(expr.plus(count, expr.times(expr.plus(budgetSeconds, expr.int(1)), groups)), expr.int(1)))) }),
    ]);
    expect(all.filter((s) => s.kind === "set-variable" && s.name === "aoai-wait-budget-ms")).toEqual([{ kind: "set-variable", name: "aoai-wait-budget-ms", value: expr.int(10_000) }]);
    expect(all.find((s) => s.kind === "forward-request")).toMatchObject({ timeout: 60, bufferRequestBody: true, bufferResponse: false });
  });

  it("lets stable traffic fail over into the canary last, with capacity weights", () => {
    const design = designGateway(config, inventory);
    expect(design.pools).toEqual([
      {
        id: "chat-stable",
        route: "chat",
        role: "stable",
        family: "deployment",
        members: [
          { backendId: "chat-eastus2", priority: 1, weight: 75 },
          { backendId: "chat-westus3", priority: 1, weight: 25 },
          { backendId: "chat-next-eastus2", priority: 2, weight: 100 },
        ],
      },
      { id: "chat-canary", route: "chat", role: "canary", family: "deployment", members: [{ backendId: "chat-next-eastus2", priority: 1, weight: 100 }] },
      // routing.avoidSlow (on by default): a twin per member that has tier peers, that member after them.
      {
        id: "chat-stable-avoid-chat-eastus2",
        route: "chat",
        role: "stable-avoid-chat-eastus2",
        family: "deployment",
        members: [
          { backendId: "chat-westus3", priority: 1, weight: 100 },
          { backendId: "chat-eastus2", priority: 2, weight: 100 },
          { backendId: "chat-next-eastus2", priority: 3, weight: 100 },
        ],
      },
      {
        id: "chat-stable-avoid-chat-westus3",
        route: "chat",
        role: "stable-avoid-chat-westus3",
        family: "deployment",
        members: [
          { backendId: "chat-eastus2", priority: 1, weight: 100 },
          { backendId: "chat-westus3", priority: 2, weight: 100 },
          { backendId: "chat-next-eastus2", priority: 3, weight: 100 },
        ],
      },
      // No spill twin: a weighted route's second tier is the canary failover, not a place to spill to.
      // The stable pool mixes chat and chat-next: its Responses API twins are one pool per name, in the pool's order.
      {
        id: "chat-stable-chat-resp",
        route: "chat",
        role: "stable-chat-resp",
        family: "account",
        members: [
          { backendId: "chat-eastus2-resp", priority: 1, weight: 75 },
          { backendId: "chat-westus3-resp", priority: 1, weight: 25 },
        ],
      },
      { id: "chat-stable-chat-next-resp", route: "chat", role: "stable-chat-next-resp", family: "account", members: [{ backendId: "chat-next-eastus2-resp", priority: 2, weight: 100 }] },
      { id: "chat-canary-resp", route: "chat", role: "canary-resp", family: "account", members: [{ backendId: "chat-next-eastus2-resp", priority: 1, weight: 100 }] },
    ]);
    expect(design.namedValues).toEqual([
      { id: "chat-canary-percent", value: "20", purpose: "Percent of route chat traffic sent to canary chat-next. Allowed: integer 0–100." },
    ]);
  });

  it("rewrites the path to the member's deployment right before the final backend selection on the deployment-path surfaces", () => {
    const design = designGateway(config, inventory);
    for (const xml of [design.apiPolicy.xml, ...designRoutePolicies(config, inventory).map((policy) => policy.xml)]) {
      const last = parsePolicy(xml).inbound.at(-1) as Extract<Statement, { kind: "choose" }>;
      const branch = last.when.find((w) => w.policies.some((s) => s.kind === "rewrite-uri"))!;
      expect(branch.policies).toEqual([
        { kind: "rewrite-uri", template: expr.concat(expr.pathAfterDeployment(), expr.ctx("queryString")), copyUnmatchedParams: false },
        { kind: "set-backend-service", backendId: expr.variable("aoai-target", "string", "") },
      ]);
    }
    // Every deployment × region also has its account twin (the Responses API's way in).
    expect(design.singles.map((single) => [single.id, single.family])).toEqual([
      ["chat-eastus2", "deployment"],
      ["chat-westus3", "deployment"],
      ["chat-next-eastus2", "deployment"],
      ["chat-eastus2-resp", "account"],
      ["chat-westus3-resp", "account"],
      ["chat-next-eastus2-resp", "account"],
    ]);
  });

  it("gives embeddings deployments no account twin and an embeddings route no Responses pools", () => {
    const embeddings = { ...entry("embeddings", "eastus2", 30), embeddings: true };
    const withEmbeddings = parseGatewayConfig({ ...config, routes: { ...config.routes, embeddings: { strategy: "weighted", backends: [{ deployment: "embeddings" }] } } });
    const design = designGateway(withEmbeddings, [...inventory, embeddings]);
    // A route is one kind only (fleet check), so no rollout step can move an embeddings deployment
    // into a route that forwards Responses calls: its twin could never be used.
    expect(design.singles.map((single) => single.id)).toEqual(["chat-eastus2", "chat-westus3", "chat-next-eastus2", "embeddings-eastus2", "chat-eastus2-resp", "chat-westus3-resp", "chat-next-eastus2-resp"]);
    expect(design.pools.filter((pool) => pool.route === "embeddings")).toEqual([
      { id: "embeddings-stable", route: "embeddings", role: "stable", family: "deployment", members: [{ backendId: "embeddings-eastus2", priority: 1, weight: 100 }] },
    ]);
    // The chat route keeps its twins; the embeddings route's Responses creates are answered by the policy.
    expect(design.pools.filter((pool) => pool.family === "account").map((pool) => pool.id)).toEqual(["chat-stable-chat-resp", "chat-stable-chat-next-resp", "chat-canary-resp"]);
    expect(design.apiPolicy.xml).toContain("The responses operation does not work with route \\&quot;embeddings\\&quot;: it serves embeddings only; send Responses calls to a chat route (chat).");
  });

  it("keeps generated backend ids within ARM's 80 characters with a stable hash tail", () => {
    const longDeployment = "d".repeat(64);
    const long = parseGatewayConfig({ ...config, routes: { chat: { strategy: "weighted", backends: [{ deployment: longDeployment }] } } });
    const design = designGateway(long, [entry(longDeployment, "germanywestcentral", 10)]);
    const id = design.singles[0]!.id;
    expect(id).toHaveLength(80);
    // 64 + 1 + 18 = 83 characters: the readable start, "-", 8 hex characters of SHA-256 of the full name.
    expect(id).toMatch(/^d{64}-german-[0-9a-f]{8}$/);
    expect(designGateway(long, [entry(longDeployment, "germanywestcentral", 10)]).singles[0]!.id).toBe(id);
    expect(design.pools[0]!.members[0]!.backendId).toBe(id);
  });

  it("is deterministic, and equal inputs share one computed design", () => {
    const first = computeGatewayDesign(config, inventory);
    expect(computeGatewayDesign(structuredClone(config), structuredClone(inventory))).toEqual(first);
    const cached = designGateway(config, inventory);
    expect(cached).toEqual(first);
    expect(designGateway(structuredClone(config), structuredClone(inventory))).toBe(cached);
    // Another endpoint is another design (account URLs reach the Responses affinity statements).
    const moved = designGateway(config, inventory.map((e) => ({ ...e, accountOpenAiUrl: e.accountOpenAiUrl.replace("acct-", "other-") })));
    expect(moved).not.toBe(cached);
    expect(moved.apiPolicy.xml).toContain("other-eastus2.openai.azure.com");
    expect(cached.apiPolicy.xml).not.toContain("other-eastus2.openai.azure.com");
  });

  it("deploys the document the policy engine measured: its rendering is deployedPolicyXml of its AST", () => {
    const design = designGateway(config, inventory);
    const routes = designRoutePolicies(config, inventory);
    expect(routes.map((r) => r.scope)).toEqual(["chat"]);
    expect(parsePolicy(routes[0]!.xml).backend.length).toBeGreaterThan(0);
    for (const [name, result] of goldenCases()) expect(result.xml, name).toBe(deployedPolicyXml(result.document));
    expect(deployedPolicyXml(parsePolicy(design.apiPolicy.xml))).toBe(design.apiPolicy.xml);
  });
});
