import { describe, expect, it } from "vitest";
import { loadCatalog } from "../../core/catalog/catalog";
import { planFromRawConfig } from "../../core/plan";
import { FleetConfigError, type ConfigIssue } from "../../stacks/config/errors";

const TODAY = new Date("2026-11-23T00:00:00Z");
const catalog = loadCatalog();

type Fleet = { name: string; retirementWarningDays?: number; regions: Record<string, unknown>; deployments: Record<string, Record<string, unknown>>; [k: string]: unknown };
const fleet = (deployments: Record<string, Record<string, unknown>>, regions: Record<string, unknown> = { eastus2: {}, swedencentral: {} }): Fleet => ({ name: "test-fleet", regions, deployments });
const gpt4o = (extra: Record<string, unknown> = {}) => ({ model: "gpt-4o", version: "2024-11-20", sku: "GlobalStandard", capacity: 100, upgrade: "NoAutoUpgrade", ...extra });

function issues(raw: unknown, today = TODAY): ConfigIssue[] {
  try {
    planFromRawConfig(raw, { catalog, today });
  } catch (error) {
    if (error instanceof FleetConfigError) return [...error.issues];
    throw error;
  }
  throw new Error("expected a FleetConfigError");
}

describe("schema errors name the path and the allowed values", () => {
  it("missing config block", () => {
    expect(issues(undefined)).toEqual([{ path: "aoai-fleet:fleet", message: "is required: add an `aoai-fleet:fleet` block under `config:` in Pulumi.<stack>.yaml (see README.md, Config reference)" }]);
  });
  it("a fraction where a whole number belongs names the whole numbers allowed", () => {
    expect(issues({ ...fleet({ chat: gpt4o() }, { eastus2: { quota: { "gpt-4o/GlobalStandard": 100.5 } } }), retirementWarningDays: 9.5 })).toEqual([
      { path: "aoai-fleet:fleet.retirementWarningDays", message: "9.5 is not a whole number; allowed: whole numbers 0–3650" },
      { path: "aoai-fleet:fleet.regions.eastus2.quota.gpt-4o/GlobalStandard", message: "100.5 is not a whole number; allowed: whole numbers ≥ 0" },
    ]);
  });
  it("bad enum values list the allowed ones", () => {
    expect(issues(fleet({ chat: gpt4o({ sku: "Premium", upgrade: "Always" }) }))).toEqual([
      { path: "aoai-fleet:fleet.deployments.chat.sku", message: '"Premium" is not allowed; allowed values: Standard, ProvisionedManaged, GlobalStandard, GlobalProvisionedManaged, DataZoneStandard, DataZoneProvisionedManaged, GlobalBatch, DataZoneBatch' },
      { path: "aoai-fleet:fleet.deployments.chat.upgrade", message: '"Always" is not allowed; allowed values: NoAutoUpgrade, OnceCurrentVersionExpired, OnceNewDefaultVersionAvailable' },
    ]);
  });
  it("unknown keys are rejected rather than ignored", () => {
    expect(issues(fleet({ chat: gpt4o({ capcity: 5 }) }))).toEqual([
      { path: "aoai-fleet:fleet.deployments.chat", message: 'unknown key "capcity"; check the spelling against the config reference in README.md' },
    ]);
  });
  it("bad capacity shapes explain the three forms", () => {
    expect(issues(fleet({ chat: gpt4o({ capacity: -5 }) }))).toEqual([{ path: "aoai-fleet:fleet.deployments.chat.capacity", message: "-5: must be at least 1 unit" }]);
    const [issue] = issues(fleet({ chat: gpt4o({ capacity: "lots" }) }));
    expect(issue?.path).toBe("aoai-fleet:fleet.deployments.chat.capacity");
    expect(issue?.message).toContain("must be a positive whole number of units per region (e.g. 100), a map of region to units (e.g. { eastus2: 100 }), or { total: N }");
  });
  it("bad keys (regions, deployment names, quota keys) and a non-object config", () => {
    expect(issues({ name: "abc", regions: { "East US": {} }, deployments: { "bad name!": gpt4o() } })).toEqual([
      { path: "aoai-fleet:fleet.regions.East US", message: 'key "East US" must be an Azure region name in lowercase letters and digits, e.g. eastus2 or swedencentral' },
      { path: "aoai-fleet:fleet.deployments.bad name!", message: `key "bad name!" must be 1-64 letters, digits, '-', '_' or '.', starting with a letter or digit` },
    ]);
    expect(issues(fleet({ c: gpt4o() }, { eastus2: { quota: { "gpt-4o/Premium": 5 } } }))).toEqual([
      { path: "aoai-fleet:fleet.regions.eastus2.quota.gpt-4o/Premium", message: 'key "gpt-4o/Premium" must be "<model>/<sku>" (e.g. "gpt-4o/GlobalStandard") or a provisioned SKU pool name (ProvisionedManaged, GlobalProvisionedManaged, DataZoneProvisionedManaged)' },
    ]);
    expect(issues("just a string")).toEqual([{ path: "aoai-fleet:fleet", message: 'expected object, got "just a string"' }]);
  });
  it("empty version", () => {
    expect(issues(fleet({ chat: gpt4o({ version: "" }) }))[0]).toEqual({
      path: "aoai-fleet:fleet.deployments.chat.version",
      message: '"": must be an exact model version, not empty; known versions of gpt-4o: 2024-05-13, 2024-08-06, 2024-11-20',
    });
  });
});

