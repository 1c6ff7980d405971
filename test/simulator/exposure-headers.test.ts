// expose.target's debugging headers on answers the gateway gives itself: a header whose value would be
// empty is absent (exists-action `delete` when empty, exposure.ts), never sent empty. Before, an Entra
// 401 and a v1 body that is not JSON carried `x-aoai-route: ` and `x-aoai-target: `, every on-error
// answer of a route without an A/B test `x-aoai-variant: `, and `GET /responses/{id}` `x-aoai-route: `.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { GatewayResult } from "../../simulator/gateway-types";
import { startGateway } from "../../simulator/http/server";
import { loadStackSetup } from "../../simulator/stack";
import { API_APP, designedGateway, TENANT } from "./designed";
import { FAST_LATENCY } from "./sdk-gateway";

const EXPOSURE = ["x-aoai-route", "x-aoai-target", "x-aoai-variant"] as const;
/** The exposure headers a response carries, by name (absent ones left out). */
const exposure = (r: GatewayResult): Record<string, string> =>
  Object.fromEntries(EXPOSURE.flatMap((h) => (h in r.response.headers ? [[h, r.response.headers[h]!]] : [])));

const fleet = [
  { deployment: "chat", region: "eastus2", capacity: 100 },
  { deployment: "chat-next", region: "eastus2", capacity: 100 },
];
const plain = { strategy: "priority", backends: [{ deployment: "chat" }] };
// An A/B route elsewhere puts x-aoai-variant into the policy; `chat` has no test, so no variant.
const ab = { strategy: "priority", backends: [{ deployment: "chat-next" }], abTest: { id: "p", variants: { a: { deployment: "chat-next", percent: 50 }, b: { deployment: "chat-next", percent: 50 } } } };
const keys = { auth: { subscriptionKeys: true } };
const entra = { auth: { entra: { tenantId: TENANT, audiences: [`api://${API_APP}`] } } };
const throttled = [{ fromMs: 5_000, toMs: 600_000, deployment: "chat", fault: { kind: "throttle" as const, retryAfterSeconds: 30 } }];
const gateway = (expose: boolean, auth: Record<string, unknown> = keys) =>
  designedGateway({ ...auth, ...(expose ? { expose: { target: true } } : {}), routes: { chat: plain, chatab: ab } }, fleet, { faults: throttled, operations: true });

describe("expose.target on the gateway's own answers", () => {
  it("a served 200 names the route and the side; the A/B route also its variant", async () => {
    const g = gateway(true);
    const served = await g.call({ subscriptionId: "a" });
    expect(served.response.status).toBe(200);
    expect(exposure(served)).toEqual({ "x-aoai-route": "chat", "x-aoai-target": "stable" });
    const variant = await g.call({ subscriptionId: "a", path: "/openai/deployments/chatab/chat/completions" });
    expect(exposure(variant)).toEqual({ "x-aoai-route": "chatab", "x-aoai-target": "ab-a", "x-aoai-variant": "a" });
  });

  it("an unknown route's 404 carries none of them", async () => {
    const r = await gateway(true).call({ subscriptionId: "a", path: "/openai/deployments/nope/chat/completions" });
    expect(r.response.status).toBe(404);
    expect(r.response.body).toContain('"code":"DeploymentNotFound"');
    expect(exposure(r)).toEqual({});
  });

  it("the 429 for a pool whose every member is throttled names the route and side, and no variant", async () => {
    const g = gateway(true);
    const [first, exhausted] = await g.callAt([5_000, 6_000], () => ({ subscriptionId: "a" }));
    expect(first!.response.status).toBe(429);
    expect(exhausted!.response.status).toBe(429);
    expect(exhausted!.trace.gatewayGenerated).toBe(true);
    expect(exhausted!.trace.attempts).toEqual([]);
    for (const r of [first!, exhausted!]) expect(exposure(r)).toEqual({ "x-aoai-route": "chat", "x-aoai-target": "stable" });
    expect(exhausted!.response.headers["retry-after"]).toBe("30");
  });

  it("answers given before the route is known carry none: a refused token (401), a v1 body that is not JSON (400)", async () => {
    const refused = await gateway(true, entra).call({});
    expect(refused.response.status).toBe(401);
    expect(exposure(refused)).toEqual({});
    const notJson = await gateway(true).call({ subscriptionId: "a", path: "/openai/v1/chat/completions", query: {}, body: "{not json" });
    expect(notJson.response.status).toBe(400);
    expect(notJson.response.body).toContain('"code":"BadRequest"');
    expect(exposure(notJson)).toEqual({});
  });

  it("without expose.target none of them is added, on any of those answers", async () => {
    const g = gateway(false);
    const results = [
      await g.call({ subscriptionId: "a" }),
      await g.call({ subscriptionId: "a", path: "/openai/deployments/chatab/chat/completions" }),
      await g.call({ subscriptionId: "a", path: "/openai/deployments/nope/chat/completions" }),
      ...(await g.callAt([5_000, 6_000], () => ({ subscriptionId: "a" }))),
      await gateway(false, entra).call({}),
      await g.call({ subscriptionId: "a", path: "/openai/v1/chat/completions", query: {}, body: "{not json" }),
    ];
    expect(results.map((r) => r.response.status)).toEqual([200, 200, 404, 429, 429, 401, 400]);
    for (const r of results) expect(exposure(r)).toEqual({});
  });
});

