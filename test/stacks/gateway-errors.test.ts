import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { stringify } from "yaml";
import { main } from "../../cli/main";
import { runOfflinePlan } from "../../cli/plan/runner";
import { readStackConfigFile } from "../../cli/plan/stack-config";
import { FleetConfigError, type ConfigIssue } from "../../stacks/config/errors";
import { TODAY } from "../support/plan";

const prodConfig = readStackConfigFile(path.join(__dirname, "..", "..", "Pulumi.prod.yaml"));
const prodGateway = prodConfig["aoai-fleet:gateway"] as Record<string, unknown> & { routes: Record<string, Record<string, unknown>> };
const prodFleet = prodConfig["aoai-fleet:fleet"] as Record<string, unknown> & { deployments: Record<string, Record<string, unknown>> };

/** Plans prod with the gateway (and optionally fleet) replaced; returns the config issues it must fail with. */
async function issuesOf(gateway: unknown, fleet: unknown = prodFleet): Promise<readonly ConfigIssue[]> {
  try {
    await runOfflinePlan("prod", { today: TODAY, configOverride: { "aoai-fleet:gateway": gateway, "aoai-fleet:fleet": fleet } });
  } catch (error) {
    expect(error).toBeInstanceOf(FleetConfigError);
    return (error as FleetConfigError).issues;
  }
  throw new Error("expected the plan to fail with a config error, but it succeeded");
}

const consumption: Record<string, unknown> = { ...prodGateway, sku: "Consumption", capacity: 0, auth: { subscriptionKeys: true }, limits: { tokensPerMinute: 20000 } };
// Consumption cannot reach private endpoints, so these tier checks run against a public copy of the prod fleet.
const { network: _network, ...publicFleet }: Record<string, unknown> = { ...prodFleet, publicNetworkAccess: "Enabled" };
const { limits: _limits, circuitBreaker: _breaker, appInsights: _insights, ...consumptionBare } = consumption;
const weighted = (deployment: string) => ({ strategy: "weighted", backends: [{ deployment }] });

