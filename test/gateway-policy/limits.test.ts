// Every limit and input rule triggers one clear error naming the config path.
import { describe, expect, it } from "vitest";
import {
  checkPolicySize, composeGatewayPolicy, composeRoutePolicy, PolicyLimitError, renderPolicy, type BackendInventory, type EdgeSpec, type RouteSpec, type Statement,
} from "../../gateway-policy/index";
import { entraEdge, inventory, routes, subscriptionEdge } from "./support/fixtures";

const compose = (route: RouteSpec, edge: EdgeSpec = subscriptionEdge, inv: BackendInventory = inventory) => () => composeRoutePolicy(route, edge, inv);
const priority = routes.priority as RouteSpec;

describe("limits", () => {
  it("pool over 30 members", () => {
    const big: BackendInventory = {
      backends: Array.from({ length: 31 }, (_, i) => ({ backendId: `chat-r${String(i).padStart(2, "0")}`, deployment: "chat", region: `r${i}`, capacity: 10, tpm: 10000, embeddings: false })),
    };
    expect(compose({ name: "chat", strategy: "weighted", backends: [{ deployment: "chat" }] }, subscriptionEdge, big)).toThrow(
      new PolicyLimitError("aoai-fleet:gateway.routes.chat.backends", "pool chat-stable would have 31 members; APIM backend pools hold at most 30; remove regions or deployments from this route"),
    );
  });

  it.each([0, 51])("retry count %i outside 1–50", (count) => {
    expect(compose({ ...priority, retryCount: count })).toThrow(
      `aoai-fleet:gateway.routes.chat.retryCount: retry count ${count} is outside 1–50, the range APIM's retry policy accepts; use a value in that range`,
    );
  });

  it("policy above 256 KiB fails, above 64 KiB warns", () => {
    const header = (i: number): Statement => ({ kind: "set-header", name: `x-h${i}`, existsAction: "override", values: ["v".repeat(200)] });
    const doc = (n: number) => renderPolicy({ inbound: Array.from({ length: n }, (_, i) => header(i)), backend: [], outbound: [], onError: [] });
    expect(() => checkPolicySize(doc(1200))).toThrow(/^aoai-fleet:gateway\.policy: the generated policy is 3\d\d\.\d KiB; APIM accepts at most 256\.0 KiB per policy document; move some routes to another stack's gateway, remove strategies, or turn off routing options that grow with the members of a route \(routes\.<r>\.routing\.avoidSlow\.enabled: false, routes\.<r>\.routing\.waitBudgetSeconds: 0\)$/);
    expect(checkPolicySize(doc(300))).toEqual([{ path: "aoai-fleet:gateway.policy", message: expect.stringMatching(/^the generated policy is \d+\.\d KiB, above 64\.0 KiB/) }]);
    expect(checkPolicySize(doc(10))).toEqual([]);
    expect(() => checkPolicySize(doc(100), "aoai-fleet:gateway.routes.chat", 16 * 1024)).toThrow(/APIM accepts at most 16\.0 KiB/);
  });

  it("more than 5 metric dimensions", () => {
    const edge: EdgeSpec = { ...subscriptionEdge, metrics: { extraDimensions: [{ name: "Team", header: "x-team" }, { name: "App", header: "x-app" }] } };
    expect(compose(priority, edge)).toThrow(
      "aoai-fleet:gateway.metrics.extraDimensions: token metrics would carry 6 dimensions (API ID, Subscription ID, Route, Target, Team, App); APIM allows at most 5 per emit policy; drop 1 extra dimension(s)",
    );
  });

  it("A/B percents not summing to 100", () => {
    const route: RouteSpec = { ...priority, abTest: { id: "exp", variants: { a: { deployment: "chat", percent: 60 }, b: { deployment: "chat-v2", percent: 30 } } } };
    expect(compose(route)).toThrow(
      "aoai-fleet:gateway.routes.chat.abTest.variants: variant percents sum to 90, not 100 (a=60, b=30); adjust them so every caller lands in exactly one variant",
    );
  });

  it("unknown deployment in a route", () => {
    expect(compose({ ...priority, backends: [{ deployment: "chat-ptu" }, { deployment: "chat-xl" }] })).toThrow(
      'aoai-fleet:gateway.routes.chat.backends[1].deployment: "chat-xl" is not a deployment of the fleet; known deployments: chat, chat-eval, chat-next, chat-ptu, chat-v2, embed; fix the name or add the deployment to aoai-fleet:fleet',
    );
    expect(compose({ ...priority, canary: { deployment: "nope", percent: 5 } })).toThrow(/^aoai-fleet:gateway\.routes\.chat\.canary\.deployment: "nope" is not a deployment/);
  });

  it("a shadow may share a production deployment only when allowed explicitly", () => {
    const route: RouteSpec = { ...priority, shadow: { deployment: "chat", percent: 5, allowProductionDeployment: true } };
    expect(composeRoutePolicy(route, subscriptionEdge, inventory).shadow?.pools.map((p) => p.members.map((m) => m.backendId))).toEqual([["chat-eastus-shadow", "chat-francecentral-shadow", "chat-westus3-shadow"]]);
  });

  it.each<[string, () => unknown, string]>([
    ["canary percent", compose({ ...priority, canary: { deployment: "chat-next", percent: 101 } }), "aoai-fleet:gateway.routes.chat.canary.percent: 101 is not an integer percent 0–100"],
    ["shadow percent", compose({ ...priority, shadow: { deployment: "chat-eval", percent: -1 } }), "aoai-fleet:gateway.routes.chat.shadow.percent: -1 is not an integer percent 0–100"],
    ["same blue and green", compose({ ...priority, blueGreen: { blue: "chat", green: "chat", active: "blue" } }), "aoai-fleet:gateway.routes.chat.blueGreen: blue and green are both chat; use two different deployments"],
    ["priority range", compose({ ...priority, backends: [{ deployment: "chat", priority: 101 }] }), "aoai-fleet:gateway.routes.chat.backends[0].priority: 101 is not an integer priority 0–100"],
    ["route name", compose({ ...priority, name: "chat<x>" }), 'aoai-fleet:gateway.routes.chat<x>: route name "chat<x>" must be 1–64 letters, digits, ".", "-" or "_" starting with a letter or digit (it becomes a backend id and named-value name)'],
    ["tenant id", compose(priority, { auth: { entra: { tenantId: "contoso\"/>", audiences: ["api://x"] } } }), 'aoai-fleet:gateway.auth.entra.tenantId: "contoso\\"/>" is not a tenant GUID'],
    ["user counter without Entra", compose(priority, { auth: { subscriptionKeys: true }, limits: { tokensPerMinute: 1000, counterKey: "user" } }), "aoai-fleet:gateway.limits.counterKey: counterKey user needs auth.entra (the user is the token's oid claim); use subscription or ip, or configure Entra auth"],
    ["canary listed as stable", compose({ ...priority, canary: { deployment: "chat", percent: 5 } }), "aoai-fleet:gateway.routes.chat.canary.deployment: chat is also a stable backend of the route; a canary must be a separate deployment"],
    ["duplicate route", () => composeGatewayPolicy({ routes: [priority, priority], edge: entraEdge, inventory }), "aoai-fleet:gateway.routes.chat: route is defined twice"],
    [
      "subscription counter with Entra",
      compose(priority, { ...entraEdge, limits: { tokensPerMinute: 1000, counterKey: "subscription" } }),
      "aoai-fleet:gateway.limits.counterKey: with auth.entra the API requires no subscription, so every caller would share one empty counter; use user (the token's oid, else its client app) or ip",
    ],
    ["no limit at all", compose(priority, { ...subscriptionEdge, limits: { counterKey: "subscription" } }), "aoai-fleet:gateway.limits.tokensPerMinute: set tokensPerMinute, tokenQuota + tokenQuotaPeriod, or both"],
    ["quota without period", compose(priority, { ...subscriptionEdge, limits: { counterKey: "subscription", tokenQuota: 1000 } }), "aoai-fleet:gateway.limits.tokenQuotaPeriod: tokenQuota and tokenQuotaPeriod go together (e.g. tokenQuota: 5000000, tokenQuotaPeriod: Monthly)"],
    ["override app id not a GUID", compose(priority, { ...entraEdge, overrides: { clientApplicationIds: ["tester"] } }), 'aoai-fleet:gateway.overrides.clientApplicationIds[0]: "tester" is not an application (client) id GUID'],
    ["override role with a comma", compose(priority, { ...entraEdge, overrides: { roles: ["AI.Tester,Admin"] } }), 'aoai-fleet:gateway.overrides.roles[0]: "AI.Tester,Admin" is not an app role value (printable ASCII, no spaces or commas)'],
    ["override role with keys", compose(priority, { ...subscriptionEdge, overrides: { roles: ["AI.Tester"] } }), "aoai-fleet:gateway.overrides.roles: client apps and roles come from an Entra token; configure auth.entra or allow subscriptionIds instead"],
    ["override subscription id with a colon", compose(priority, { ...subscriptionEdge, overrides: { subscriptionIds: ["team:a"] } }), 'aoai-fleet:gateway.overrides.subscriptionIds[0]: "team:a" is not an APIM subscription id (1–256 characters, none of *#&+:<>?)'],
    ["override subscription with Entra", compose(priority, { ...entraEdge, overrides: { subscriptionIds: ["smoke"] } }), "aoai-fleet:gateway.overrides.subscriptionIds: with auth.entra the API requires no subscription, so a subscription id does not identify the caller; allow clientApplicationIds or roles instead"],
    ["audience that is neither a URI nor a GUID", compose(priority, { ...entraEdge, auth: { entra: { tenantId: "72f988bf-86f1-41af-91ab-2d7cd011db47", audiences: ["contoso-ai"] } } }), 'aoai-fleet:gateway.auth.entra.audiences[0]: "contoso-ai" is not an audience: the API\'s App ID URI (api://…) or its client id GUID'],
    [
      "shadow on a production member",
      compose({ ...priority, canary: { deployment: "chat-next", percent: 5 }, shadow: { deployment: "chat-next", percent: 5 } }),
      "aoai-fleet:gateway.routes.chat.shadow.deployment: chat-next is also a member of this route's production pool chat-canary; shadow load would use its capacity and its 429s would trip production breakers; shadow a separate deployment, or set routes.chat.shadow.allowProductionDeployment: true to accept the shared capacity",
    ],
    [
      "generated ids that collide",
      () => composeGatewayPolicy({ routes: [{ name: "chat-eval-eastus", strategy: "weighted", backends: [{ deployment: "chat" }], shadow: { deployment: "chat-eval", percent: 5 } }], edge: subscriptionEdge, inventory }),
      'aoai-fleet:gateway.routes: two generated backends share the id "chat-eval-eastus-shadow"; rename a route, variant or deployment so their ids differ',
    ],
    ["shadow budget", compose({ ...priority, shadow: { deployment: "chat-eval", percent: 5, maxTokensPerMinute: 0 } }), "aoai-fleet:gateway.routes.chat.shadow.maxTokensPerMinute: 0 must be a positive integer (tokens per minute)"],
  ])("%s", (_name, run, message) => {
    expect(run).toThrow(new PolicyLimitError(message.slice(0, message.indexOf(": ")), message.slice(message.indexOf(": ") + 2)));
  });
});
