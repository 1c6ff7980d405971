import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { loadCatalog } from "../../core/catalog/catalog";
import { DEPLOYMENT_SKUS, FleetConfigSchema, UPGRADE_OPTIONS } from "../../stacks/config/fleet";
import { FleetConfigError } from "../../stacks/config/errors";
import { DEPLOYMENT, expectSingleChainPerAccount, ofType, planFleetConfig } from "../support/plan";

const catalog = loadCatalog();
const REGIONS = ["eastus2", "swedencentral", "westus3", "uksouth", "canadacentral", "francecentral"];
const MODELS = [...catalog.modelNames(), "not-a-model"];

const deploymentArb = (regionNames: string[], otherNames: string[]) =>
  fc.record(
    {
      // Weighted towards deployable models so both outcomes (plan / config error) occur often.
      model: fc.oneof({ arbitrary: fc.constantFrom("gpt-4.1", "gpt-4.1-mini", "text-embedding-3-small"), weight: 4 }, { arbitrary: fc.constantFrom(...MODELS), weight: 1 }),
      versionPick: fc.nat(),
      sku: fc.oneof({ arbitrary: fc.constant("GlobalStandard" as const), weight: 4 }, { arbitrary: fc.constantFrom(...DEPLOYMENT_SKUS), weight: 1 }),
      capacity: fc.oneof(
        { arbitrary: fc.integer({ min: 1, max: 600 }), weight: 4 },
        { arbitrary: fc.record({ total: fc.integer({ min: 1, max: 1200 }) }), weight: 1 },
        { arbitrary: fc.subarray(regionNames, { minLength: 1 }).chain((rs) => fc.tuple(...rs.map((r) => fc.tuple(fc.constant(r), fc.integer({ min: 1, max: 300 })))).map((e) => Object.fromEntries(e))), weight: 1 },
      ),
      upgrade: fc.constantFrom(...UPGRADE_OPTIONS),
      regions: fc.option(fc.subarray(regionNames, { minLength: 1 }), { nil: undefined }),
      spillover: fc.option(fc.constantFrom(...otherNames, "missing"), { nil: undefined, freq: 6 }),
    },
    { requiredKeys: ["model", "versionPick", "sku", "capacity", "upgrade"] },
  ).map(({ versionPick, model, ...rest }) => {
    const versions = catalog.versionNames(model);
    const version = versions.length > 0 ? (versions[versionPick % versions.length] as string) : "2025-01-01";
    return Object.fromEntries(Object.entries({ model, version, ...rest }).filter(([, v]) => v !== undefined));
  });

const fleetArb = fc
  .tuple(fc.subarray(REGIONS, { minLength: 1, maxLength: 4 }), fc.subarray(["chat", "chat-std", "mini", "emb"], { minLength: 1 }))
  .chain(([regions, names]) =>
    fc.record({
      name: fc.constantFrom("prop-fleet", "p2"),
      protect: fc.boolean(),
      regions: fc.tuple(...regions.map((r) => fc.tuple(fc.constant(r), fc.option(fc.record({ quota: fc.dictionary(fc.constantFrom("gpt-4o/GlobalStandard", "gpt-4.1/GlobalStandard", "GlobalProvisionedManaged", "gpt-4.1/DataZoneStandard"), fc.integer({ min: 0, max: 900 })) }), { nil: {}, freq: 3 })))).map((e) => Object.fromEntries(e)),
      deployments: fc.tuple(...names.map((n) => fc.tuple(fc.constant(n), deploymentArb(regions, names.filter((x) => x !== n))))).map((e) => Object.fromEntries(e)),
    }),
  );

describe("property: any schema-accepted config plans or fails with a config error", () => {
  it("never throws anything but FleetConfigError, and successful plans keep the invariants", async () => {
    let planned = 0;
    let rejected = 0;
    await fc.assert(
      fc.asyncProperty(fleetArb, async (fleet) => {
        fc.pre(FleetConfigSchema.safeParse(fleet).success);
        try {
          const plan = await planFleetConfig(fleet, "prop");
          planned++;
          expectSingleChainPerAccount(plan);
          for (const d of ofType(plan, DEPLOYMENT)) {
            const inputs = d.inputs as { sku?: { name?: string; capacity?: number }; properties?: { model?: { version?: string }; versionUpgradeOption?: string } };
            expect(inputs.sku?.name).toBeDefined();
            expect(inputs.sku?.capacity).toBeGreaterThan(0);
            expect(inputs.properties?.model?.version).toBeTruthy();
            expect(inputs.properties?.versionUpgradeOption).toBeDefined();
          }
        } catch (error) {
          if (!(error instanceof FleetConfigError)) throw error;
          rejected++;
          for (const issue of error.issues) expect(issue.path).toMatch(/^aoai-fleet:fleet(\.|$)/);
        }
      }),
      { numRuns: 120, seed: 20261123 },
    );
    // Both outcomes must occur, or the generator is not exercising the planner.
    expect(planned).toBeGreaterThan(5);
    expect(rejected).toBeGreaterThan(5);
  });
});