describe("expose.target on the wire: the local gateway of dev with expose.target", () => {
  /** The exposure headers as the HTTP response carries them. */
  const wire = (r: Response): Record<string, string> => Object.fromEntries([...r.headers.entries()].filter(([h]) => (EXPOSURE as readonly string[]).includes(h)));

  it("sends no empty header: a v1 body that is not JSON gets none, a stored response's follow-up no route", async () => {
    const dir = mkdtempSync(join(tmpdir(), "aoai-expose-"));
    const dev = readFileSync("Pulumi.dev.yaml", "utf8");
    const auth = /^ {4}auth: \{ subscriptionKeys: true \}$/m;
    expect(dev).toMatch(auth);
    writeFileSync(join(dir, "Pulumi.expose.yaml"), dev.replace(auth, "    auth: { subscriptionKeys: true }\n    expose: { target: true }"));
    const g = await startGateway(loadStackSetup("expose", { today: new Date("2026-11-23"), configFile: join(dir, "Pulumi.expose.yaml") }), { latency: FAST_LATENCY, completionTokens: 5, subscriptionKeys: ["k"] });
    try {
      const post = (path: string, body: string) => fetch(`${g.url}/openai/v1/${path}`, { method: "POST", headers: { "content-type": "application/json", "api-key": "k" }, body });
      const served = await post("chat/completions", JSON.stringify({ model: "chat", messages: [{ role: "user", content: "hi" }] }));
      expect(served.status).toBe(200);
      expect(wire(served)).toEqual({ "x-aoai-route": "chat", "x-aoai-target": "stable" });
      const notJson = await post("chat/completions", "{not json");
      expect(notJson.status).toBe(400);
      expect(wire(notJson)).toEqual({});
      const created = await post("responses", JSON.stringify({ model: "chat", input: "hi" }));
      expect(wire(created)).toEqual({ "x-aoai-route": "chat", "x-aoai-target": "stable" });
      const { id } = (await created.json()) as { id: string };
      // Bound to its account by the id alone: no route is named, so none is reported.
      const followUp = await fetch(`${g.url}/openai/v1/responses/${id}`, { headers: { "api-key": "k" } });
      expect(followUp.status).toBe(200);
      expect(wire(followUp)).toEqual({ "x-aoai-target": "affinity" });
      const unknown = await post("chat/completions", JSON.stringify({ model: "nope", messages: [{ role: "user", content: "hi" }] }));
      expect(unknown.status).toBe(404);
      expect(wire(unknown)).toEqual({});
    } finally {
      await g.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