describe("gateway config errors through the offline plan", () => {
  it("a route naming an unknown deployment names the path and the known deployments", async () => {
    const routes = { ...prodGateway.routes, chat: { ...prodGateway.routes.chat, canary: { deployment: "chat-next", percent: 10 } } };
    expect(await issuesOf({ ...prodGateway, routes })).toEqual([
      {
        path: "aoai-fleet:gateway.routes.chat.canary.deployment",
        message: 'deployment "chat-next" is not in aoai-fleet:fleet.deployments; known deployments: chat, chat-mini, chat-std, embeddings',
      },
    ]);
  });

  it("a pool over 30 members fails", async () => {
    // 11 deployments × 3 regions in one weighted tier = 33 members.
    const names = Array.from({ length: 11 }, (_, index) => `mini-${index + 1}`);
    const deployments = Object.fromEntries(
      names.map((name) => [name, { model: "gpt-4.1-mini", version: "2025-04-14", sku: "DataZoneStandard", capacity: 50, upgrade: "NoAutoUpgrade" }]),
    );
    const fleet = { ...prodFleet, deployments: { ...prodFleet.deployments, ...deployments } };
    const routes = { wide: { strategy: "weighted", backends: names.map((deployment) => ({ deployment })) } };
    expect(await issuesOf({ ...prodGateway, routes }, fleet)).toEqual([
      {
        path: "aoai-fleet:gateway.routes.wide.backends",
        message: "pool wide-stable would have 33 members (one per deployment × region, all priorities); APIM allows at most 30; split the route or use fewer regions",
      },
    ]);
  });

  it("Consumption with a circuit breaker or token limits fails", async () => {
    expect(await issuesOf(consumption, publicFleet)).toEqual([
      { path: "aoai-fleet:gateway.circuitBreaker", message: "the Consumption tier has no backend circuit breaker; remove circuitBreaker or choose another sku (e.g. BasicV2)" },
      { path: "aoai-fleet:gateway.limits", message: "token limits are unavailable in the Consumption tier; remove limits or choose another sku (e.g. BasicV2)" },
    ]);
    // Without the breaker, priority tiers could never fail over on Consumption.
    expect(await issuesOf({ ...consumptionBare, routes: { chat: prodGateway.routes.chat } }, publicFleet)).toEqual([
      {
        path: "aoai-fleet:gateway.routes.chat.backends",
        message: "priority failover needs a circuit breaker (APIM sends to a lower priority only when every backend above it has tripped); Consumption has no circuit breaker: use strategy: weighted or another sku",
      },
    ]);
  });

  it("a Consumption policy over 16 KiB fails", async () => {
    const routes = Object.fromEntries(
      Array.from({ length: 40 }, (_, index) => [`route-${String(index + 1).padStart(2, "0")}`, weighted(index % 2 === 0 ? "chat-mini" : "embeddings")]),
    );
    const issues = await issuesOf({ ...consumptionBare, routes }, publicFleet);
    expect(issues).toHaveLength(1);
    expect(issues[0]?.path).toBe("aoai-fleet:gateway.routes");
    expect(issues[0]?.message).toMatch(
      /^the generated API policy is \d+\.\d KiB; the Consumption tier accepts at most 16 KiB per policy, about three plain routes; use fewer routes \(this gateway has 40\) or choose another sku \(e\.g\. BasicV2\)$/,
    );
    // The same routes fit a v2 tier's 256 KiB.
    await expect(runOfflinePlan("prod", { today: TODAY, configOverride: { "aoai-fleet:gateway": { ...prodGateway, routes } } })).resolves.toBeDefined();
  });

  it("three plain routes fit Consumption's 16 KiB (the refused Responses API's branches are left out); a fourth does not", async () => {
    const plain = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`r${i + 1}`, weighted(i % 2 === 0 ? "chat-mini" : "embeddings")]));
    const three = await runOfflinePlan("prod", { today: TODAY, configOverride: { "aoai-fleet:gateway": { ...consumptionBare, routes: plain(3) }, "aoai-fleet:fleet": publicFleet } });
    const policy = three.resources.find((r) => r.type === "azure-native:apimanagement:ApiPolicy")?.inputs.value as string;
    expect(Buffer.byteLength(policy, "utf8")).toBeLessThanOrEqual(16 * 1024);
    expect(policy).toContain("This gateway does not serve the Responses API");
    expect(policy).not.toContain("previous_response_id");
    // Nor the model type check: on Consumption `model: 5` gets the unknown route's 404.
    expect(policy).not.toContain("invalid_type");
    expect(policy).toContain("DeploymentNotFound");
    const four = await issuesOf({ ...consumptionBare, routes: plain(4) }, publicFleet);
    expect(four.map((i) => i.path)).toEqual(["aoai-fleet:gateway.routes"]);
    expect(four[0]?.message).toMatch(/about three plain routes; use fewer routes \(this gateway has 4\) or choose another sku/);
  });

  it("a fleet problem does not hide the gateway's own problems: both are listed in one run", async () => {
    const fleet = { ...prodFleet, deployments: { ...prodFleet.deployments, chat: { ...prodFleet.deployments.chat, version: "latest" } } };
    const issues = await issuesOf({ ...prodGateway, sku: "Standardv2" }, fleet);
    expect(issues.map((issue) => issue.path)).toEqual(["aoai-fleet:fleet.deployments.chat.version", "aoai-fleet:gateway.sku"]);
    expect(issues[1]?.message).toBe('"Standardv2" is not allowed; allowed values: Developer, Basic, BasicV2, Standard, StandardV2, Premium, Consumption');
  });

  it("policy-engine limits come back as config issues (A/B variants not summing to 100)", async () => {
    const routes = { chat: { backends: [{ deployment: "chat-std" }], abTest: { id: "prompt-v2", variants: { a: { deployment: "chat-std", percent: 60 }, b: { deployment: "chat-mini", percent: 30 } } } } };
    expect(await issuesOf({ ...prodGateway, routes })).toEqual([
      { path: "aoai-fleet:gateway.routes.chat.abTest.variants", message: "variant percents sum to 90; they must sum to 100" },
    ]);
  });
});

describe("npm run plan with a bad gateway config", () => {
  afterEach(() => vi.restoreAllMocks());

  it("exits 2 naming the path, without a stack trace, and writes nothing", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "aoai-gw-bad-"));
    const file = path.join(dir, "Pulumi.bad.yaml");
    const routes = { chat: { strategy: "weighted", backends: [{ deployment: "chat-turbo" }] } };
    fs.writeFileSync(file, stringify({ config: { ...prodConfig, "aoai-fleet:gateway": { ...prodGateway, routes } } }));
    const out = path.join(dir, "out");
    fs.mkdirSync(out);
    let stderr = "";
    let stdout = "";
    vi.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => ((stderr += String(chunk)), true));
    vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => ((stdout += String(chunk)), true));
    process.exitCode = undefined;
    const code = await main(["plan", "bad", "--config", file, "--out", out, "--today", "2026-11-23"]);
    process.exitCode = undefined;
    vi.restoreAllMocks();
    expect(code).toBe(2);
    expect(stderr).toContain(
      '  - aoai-fleet:gateway.routes.chat.backends.0.deployment: deployment "chat-turbo" is not in aoai-fleet:fleet.deployments; known deployments: chat, chat-mini, chat-std, embeddings',
    );
    expect(stderr).not.toMatch(/\n\s+at /);
    expect(stdout).toBe("");
    expect(fs.readdirSync(out)).toEqual([]);
  });
});