describe("catalog errors", () => {
  it("unknown version lists the known ones and the default", () => {
    expect(issues(fleet({ chat: gpt4o({ version: "2025-01-01" }) }))).toEqual([
      { path: "aoai-fleet:fleet.deployments.chat.version", message: 'unknown version "2025-01-01" of gpt-4o; known versions: 2024-05-13, 2024-08-06, 2024-11-20 (default 2024-08-06)' },
    ]);
  });
  it("wrong format", () => {
    expect(issues(fleet({ chat: gpt4o({ format: "OpenAI-OSS" }) }))).toEqual([
      { path: "aoai-fleet:fleet.deployments.chat.format", message: '"OpenAI-OSS" is not the format of gpt-4o; use "OpenAI"' },
    ]);
  });
  it("SKU not offered for the version", () => {
    expect(issues(fleet({ emb: { model: "text-embedding-3-large", version: "1", sku: "GlobalProvisionedManaged", capacity: 15, upgrade: "NoAutoUpgrade" } }))).toEqual([
      { path: "aoai-fleet:fleet.deployments.emb.sku", message: "GlobalProvisionedManaged is not offered for text-embedding-3-large 1; allowed: GlobalStandard, DataZoneStandard, Standard" },
    ]);
  });
  it("SKU not offered in a region (where the catalog knows the region)", () => {
    expect(issues(fleet({ chat: gpt4o({ regions: ["canadacentral"] }) }, { canadacentral: {} }))).toEqual([
      { path: "aoai-fleet:fleet.deployments.chat.regions.0", message: "GlobalStandard is not offered for gpt-4o 2024-11-20 in canadacentral; offered there: GlobalProvisionedManaged" },
    ]);
  });
  it("data-zone SKU limited to some zones", () => {
    const d = { model: "gpt-5.2", version: "2025-12-11", sku: "DataZoneStandard", capacity: 10, upgrade: "NoAutoUpgrade", regions: ["swedencentral"] };
    expect(issues(fleet({ chat: d }))).toEqual([
      { path: "aoai-fleet:fleet.deployments.chat.regions.0", message: "DataZoneStandard for gpt-5.2 2025-12-11 exists only in data zone(s) US, and swedencentral is in EU" },
    ]);
  });
  it("retired versions are errors (per-SKU dates win)", () => {
    expect(issues(fleet({ chat: gpt4o({ version: "2024-08-06", sku: "Standard", regions: ["eastus2"] }) }))).toEqual([
      { path: "aoai-fleet:fleet.deployments.chat.version", message: "gpt-4o 2024-08-06 (Standard) retired on 2026-03-31; pin one of: 2024-11-20" },
    ]);
    expect(issues(fleet({ chat: gpt4o({ version: "2024-05-13" }) }))).toEqual([
      { path: "aoai-fleet:fleet.deployments.chat.version", message: "gpt-4o 2024-05-13 (GlobalStandard) retired on 2026-10-01; pin one of: 2024-08-06, 2024-11-20" },
    ]);
  });
  it("retiring within the window is a warning; the window is configurable", () => {
    const config = fleet({ r: { model: "gpt-5-mini", version: "2025-08-07", sku: "GlobalStandard", capacity: 10, upgrade: "NoAutoUpgrade" } });
    const plan = planFromRawConfig(config, { catalog, today: TODAY });
    expect(plan.warnings).toEqual([
      { path: "aoai-fleet:fleet.deployments.r.version", message: "gpt-5-mini 2025-08-07 (GlobalStandard) retires on 2027-02-09, in 78 days; plan the move (no other GlobalStandard version of gpt-5-mini in the catalog lasts beyond 90 days; move to a newer model)" },
    ]);
    expect(planFromRawConfig({ ...config, retirementWarningDays: 30 }, { catalog, today: TODAY }).warnings).toEqual([]);
  });
  it("a fleet region that is no Azure region is an error naming the closest Azure region names (found by exploratory QA)", () => {
    // "swedencentrall" planned without a word for every model; ARM would refuse it mid-deployment.
    // It was a warning listing the catalog's 28 regions, which could not tell a typo from a real
    // region the catalog has no model for; Azure's own region list can.
    expect(issues(fleet({ chat: gpt4o() }, { eastus2: {}, swedencentrall: {}, eastu2: {} }))).toEqual([
      {
        path: "aoai-fleet:fleet.regions.swedencentrall",
        message:
          "swedencentrall is not an Azure region; closest names: swedencentral (ARM refuses an unknown location only when it deploys; a region Azure opened after 2025-09-23 is added to core/catalog/azure-regions.json)",
      },
      {
        path: "aoai-fleet:fleet.regions.eastu2",
        message:
          "eastu2 is not an Azure region; closest names: eastus, eastus2 (ARM refuses an unknown location only when it deploys; a region Azure opened after 2025-09-23 is added to core/catalog/azure-regions.json)",
      },
    ]);
    // Every region of the shipped stacks and of gpt-4o's availability is known: nothing to say.
    expect(planFromRawConfig(fleet({ chat: gpt4o() }), { catalog, today: TODAY }).warnings).toEqual([]);
  });
  it("a real Azure region the catalog lists no Azure OpenAI model in is a distinct error naming the deployments placed there", () => {
    // newzealandnorth and westus2 are Azure regions (core/catalog/azure-regions.json), but no catalog
    // fact names them: an account there could hold neither deployment.
    const embed = { model: "text-embedding-3-small", version: "1", sku: "GlobalStandard", capacity: 10, upgrade: "NoAutoUpgrade" };
    expect(issues(fleet({ chat: gpt4o(), embed: { ...embed, regions: ["eastus2", "westus2"] } }, { eastus2: {}, newzealandnorth: {}, westus2: {} }))).toEqual([
      {
        path: "aoai-fleet:fleet.regions.newzealandnorth",
        message:
          "newzealandnorth is an Azure region, but the model catalog lists no Azure OpenAI model offered there, so the deployments placed in it (chat) cannot be deployed; remove the region or leave it out of their regions, or refresh the catalog if Azure now offers models there (npm run catalog -- refresh)",
      },
      {
        path: "aoai-fleet:fleet.regions.westus2",
        message:
          "westus2 is an Azure region, but the model catalog lists no Azure OpenAI model offered there, so the deployments placed in it (chat, embed) cannot be deployed; remove the region or leave it out of their regions, or refresh the catalog if Azure now offers models there (npm run catalog -- refresh)",
      },
    ]);
    // With nothing placed there, no account is created: the usual warning, no error.
    const plan = planFromRawConfig(fleet({ chat: gpt4o({ regions: ["eastus2"] }) }, { eastus2: {}, newzealandnorth: {} }), { catalog, today: TODAY });
    expect(plan.warnings).toEqual([{ path: "aoai-fleet:fleet.regions.newzealandnorth", message: "no deployment is placed in newzealandnorth; its account is not created" }]);
  });
  it("a 1-unit standard deployment is a warning", () => {
    const plan = planFromRawConfig(fleet({ chat: gpt4o({ capacity: 1, regions: ["eastus2"] }) }), { catalog, today: TODAY });
    expect(plan.warnings).toEqual([
      { path: "aoai-fleet:fleet.deployments.chat.capacity", message: "1 unit in eastus2 (1000 TPM) rejects any single request estimated above that with 429; use at least a few units" },
      { path: "aoai-fleet:fleet.regions.swedencentral", message: "no deployment is placed in swedencentral; its account is not created" },
    ]);
  });
  it("the shipped catalog already marks several versions retired on 2026-11-23", () => {
    const retired = catalog.modelNames().flatMap((m) => catalog.versionNames(m).filter((v) => (catalog.version(m, v)?.retires.value ?? "9999") <= "2026-11-23").map((v) => `${m}@${v}`));
    expect(retired).toEqual(expect.arrayContaining(["gpt-4o@2024-05-13", "o3-mini@2025-01-31", "o4-mini@2025-04-16", "o1@2024-12-17", "o3@2025-04-16", "gpt-5-chat@2025-08-07"]));
  });
});

