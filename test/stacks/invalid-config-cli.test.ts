import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { runCliCaptured } from "../support/cli";

const fixture = (name: string) => path.join(__dirname, "fixtures", `${name}.yaml`);


afterEach(() => vi.restoreAllMocks());

const cases: [string, string, string][] = [
  ["missing-version", "aoai-fleet:fleet.deployments.chat.version", "is required (expected string); known versions of gpt-4o: 2024-05-13, 2024-08-06, 2024-11-20"],
  ["latest", "aoai-fleet:fleet.deployments.chat.version", '"latest" is not allowed: pin an exact model version so deployments never change underneath you; known versions of gpt-4o: 2024-05-13, 2024-08-06, 2024-11-20'],
  ["unknown-model", "aoai-fleet:fleet.deployments.chat.model", 'unknown model "gpt-9-ultra"; known models: '],
  ["ptu-capacity-7", "aoai-fleet:fleet.deployments.chat.capacity", "7 PTU is not allowed for gpt-4.1 GlobalProvisionedManaged: use at least 15 PTU in steps of 5 (15, 20, 25, ...)"],
  ["data-zone-outside-zone", "aoai-fleet:fleet.deployments.chat.regions.1", "DataZoneStandard needs a region inside a data zone, and uksouth is in none; data-zone regions: US: centralus, eastus, eastus2, northcentralus, southcentralus, westus, westus3; EU: francecentral, germanywestcentral, italynorth, polandcentral, spaincentral, swedencentral, westeurope"],
  ["over-quota", "aoai-fleet:fleet.regions.eastus2.quota.gpt-4o/GlobalStandard", "deployments need 500 units (chat=300, chat-2=200) but the declared quota is 450; lower their capacity or raise the quota (request more in the Azure portal first)"],
  // Gateway hardening (issue 12): who may steer, shadow isolation, per-caller buckets, ARM name limits.
  ["gateway-override-bad-id", "aoai-fleet:gateway.overrides.clientApplicationIds.0", '"smoke-tester" is not an application (client) id GUID'],
  [
    "gateway-shadow-production",
    "aoai-fleet:gateway.routes.chat.shadow.deployment",
    '"chat" also serves this route\'s production traffic (backends.0); shadow load would use its capacity and its 429s would trip production breakers; shadow a separate deployment, or set allowProductionDeployment: true to accept the shared capacity',
  ],
  [
    "gateway-counterkey-entra",
    "aoai-fleet:gateway.limits.counterKey",
    "subscription is not allowed with auth.entra: the API requires no subscription, so every caller would share one empty counter; allowed values: user (the token's oid, else its client app), ip",
  ],
  [
    "gateway-name-too-long",
    "aoai-fleet:gateway.routes.customer-support-assistant-with-retrieval-and-citations-for-agents",
    "the name \"customer-support-assistant-with-retrieval-and-citations-for-agents\" is not allowed: use 1–64 letters, digits, '.', '_' or '-', starting with a letter or digit (Azure OpenAI's deployment-name rule; it also names backends and named values)",
  ],
];

describe("npm run plan on invalid configs", () => {
  it.each(cases)("%s exits 2 naming %s, without a stack trace, and writes nothing", async (name, configPath, message) => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), "aoai-bad-"));
    const { code, stderr, stdout } = await runCliCaptured(["plan", name, "--config", fixture(name), "--out", out, "--today", "2026-11-23"]);
    expect(code).toBe(2);
    expect(stderr).toContain("Invalid stack config (1 problem):");
    expect(stderr).toContain(`  - ${configPath}: ${message}`);
    expect(stderr).toContain("Nothing was planned or created.");
    expect(stderr).not.toMatch(/\n\s+at /);
    expect(stdout).toBe("");
    expect(fs.readdirSync(out)).toEqual([]);
  });

  it("a missing stack file exits 2 and lists the stacks that exist", async () => {
    const { code, stderr } = await runCliCaptured(["plan", "nope"]);
    expect(code).toBe(2);
    expect(stderr).toMatch(/Pulumi\.nope\.yaml: not found in .*; stacks here: .*dev.*prod/);
  });

  // Found by QA: --config naming a missing folder exited 70 with a stack trace (the folder was listed unchecked).
  it("a --config in a missing folder, or naming a folder, exits 2 saying which", async () => {
    const missing = await runCliCaptured(["plan", "dev", "--config", path.join(os.tmpdir(), "aoai-no-such-folder", "Pulumi.dev.yaml")]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain(`Pulumi.dev.yaml: not found: the folder ${path.join(os.tmpdir(), "aoai-no-such-folder")} does not exist`);
    expect(missing.stderr).not.toMatch(/\n\s+at /);
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), "aoai-folder-"));
    const asFolder = await runCliCaptured(["plan", "dev", "--config", folder]);
    expect(asFolder.code).toBe(2);
    expect(asFolder.stderr).toContain(`${folder} is a folder; give the stack config file (Pulumi.<stack>.yaml)`);
  });

  it("a valid stack exits 0", async () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), "aoai-ok-"));
    const { code, stdout } = await runCliCaptured(["plan", "dev", "--out", out, "--today", "2026-11-23"]);
    expect(code).toBe(0);
    expect(stdout).toContain("Warnings: none.");
    expect(fs.existsSync(path.join(out, "dev", "plan.json"))).toBe(true);
  });
});
