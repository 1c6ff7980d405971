import { describe, expect, it } from "vitest";
import { PackConfigError, resolvePackConfig } from "../../policies/pack-config";
import { allRules } from "../../policies/rules";

const levelOf = (config: unknown, name: string) =>
  resolvePackConfig(config, "test.json").find((c) => c.rule.name === name)?.enforcementLevel;

describe("resolvePackConfig", () => {
  it("uses each rule's default level and options when there is no config", () => {
    const resolved = resolvePackConfig(undefined, "none");
    expect(resolved.map((c) => [c.rule.name, c.enforcementLevel])).toEqual(allRules.map((r) => [r.name, r.enforcementLevel]));
    expect(resolved.every((c) => Object.keys(c.options).length === 0)).toBe(true);
  });

  it("applies `all`, then per-rule levels (string or object form)", () => {
    const config = {
      all: "advisory",
      "aoai-deployment-missing-model-version": "mandatory",
      "aoai-account-disable-local-auth": { enforcementLevel: "disabled" },
    };
    expect(levelOf(config, "aoai-deployment-enforce-upgrade-option")).toBe("advisory");
    expect(levelOf(config, "aoai-deployment-missing-model-version")).toBe("mandatory");
    expect(levelOf(config, "aoai-account-disable-local-auth")).toBe("disabled");
    expect(levelOf({ all: { enforcementLevel: "disabled" } }, "aoai-api-enforce-authentication")).toBe("disabled");
  });

  it("passes options through without the enforcement level", () => {
    const [configured] = resolvePackConfig({ "aoai-deployment-missing-model-version": { enforcementLevel: "advisory", floatingVersions: ["latest", "default"] } }, "t", allRules.slice(0, 1));
    expect(configured?.options).toEqual({ floatingVersions: ["latest", "default"] });
  });

  it("reports every problem at once, naming the file and paths", () => {
    const bad = {
      all: "strict",
      "aoai-no-such-rule": "mandatory",
      "aoai-deployment-disallow-retiring-version": { enforcementLevel: "mandatory", withinDays: "ninety" },
      "aoai-account-disable-local-auth": 3,
    };
    expect(() => resolvePackConfig(bad, "policies/config/prod.json")).toThrow(PackConfigError);
    try {
      resolvePackConfig(bad, "policies/config/prod.json");
    } catch (error) {
      expect((error as PackConfigError).issues).toEqual([
        `"aoai-no-such-rule" is not a policy in this pack; known policies: all, ${allRules.map((r) => r.name).join(", ")}`,
        'all: "strict" is not an enforcement level; use "advisory", "mandatory", "disabled"',
        "aoai-deployment-disallow-retiring-version.withinDays: Invalid input: expected number, received string",
        'aoai-account-disable-local-auth: must be an enforcement level ("advisory", "mandatory", "disabled") or an object of options',
      ]);
      expect((error as Error).message.startsWith("policies/config/prod.json: 4 problems:\n  - ")).toBe(true);
    }
  });

  // A misspelled option named only itself, and options under "all" were dropped without a word.
  it("names the rule's options for a misspelled one, and refuses options under all", () => {
    const bad = { all: { enforcementLevel: "advisory", withinDays: 30 }, "aoai-deployment-disallow-retiring-version": { withinDay: 30 } };
    expect(() => resolvePackConfig(bad, "policies/config/qa.json")).toThrow(
      [
        "policies/config/qa.json: 2 problems:",
        '  - all.withinDays: "all" takes only enforcementLevel; set options in the rule\'s own entry ({ "<rule>": { "enforcementLevel": …, "withinDays": … } })',
        '  - aoai-deployment-disallow-retiring-version: Unrecognized key: "withinDay"; this rule\'s options: withinDays (besides enforcementLevel)',
      ].join("\n"),
    );
    expect(resolvePackConfig({ all: { enforcementLevel: "disabled" } }, "x.json").every((r) => r.enforcementLevel === "disabled")).toBe(true);
  });

  it("names the file, the entry's path, the value and the closest Azure region names for a misspelt allowed region", () => {
    const bad = { "aoai-account-enforce-region-residency": { enforcementLevel: "mandatory", allowedRegions: ["eastus2", "swedencentrl"] } };
    expect(() => resolvePackConfig(bad, "policies/config/prod.json")).toThrow(
      'policies/config/prod.json: aoai-account-enforce-region-residency.allowedRegions.1: "swedencentrl" is not an Azure region; closest names: swedencentral ' +
        '(an ARM name such as swedencentral or a display name such as "Sweden Central"; a region Azure opened after 2025-09-23 is added to core/catalog/azure-regions.json)',
    );
  });

  it("rejects a config that is not an object", () => {
    expect(() => resolvePackConfig(["mandatory"], "x.json")).toThrow("x.json: the file must hold a JSON object keyed by policy name");
  });
});
