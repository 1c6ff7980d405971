import { writeFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import OpenAI, { AzureOpenAI } from "openai";
import { describe, expect, it } from "vitest";
import { SimulatedAccount } from "../../simulator/azure/account";
import { SimulatedDeployment } from "../../simulator/azure/deployment";
import { RealClock } from "../../simulator/clock";
import { loadBackendsFile, resolveBackends } from "../../simulator/http/backends-file";
import { startGateway } from "../../simulator/http/server";
import { serveUpstream } from "../../simulator/http/upstream-server";
import { Rng } from "../../simulator/rng";
import { lockstep, ManualClock } from "./support";
import { ScenarioError } from "../../simulator/scenario/load";
import { loadStackSetup, routedBackends } from "../../simulator/stack";

const FAST = { baseMs: 2, perOutputTokenMs: 0, sigma: 0, rejectMs: 1 };

function region(name: string) {
  const clock = new RealClock();
  const account = new SimulatedAccount(`http://${name}`, name);
  const d = new SimulatedDeployment({ deployment: "chat", region: name, model: "gpt-4.1-mini", capacity: 50, tpmPerUnit: 1000, rpmPerUnit: 10, latency: FAST, completionTokens: 5 }, clock, new Rng(1));
  account.add(d);
  account.add(new SimulatedDeployment({ deployment: "embeddings", region: name, model: "text-embedding-3-small", capacity: 30, tpmPerUnit: 1000, rpmPerUnit: 6, latency: FAST }, clock, new Rng(2)));
  return { account, d };
}

describe("gateway in front of real HTTP endpoints (backends file)", () => {
  it("honours a real endpoint's 429 + Retry-After: the breaker keeps traffic away for the advertised time", async () => {
    const east = region("eastus2");
    const sweden = region("swedencentral");
    east.d.faults.add({ fromMs: 0, toMs: Number.POSITIVE_INFINITY, fault: { kind: "throttle", retryAfterSeconds: 45 } });
    const [eastServer, swedenServer] = await Promise.all([serveUpstream(east.account), serveUpstream(sweden.account)]);
    const dir = mkdtempSync(join(tmpdir(), "aoai-backends-"));
    const file = join(dir, "backends.yaml");
    const regions = `\n    eastus2: ${eastServer.url}\n    swedencentral: ${swedenServer.url}`;
    writeFileSync(file, `backends:\n  chat:${regions}\n  embeddings:${regions}\nheaders:\n  api-key: local-simulator-key\n`);
    const setup = loadStackSetup("dev", { today: new Date("2026-11-23") });
    const backends = loadBackendsFile(file);
    const gateway = await startGateway(setup, { realBackends: resolveBackends(backends, routedBackends(setup), file), realBackendHeaders: backends.headers, subscriptionKeys: ["team-a"] });
    try {
      const ai = new AzureOpenAI({ endpoint: gateway.url, apiKey: "team-a", apiVersion: "2024-10-21", deployment: "chat", maxRetries: 0 });
      const statuses: number[] = [];
      for (let i = 0; i < 15; i++) {
        const { response } = await ai.chat.completions.create({ model: "chat", messages: [{ role: "user", content: `q${i}` }], max_tokens: 10 }).withResponse();
        statuses.push(response.status);
      }
      expect(statuses).toEqual(Array(15).fill(200));
      // At most one request ever reached eastus2: its 429 tripped the breaker for 45 s (Retry-After).
      expect(east.d.stats.throttled).toBeLessThanOrEqual(1);
      expect(sweden.d.stats.accepted).toBeGreaterThanOrEqual(14);
    } finally {
      await Promise.all([gateway.close(), eastServer.close(), swedenServer.close()]);
    }
  });

  it("passes a real endpoint's stream through chunk by chunk, and locates and follows a stored response there", async () => {
    // Endpoints whose tokens exist only when the test steps their clock, which it does only once the
    // client has the previous token: a gateway that buffered the upstream stream would never finish.
    const clock = new ManualClock();
    const slow = (name: string) => {
      const account = new SimulatedAccount(`http://${name}`, name);
      for (const [deployment, model] of [["chat", "gpt-4.1-mini"], ["embeddings", "text-embedding-3-small"]] as const)
        account.add(new SimulatedDeployment({ deployment, region: name, model, capacity: 50, tpmPerUnit: 1000, rpmPerUnit: 10, latency: { baseMs: 5, perOutputTokenMs: 25, sigma: 0, rejectMs: 1 }, completionTokens: 6 }, clock, new Rng(1)));
      return account;
    };
    const east = slow("eastus2");
    const sweden = slow("swedencentral");
    const [eastServer, swedenServer] = await Promise.all([serveUpstream(east), serveUpstream(sweden)]);
    const dir = mkdtempSync(join(tmpdir(), "aoai-backends-"));
    const file = join(dir, "backends.yaml");
    const regions = `\n    eastus2: ${eastServer.url}\n    swedencentral: ${swedenServer.url}`;
    writeFileSync(file, `backends:\n  chat:${regions}\n  embeddings:${regions}\n`);
    const backends = loadBackendsFile(file);
    // As `npm run gateway -- dev --backends <file>` does: the endpoints are the accounts of the design.
    const setup = loadStackSetup("dev", { today: new Date("2026-11-23"), accountOrigins: backends.backends });
    const gateway = await startGateway(setup, { realBackends: resolveBackends(backends, routedBackends(setup), file), subscriptionKeys: ["team-a", "k"] });
    try {
      const ai = new OpenAI({ baseURL: `${gateway.url}/openai/v1/`, apiKey: "k", defaultHeaders: { "api-key": "k" }, maxRetries: 0 });
      let received = 0;
      const pump = lockstep(clock, (steps) => steps <= received);
      for await (const chunk of await ai.chat.completions.create({ model: "chat", messages: [{ role: "user", content: "x" }], stream: true })) {
        if (chunk.choices[0]?.delta?.content) received++;
      }
      expect(received).toBe(6);
      // One step for the time to first token, one per later token.
      expect(await pump.stop()).toBe(6);
      const free = lockstep(clock, () => true);
      // A streamed create is located on its account by the follow-up, then followed there.
      let firstId = "";
      for await (const event of await ai.responses.create({ model: "chat", input: "x", stream: true })) if (event.type === "response.completed") firstId = event.response.id;
      const owner = [east, sweden].find((a) => a.responses.get(firstId, 0))!;
      const data = await ai.responses.create({ model: "chat", input: "y", previous_response_id: firstId });
      expect(data.previous_response_id).toBe(firstId);
      expect(owner.responses.get(data.id, 0)).toBeDefined();
      await free.stop();
    } finally {
      await Promise.all([gateway.close(), eastServer.close(), swedenServer.close()]);
    }
  });

  it("rejects a backends file that leaves a deployment × region unmapped, naming it", () => {
    const dir = mkdtempSync(join(tmpdir(), "aoai-backends-"));
    const file = join(dir, "backends.yaml");
    writeFileSync(file, "backends:\n  chat:\n    eastus2: http://127.0.0.1:9\n");
    const setup = loadStackSetup("dev", { today: new Date("2026-11-23") });
    expect(() => resolveBackends(loadBackendsFile(file), routedBackends(setup), file)).toThrow(ScenarioError);
    expect(() => resolveBackends(loadBackendsFile(file), routedBackends(setup), file)).toThrow(
      `Backends file ${file} does not map backends.embeddings.eastus2, backends.chat.swedencentral, backends.embeddings.swedencentral;`,
    );
    writeFileSync(file, "backends:\n  chat:\n    eastus2: http://127.0.0.1:9/openai\n");
    expect(() => loadBackendsFile(file)).toThrow(`${file}: backends.chat.eastus2: a base URL such as http://127.0.0.1:8001 (scheme, host, port; no path or query)`);
  });
});
