import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { main } from "../../cli/main";

afterEach(() => {
  vi.restoreAllMocks();
  process.exitCode = undefined;
});

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  vi.spyOn(process.stdout, "write").mockImplementation((s: string | Uint8Array) => (out.push(String(s)), true));
  vi.spyOn(process.stderr, "write").mockImplementation((s: string | Uint8Array) => (err.push(String(s)), true));
  return { out, err };
}

describe("npm run simulate", () => {
  it("runs a scenario against the stack's generated policy and writes the report files", async () => {
    const dir = mkdtempSync(join(tmpdir(), "aoai-sim-"));
    const scenario = join(dir, "short.yaml");
    writeFileSync(scenario, "name: short\nseed: 5\nduration: 1m\nload:\n  - { at: 0s, percentOfCapacity: 50 }\nrequest: { promptTokens: 100, maxTokens: 100, completionTokens: 50 }\n");
    const { out } = capture();
    const code = await main(["simulate", "dev", "--scenario", scenario, "--out", dir]);
    expect(code).toBe(0);
    const text = out.join("");
    expect(text).toContain("Simulating short (1 min, seed 5) against stack dev's generated gateway policy…");
    expect(text).toContain("goodput / aggregate capacity");
    expect(text).toContain("chat@swedencentral");
    for (const f of ["summary.json", "requests.csv", "outcomes.svg", "utilization.svg", "added-latency.svg"]) expect(existsSync(join(dir, "dev", "sim", "short", f))).toBe(true);
    const summary = JSON.parse(readFileSync(join(dir, "dev", "sim", "short", "summary.json"), "utf8")) as { scenario: string; unanswered: number; duplicated: number; requests: number };
    expect(summary).toMatchObject({ scenario: "short", unanswered: 0, duplicated: 0 });
    expect(summary.requests).toBeGreaterThan(0);
    expect(readFileSync(join(dir, "dev", "sim", "short", "outcomes.svg"), "utf8")).toMatch(/^<svg /);
  });

  it("exits 2 with one message naming the problem for a bad scenario or an unknown stack", async () => {
    const dir = mkdtempSync(join(tmpdir(), "aoai-sim-"));
    const scenario = join(dir, "bad.yaml");
    writeFileSync(scenario, "name: bad\nduration: 1m\nload: []\n");
    const { err } = capture();
    expect(await main(["simulate", "dev", "--scenario", scenario])).toBe(2);
    expect(err.join("")).toBe(`Invalid scenario:\n  ${scenario}: load: Too small: expected array to have >=1 items\n`);
    const sizes = join(dir, "sizes.yaml");
    writeFileSync(sizes, "name: sizes\nduration: 1m\nload: [{ at: 0s, percentOfCapacity: 50 }]\nrequest: { size: { distribution: uniform } }\ncost: { prices: [{ model: gpt-4o, sku: GlobalStandard, outputPer1K: -1 }] }\nstrategy: { ptuFirst: true }\n");
    err.length = 0;
    expect(await main(["simulate", "dev", "--scenario", sizes])).toBe(2);
    expect(err.join("")).toBe(
      `Invalid scenario:\n  ${sizes}: request.size.distribution: Invalid discriminator value. Expected 'fixed' | 'mix' | 'lognormal'\n` +
        `  ${sizes}: cost.prices.0.outputPer1K: prices cannot be negative\n  ${sizes}: strategy: Unrecognized key: "ptuFirst"\n`,
    );
    expect(await main(["simulate", "nosuch"])).toBe(2);
    expect(err.join("")).toContain("Pulumi.nosuch.yaml: not found in");
  });

  it("exits 2 when the scenario names a route, a fault's region or deployment, or a latency region the stack does not have (they would silently do nothing)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "aoai-sim-"));
    const scenario = join(dir, "elsewhere.yaml");
    writeFileSync(
      scenario,
      "name: elsewhere\nduration: 1m\nroute: nosuch\nload: [{ at: 0s, percentOfCapacity: 50 }]\nrequest: { promptTokens: 100, maxTokens: 100, completionTokens: 50 }\n" +
        "latency: { gatewayRegion: eastus-2, regions: { westus9: { rttMs: 5 } } }\n" +
        "faults:\n  - { at: 0s, for: 60s, region: eastus-2, kind: errors, rate: 1, status: 503 }\n  - { at: 0s, for: 60s, deployment: chat-ptu, kind: outage }\n",
    );
    const { out, err } = capture();
    expect(await main(["simulate", "dev", "--scenario", scenario, "--out", dir])).toBe(2);
    expect(err.join("")).toBe(
      "Invalid scenario for this stack:\n" +
        `  ${scenario}: route: "nosuch" is not a route of this gateway; routes: chat, embeddings\n` +
        `  ${scenario}: faults.0.region: "eastus-2" has no deployment of this stack, so the fault would never fire; regions: eastus2, swedencentral\n` +
        `  ${scenario}: faults.1.deployment: "chat-ptu" is not a deployment of this stack, so the fault would never fire; deployments: chat, embeddings\n` +
        `  ${scenario}: latency.regions.westus9: no deployment of this stack is in "westus9", so the override would change nothing; regions: eastus2, swedencentral\n` +
        `  ${scenario}: latency.gatewayRegion: "eastus-2" is not an Azure region name (lower-case letters and digits, e.g. eastus2, swedencentral)\n`,
    );
    expect(out.join("")).not.toContain("Simulating");
    expect(existsSync(join(dir, "dev"))).toBe(false);
  });
});