describe("placement, capacity and quota errors", () => {
  it("regions not declared in the fleet", () => {
    expect(issues(fleet({ chat: gpt4o({ regions: ["westus"] }) }))).toEqual([
      { path: "aoai-fleet:fleet.deployments.chat.regions.0", message: 'region "westus" is not declared under aoai-fleet:fleet.regions; declared: eastus2, swedencentral' },
    ]);
  });
  it("capacity maps must match the deployment's regions", () => {
    expect(issues(fleet({ chat: gpt4o({ capacity: { eastus2: 10, westus: 5 } }) }))).toEqual([
      { path: "aoai-fleet:fleet.deployments.chat.capacity.westus", message: '"westus" is not a region of this deployment; its regions: eastus2, swedencentral' },
      { path: "aoai-fleet:fleet.deployments.chat.capacity", message: 'gives no capacity for swedencentral; add "swedencentral: <units>" or remove swedencentral from the deployment\'s regions' },
    ]);
  });
  it("{ total } that does not fit the remaining quota", () => {
    const regions = { eastus2: { quota: { "gpt-4o/GlobalStandard": 100 } }, swedencentral: { quota: { "gpt-4o/GlobalStandard": 50 } } };
    expect(issues(fleet({ chat: gpt4o({ capacity: { total: 200 } }) }, regions))).toEqual([
      { path: "aoai-fleet:fleet.deployments.chat.capacity.total", message: "200 units do not fit in the remaining quota (eastus2: 100, swedencentral: 50); lower the total, add regions or raise aoai-fleet:fleet.regions.<region>.quota" },
    ]);
  });
  it("{ total } spreads within quota with the largest remainder", () => {
    const regions = { eastus2: { quota: { "gpt-4o/GlobalStandard": 100 } }, swedencentral: {}, westus: {} };
    const plan = planFromRawConfig(fleet({ chat: gpt4o({ capacity: { total: 301 } }) }, regions), { catalog, today: TODAY });
    expect(plan.accounts.map((a) => [a.region, a.deployments[0]?.capacity])).toEqual([["eastus2", 100], ["swedencentral", 101], ["westus", 100]]);
  });
  it("provisioned totals spread in increments and check the minimum", () => {
    const ptu = { model: "gpt-4.1", version: "2025-04-14", sku: "GlobalProvisionedManaged", upgrade: "NoAutoUpgrade" };
    const plan = planFromRawConfig(fleet({ p: { ...ptu, capacity: { total: 35 } } }), { catalog, today: TODAY });
    expect(plan.accounts.map((a) => a.deployments[0]?.capacity)).toEqual([20, 15]);
    expect(issues(fleet({ p: { ...ptu, capacity: { total: 20 } } }))).toEqual([
      { path: "aoai-fleet:fleet.deployments.p.capacity.total", message: "10 PTU is not allowed for gpt-4.1 GlobalProvisionedManaged: use at least 15 PTU in steps of 5 (15, 20, 25, ...); the spread gave eastus2 10" },
      { path: "aoai-fleet:fleet.deployments.p.capacity.total", message: "10 PTU is not allowed for gpt-4.1 GlobalProvisionedManaged: use at least 15 PTU in steps of 5 (15, 20, 25, ...); the spread gave swedencentral 10" },
    ]);
    expect(issues(fleet({ p: { ...ptu, capacity: 17 } }))[0]?.message).toBe("17 PTU is not allowed for gpt-4.1 GlobalProvisionedManaged: use at least 15 PTU in steps of 5 (15, 20, 25, ...)");
  });
  it("PTU pool quota counts every provisioned deployment of that shape", () => {
    const regions = { eastus2: { quota: { GlobalProvisionedManaged: 40 } } };
    const ptu = (model: string) => ({ model, version: "2025-04-14", sku: "GlobalProvisionedManaged", capacity: 25, upgrade: "NoAutoUpgrade" });
    expect(issues(fleet({ a: ptu("gpt-4.1"), b: ptu("gpt-4.1-mini") }, regions))).toEqual([
      { path: "aoai-fleet:fleet.regions.eastus2.quota.GlobalProvisionedManaged", message: "deployments need 50 units (a=25, b=25) but the declared quota is 40; lower their capacity or raise the quota (request more in the Azure portal first)" },
    ]);
  });
});

