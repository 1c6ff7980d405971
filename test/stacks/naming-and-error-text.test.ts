// ARM's naming rules in config validation (case-insensitive names, tag names) and error-text
// hygiene (escaped control characters, long values cut, at most 50 problems printed, "is required"),
// through `npm run plan` as a user runs it: exit 2, the path, nothing written.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { stringify } from "yaml";
import { afterEach, describe, expect, it, vi } from "vitest";
import { main } from "../../cli/main";
import { formatIssues } from "../../stacks/config/errors";

afterEach(() => vi.restoreAllMocks());

const deployment = { model: "gpt-4o", version: "2024-11-20", sku: "GlobalStandard", capacity: 10, upgrade: "NoAutoUpgrade" };
const gateway = (routes: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  sku: "Developer",
  capacity: 1,
  publisher: { name: "Contoso", email: "ai@contoso.com" },
  auth: { subscriptionKeys: true },
  routes,
  ...extra,
});

async function plan(config: Record<string, unknown>): Promise<{ code: number; stderr: string; written: string[] }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "aoai-naming-"));
  const file = path.join(dir, "Pulumi.t.yaml");
  fs.writeFileSync(file, stringify({ config }));
  const out = path.join(dir, "out");
  let stderr = "";
  vi.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => ((stderr += String(chunk)), true));
  vi.spyOn(process.stdout, "write").mockImplementation(() => true);
  process.exitCode = undefined;
  const code = await main(["plan", "t", "--config", file, "--out", out, "--today", "2026-11-23"]);
  process.exitCode = undefined;
  vi.restoreAllMocks();
  return { code, stderr, written: fs.existsSync(out) ? fs.readdirSync(out) : [] };
}

const fleet = (extra: Record<string, unknown> = {}, deployments: Record<string, unknown> = { chat: deployment }) => ({ name: "contoso-ai", regions: { eastus2: {} }, deployments, ...extra });

describe("ARM naming rules (exit 2, path, both names)", () => {
  it("chat and CHAT as two deployments in one account", async () => {
    const r = await plan({ "aoai-fleet:fleet": fleet({}, { chat: deployment, CHAT: deployment }) });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      '  - aoai-fleet:fleet.deployments.chat: "chat" and "CHAT" (aoai-fleet:fleet.deployments.CHAT) differ only in case: Azure deployment names are case-insensitive, so both would be one deployment in the eastus2 account; rename one\n',
    );
    expect(r.written).toEqual([]);
  });

  it("chat and CHAT in different accounts are allowed (deployment names are unique per account)", async () => {
    const r = await plan({ "aoai-fleet:fleet": fleet({ regions: { eastus2: {}, swedencentral: {} } }, { chat: { ...deployment, regions: ["eastus2"] }, CHAT: { ...deployment, regions: ["swedencentral"] } }) });
    expect(r.stderr).not.toContain("Invalid stack config");
    // Valid config: the plan ran (exit 1 here only because stack "t" has no pack config, so every guardrail is mandatory).
    expect(r.code).not.toBe(2);
    expect(r.written).toEqual(["t"]);
  });

  it("a tag name a/b, a tag name differing only in case, and more than 50 tags", async () => {
    const r = await plan({ "aoai-fleet:fleet": fleet({ tags: { "a/b": "x", Team: "1", team: "2", "a<b>c%d&e\\f?g": "y" } }) });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`  - aoai-fleet:fleet.tags.a/b: tag name "a/b" contains "/"; Azure tag names can't contain < > % & \\ ? /\n`);
    expect(r.stderr).toContain(`tag name "a<b>c%d&e\\\\f?g" contains "<", ">", "%", "&", "\\", "?"; Azure tag names can't contain`);
    expect(r.stderr).toContain(`  - aoai-fleet:fleet.tags.team: tag name "team" and tag name "Team" (aoai-fleet:fleet.tags.Team) differ only in case: Azure tag names are case-insensitive; rename one\n`);
    const many = await plan({ "aoai-fleet:fleet": fleet({ tags: Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`t${i}`, "v"])) }) });
    expect(many.stderr).toContain("  - aoai-fleet:fleet.tags: 51 tags; Azure allows at most 50 per resource (every resource gets all of them); put several values in one tag as JSON\n");
  });

  it("route names that differ only in case, and generated backend ids that collide", async () => {
    const routes = await plan({ "aoai-fleet:fleet": fleet(), "aoai-fleet:gateway": gateway({ chat: { backends: [{ deployment: "chat" }] }, CHAT: { backends: [{ deployment: "chat" }] } }) });
    expect(routes.code).toBe(2);
    expect(routes.stderr).toContain(
      '  - aoai-fleet:gateway.routes.CHAT: route "CHAT" and route "chat" (aoai-fleet:gateway.routes.chat) differ only in case: route names become APIM backend pool and named-value ids, which are case-insensitive; rename one\n',
    );
    // Route X with A/B variant "stable" makes the pool id X-ab-stable; route x-ab makes x-ab-stable:
    // different strings, one APIM backend id.
    const pools = await plan({
      "aoai-fleet:fleet": fleet({}, { chat: deployment, chat2: deployment }),
      "aoai-fleet:gateway": gateway({
        X: { backends: [{ deployment: "chat" }], abTest: { id: "t", variants: { stable: { deployment: "chat", percent: 50 }, b: { deployment: "chat2", percent: 50 } } } },
        "x-ab": { backends: [{ deployment: "chat" }] },
      }),
    });
    expect(pools.code).toBe(2);
    expect(pools.stderr).toContain(
      '  - aoai-fleet:gateway.routes: two generated backends share the id "x-ab-stable" ("X-ab-stable" and "x-ab-stable" differ only in case, and APIM ids are case-insensitive); rename a route, variant or deployment so their ids differ\n',
    );
  });
});

