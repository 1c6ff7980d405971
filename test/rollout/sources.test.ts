import { mkdtempSync, mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { WriteOnlyApplier, defaultApplier, AutomationApplier } from "../../rollout/apply/applier";
import { detectApplyEnvironment, missingForApply } from "../../rollout/apply/environment";
import { buildRequestsKql, GATEWAY_ANSWERED, rowsToRecords } from "../../rollout/metrics/azureMonitorSource";
import { FileMetricSource, loadRecordsFile } from "../../rollout/metrics/fileSource";

const fixtures = join(__dirname, "fixtures");

describe("file metric source", () => {
  it("reads CSV and JSON exports to the same records", () => {
    const csv = loadRecordsFile(join(fixtures, "records.csv"));
    const json = loadRecordsFile(join(fixtures, "records.json"));
    expect(csv).toEqual(json);
    expect(csv[0]).toEqual({
      timestamp: "2026-01-01T00:00:01Z", route: "chat", deployment: "chat", status: 200, latencyMs: 812, promptTokens: 100, completionTokens: 40,
      experiment: "prompt-v2", variant: "a", correlationId: "c1", responseHash: "h1", outcomes: { resolved: 1 },
    });
    expect(csv[2]).toMatchObject({ status: 500, promptTokens: 0, completionTokens: 0 });
  });

  it("returns only the queried route", async () => {
    const source = new FileMetricSource(join(fixtures, "records.csv"));
    const records = await source.fetch({ stack: "demo", route: "chat", windowSeconds: 60 });
    expect(records.map((r) => r.deployment)).toEqual(["chat", "chat-next", "chat-v2"]);
    expect(await source.nextWindow()).toBe(false);
  });

  it("refuses a CSV whose header lacks a required column, even with no rows", () => {
    const dir = mkdtempSync(join(tmpdir(), "rollout-src-"));
    writeFileSync(join(dir, "header-only.csv"), "timestamp,route\n");
    expect(() => loadRecordsFile(join(dir, "header-only.csv"))).toThrow(`${join(dir, "header-only.csv")}: the header has no deployment, status, latencyMs columns; required: timestamp, route, deployment, status, latencyMs`);
    writeFileSync(join(dir, "empty-ok.csv"), "timestamp,route,deployment,status,latencyMs\n");
    expect(loadRecordsFile(join(dir, "empty-ok.csv"))).toEqual([]);
  });

  it("names the row and field of a bad record", () => {
    const dir = mkdtempSync(join(tmpdir(), "rollout-src-"));
    writeFileSync(join(dir, "bad.csv"), "timestamp,route,deployment,status,latencyMs\n2026-01-01T00:00:01Z,chat,chat,abc,10\n");
    expect(() => loadRecordsFile(join(dir, "bad.csv"))).toThrow(/bad\.csv row 2\.status: /);
    writeFileSync(join(dir, "bad.json"), '[{"timestamp":"2026-01-01T00:00:01Z","route":"chat","deployment":"chat","status":200}]');
    expect(() => loadRecordsFile(join(dir, "bad.json"))).toThrow(/bad\.json records\[0\]\.latencyMs: /);
    expect(() => loadRecordsFile(join(dir, "x.txt"))).toThrow(`metrics file ${join(dir, "x.txt")} not found`);
  });
});

describe("Azure Monitor source (offline parts)", () => {
  it("builds the KQL with the route escaped as a string literal", () => {
    const kql = buildRequestsKql('chat"x', 300, 10);
    expect(kql.split("\n").slice(0, 5)).toEqual([
      "ApiManagementGatewayLogs",
      "| where TimeGenerated > ago(300s)",
      '| extend traced = tostring(column_ifexists("TraceRecords", ""))',
      // Deployment-path requests by URL; a canary route's v1-surface requests by the route its trace record names.
      '| where Url has "/openai/deployments/chat\\"x/" or extract(@"aoai-route=([A-Za-z0-9._-]+)", 1, traced) == "chat\\"x"',
      '| extend deployment = extract(@"/openai/deployments/([^/?]+)", 1, BackendUrl)',
    ]);
    // The arm the canary split assigned, from the policy's trace record (absent column: no arm).
    expect(kql.split("\n")[5]).toBe('| extend arm = extract(@"aoai-arm=([a-z0-9-]+)", 1, traced)');
    expect(kql).toContain("CorrelationId, arm\n");
    expect(kql.endsWith("| take 11")).toBe(true);
  });

  it("maps result rows by column name", () => {
    const columns = ["TimeGenerated", "deployment", "status", "latencyMs", "promptTokens", "completionTokens", "CorrelationId", "arm"];
    const records = rowsToRecords("chat", columns, [
      [new Date("2026-01-01T00:00:00Z"), "chat-next", 200, 812, 100, 40, "c1", "stable"],
      [new Date("2026-01-01T00:00:01Z"), "", 503, 2, 0, 0, "c2", "stable"],
      [new Date("2026-01-01T00:00:02Z"), "chat", 200, 700, 100, 40, "c3", ""],
      // The gateway answered itself (no backend URL) and no arm was logged: nothing to judge it by.
      [new Date("2026-01-01T00:00:03Z"), "", 404, 1, 0, 0, "c4", ""],
    ]);
    expect(records).toEqual([
      { timestamp: "2026-01-01T00:00:00.000Z", route: "chat", deployment: "chat-next", arm: "stable", status: 200, latencyMs: 812, promptTokens: 100, completionTokens: 40, correlationId: "c1" },
      // The gateway's own answer to a request the split assigned (an exhausted pool's 503/429) counts for that arm.
      { timestamp: "2026-01-01T00:00:01.000Z", route: "chat", deployment: GATEWAY_ANSWERED, arm: "stable", status: 503, latencyMs: 2, promptTokens: 0, completionTokens: 0, correlationId: "c2" },
      { timestamp: "2026-01-01T00:00:02.000Z", route: "chat", deployment: "chat", status: 200, latencyMs: 700, promptTokens: 100, completionTokens: 40, correlationId: "c3" },
    ]);
  });
});

describe("apply environment detection", () => {
  const home = mkdtempSync(join(tmpdir(), "rollout-home-"));

  it("finds neither the CLI nor credentials in an empty environment and says so", () => {
    const env = detectApplyEnvironment({ PATH: "" }, home);
    expect(env).toEqual({ pulumiCli: undefined, azureCredentials: undefined });
    expect(missingForApply(env)).toBe("the pulumi CLI is not on PATH and no Azure credentials were found (ARM_*/AZURE_* variables or `az login`)");
    expect(defaultApplier(() => {}, env)).toBeInstanceOf(WriteOnlyApplier);
  });

  it("uses the Automation API only when both exist", () => {
    const bin = mkdtempSync(join(tmpdir(), "rollout-bin-"));
    writeFileSync(join(bin, "pulumi"), "#!/bin/sh\n", { mode: 0o755 });
    const azure = join(home, ".azure");
    mkdirSync(azure, { recursive: true });
    writeFileSync(join(azure, "azureProfile.json"), '\uFEFF{"subscriptions":[{"id":"x"}]}');
    const env = detectApplyEnvironment({ PATH: bin }, home);
    expect(env).toEqual({ pulumiCli: join(bin, "pulumi"), azureCredentials: `Azure CLI login (${join(azure, "azureProfile.json")})` });
    expect(defaultApplier(() => {}, env)).toBeInstanceOf(AutomationApplier);
    expect(detectApplyEnvironment({ PATH: "", ARM_CLIENT_ID: "id", ARM_CLIENT_SECRET: "s" }, mkdtempSync(join(tmpdir(), "h-"))).azureCredentials).toBe("ARM_CLIENT_ID service principal");
  });

  it("write-only apply returns the exact command and the reason", async () => {
    expect(await new WriteOnlyApplier("the pulumi CLI is not on PATH").apply("prod")).toEqual({
      kind: "written",
      command: "pulumi up --stack prod",
      reason: "the pulumi CLI is not on PATH",
    });
  });
});