describe("spillover rules", () => {
  const ptu = (extra: Record<string, unknown>) => ({ model: "gpt-4.1", version: "2025-04-14", sku: "GlobalProvisionedManaged", capacity: 15, upgrade: "NoAutoUpgrade", ...extra });
  const std = (extra: Record<string, unknown> = {}) => ({ model: "gpt-4.1", version: "2025-04-14", sku: "GlobalStandard", capacity: 50, upgrade: "NoAutoUpgrade", ...extra });
  it("only provisioned deployments spill over", () => {
    expect(issues(fleet({ a: std({ spillover: "b" }), b: std() }))).toEqual([
      { path: "aoai-fleet:fleet.deployments.a.spillover", message: "spillover is only for provisioned deployments (ProvisionedManaged, GlobalProvisionedManaged, DataZoneProvisionedManaged); a is GlobalStandard" },
    ]);
  });
  it("the target must exist, match the processing level and share every region", () => {
    expect(issues(fleet({ p: ptu({ spillover: "nope" }) }))).toEqual([
      { path: "aoai-fleet:fleet.deployments.p.spillover", message: '"nope" is not another deployment of this fleet; deployments: none' },
    ]);
    expect(issues(fleet({ p: ptu({ spillover: "s" }), s: std({ sku: "DataZoneStandard" }) }))[0]).toEqual({
      path: "aoai-fleet:fleet.deployments.p.spillover",
      message: 'GlobalProvisionedManaged spills over only to a GlobalStandard deployment; "s" is DataZoneStandard',
    });
    expect(issues(fleet({ p: ptu({ spillover: "s" }), s: std({ regions: ["eastus2"] }) }))).toEqual([
      { path: "aoai-fleet:fleet.deployments.p.spillover", message: '"s" must be in the same account, but it is not deployed in swedencentral; add those regions to deployments.s.regions' },
    ]);
  });
  it("orders spillover targets first in each account", () => {
    const plan = planFromRawConfig(fleet({ a: ptu({ spillover: "z" }), z: std() }), { catalog, today: TODAY });
    expect(plan.accounts[0]?.deployments.map((d) => d.name)).toEqual(["z", "a"]);
  });
});

describe("every problem is reported at once", () => {
  it("schema problems and catalog problems of the other deployments come together", () => {
    const result = issues(fleet({ a: gpt4o({ version: "latest" }), b: gpt4o({ model: "gpt-99" }), c: gpt4o({ version: "2024-05-13" }) }));
    expect(result.map((i) => i.path)).toEqual([
      "aoai-fleet:fleet.deployments.a.version",
      "aoai-fleet:fleet.deployments.b.model",
      "aoai-fleet:fleet.deployments.c.version",
    ]);
  });
});