describe("error text", () => {
  it("a missing gateway sku (and a missing deployment sku) says is required", async () => {
    const { sku: _sku, ...noSku } = gateway({ chat: { backends: [{ deployment: "chat" }] } });
    const r = await plan({ "aoai-fleet:fleet": fleet(), "aoai-fleet:gateway": noSku });
    expect(r.stderr).toContain("  - aoai-fleet:gateway.sku: is required; allowed values: Developer, Basic, BasicV2, Standard, StandardV2, Premium, Consumption\n");
    expect(r.stderr).not.toContain("undefined");
    const { sku: _dsku, ...noDeploymentSku } = deployment;
    const d = await plan({ "aoai-fleet:fleet": fleet({}, { chat: noDeploymentSku }) });
    expect(d.stderr).toContain("  - aoai-fleet:fleet.deployments.chat.sku: is required; allowed values: Standard, ProvisionedManaged, GlobalStandard");
  });

  it("control characters in keys and values are escaped; values over 200 characters are cut with …(N chars)", async () => {
    const evil = "chat\u001b[31mRED\u202e";
    const r = await plan({ "aoai-fleet:fleet": fleet({}, { [evil]: deployment, ok: { ...deployment, model: "m".repeat(5000) } }) });
    expect(r.code).toBe(2);
    expect(r.stderr).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f\u202e]/);
    expect(r.stderr).toContain("aoai-fleet:fleet.deployments.chat\\u001b[31mRED\\u202e");
    expect(r.stderr).toContain(`unknown model "${"m".repeat(200)}…(5000 chars)"; known models:`);
    expect(r.stderr.length).toBeLessThan(3_000);
  });

  it("more than 50 problems: the first 50 and a count", async () => {
    const deployments = Object.fromEntries(Array.from({ length: 60 }, (_, i) => [`d${String(i).padStart(2, "0")}`, { ...deployment, version: "" }]));
    const r = await plan({ "aoai-fleet:fleet": fleet({}, deployments) });
    expect(r.stderr).toContain("Invalid stack config (60 problems):");
    expect(r.stderr.match(/^ {2}- /gm)).toHaveLength(50);
    expect(r.stderr).toContain("  … and 10 more problems (the first 50 are shown; fix them and run again)\n");
  });

  it("formatIssues leaves ordinary messages alone", () => {
    expect(formatIssues([{ path: "aoai-fleet:fleet.name", message: 'must be 2-24 lowercase letters, digits or "-"' }])).toBe(
      'Invalid stack config (1 problem):\n  - aoai-fleet:fleet.name: must be 2-24 lowercase letters, digits or "-"',
    );
  });
});
