import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { planCommand } from "../../cli/plan/command";
import { runOfflinePlan } from "../../cli/plan/runner";
import { FleetConfigError } from "../../stacks/config/errors";

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), "aoai-in-"));

async function issuesOf(promise: Promise<unknown>) {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(FleetConfigError);
    return (error as FleetConfigError).issues;
  }
  throw new Error("expected a FleetConfigError");
}

describe("plan inputs", () => {
  it("rejects stack names that are not file-name safe", async () => {
    expect(await issuesOf(runOfflinePlan("../etc"))).toEqual([{ path: "stack", message: `"../etc" is not a stack name; use letters, digits, '-', '_' or '.'` }]);
  });

  it("merge keys (<<) merge, as the Pulumi CLI's YAML reader does: the plan equals the expanded file's", async () => {
    const dir = tmp();
    const dev = fs.readFileSync(path.join(__dirname, "..", "..", "Pulumi.dev.yaml"), "utf8");
    // Pulumi.dev.yaml with the embeddings deployment's upgrade policy merged in from a mapping.
    const expandedLines = "        capacity: 30\n        upgrade: NoAutoUpgrade\n";
    expect(dev.split(expandedLines)).toHaveLength(2);
    const anchored = dev.replace(expandedLines, "        capacity: 30\n        <<: { upgrade: NoAutoUpgrade }\n");
    fs.writeFileSync(path.join(dir, "Pulumi.merge.yaml"), anchored);
    const plan = await runOfflinePlan("merge", { configFile: path.join(dir, "Pulumi.merge.yaml"), today: new Date("2026-11-23") });
    const expanded = await runOfflinePlan("merge", { configFile: path.join(__dirname, "..", "..", "Pulumi.dev.yaml"), today: new Date("2026-11-23") });
    expect(plan.resources).toEqual(expanded.resources);
  });

  it("reports unparseable YAML as a config error", async () => {
    const file = path.join(tmp(), "Pulumi.broken.yaml");
    fs.writeFileSync(file, "config:\n  aoai-fleet:fleet: [unclosed\n");
    const [issue] = await issuesOf(runOfflinePlan("broken", { configFile: file }));
    expect(issue?.path).toBe("Pulumi.broken.yaml");
    expect(issue?.message).toMatch(/^is not valid YAML: /);
  });

  it("a stack file without aoai-fleet:fleet says where to add it", async () => {
    const file = path.join(tmp(), "Pulumi.empty.yaml");
    fs.writeFileSync(file, "config:\n  azure-native:location: eastus2\n");
    expect(await issuesOf(runOfflinePlan("empty", { configFile: file }))).toEqual([
      { path: "aoai-fleet:fleet", message: "is required: add an `aoai-fleet:fleet` block under `config:` in Pulumi.<stack>.yaml (see README.md, Config reference)" },
    ]);
  });

  it("a misspelt aoai-fleet: key is an error, not a stack planned without it (found by exploratory QA)", async () => {
    // `aoai-fleet:gatway` used to plan 13 resources and "Gateway: none" with exit 0 or 1: a `pulumi up`
    // of that file would delete the deployed gateway.
    const dir = tmp();
    const dev = fs.readFileSync(path.join(__dirname, "..", "..", "Pulumi.dev.yaml"), "utf8");
    expect(dev.split("  aoai-fleet:gateway:\n")).toHaveLength(2);
    fs.writeFileSync(path.join(dir, "Pulumi.typo.yaml"), dev.replace("  aoai-fleet:gateway:\n", "  aoai-fleet:gatway:\n"));
    const out = tmp();
    const message =
      "unknown key; allowed keys in the aoai-fleet namespace: aoai-fleet:fleet, aoai-fleet:gateway (Pulumi ignores a key nobody reads, so a misspelt one would leave its part out of the stack)";
    const failure = planCommand("typo", { config: path.join(dir, "Pulumi.typo.yaml"), out }, () => undefined);
    await expect(failure).rejects.toMatchObject({
      exitCode: 2,
      message: `Invalid stack config (1 problem):\n  - aoai-fleet:gatway: ${message}\nNothing was planned or created. Fix the config and run the plan again.`,
    });
    expect(fs.readdirSync(out)).toEqual([]);
    // Listed beside the fleet's own problems, so one run shows both.
    expect(await issuesOf(runOfflinePlan("typo", { config: { "aoai-fleet:flet": { name: "x1" }, "azure-native:location": "eastus2" } }))).toEqual([
      { path: "aoai-fleet:flet", message },
      { path: "aoai-fleet:fleet", message: "is required: add an `aoai-fleet:fleet` block under `config:` in Pulumi.<stack>.yaml (see README.md, Config reference)" },
    ]);
  });

  it("an --out that cannot be a folder is exit 2 naming it, not exit 70 with a stack trace (found by exploratory QA)", async () => {
    const file = path.join(tmp(), "not-a-folder");
    fs.writeFileSync(file, "");
    await expect(planCommand("dev", { out: file }, () => undefined)).rejects.toMatchObject({
      exitCode: 2,
      message: `--out ${file}: cannot create the folder ${path.join(file, "dev")} (a file is in the way); choose a folder you can write to`,
    });
    expect(fs.readFileSync(file, "utf8")).toBe("");
  });

  it("warnings are printed and recorded in plan.json (retirement judged against --today)", async () => {
    const out = tmp();
    const lines: string[] = [];
    const code = await planCommand("dev", { out, today: "2027-02-01" }, (l = "") => lines.push(l));
    expect(code).toBe(0);
    const warning = {
      path: "aoai-fleet:fleet.deployments.chat.version",
      message: "gpt-4.1-mini 2025-04-14 (GlobalStandard) retires on 2027-04-14, in 72 days; plan the move (no other GlobalStandard version of gpt-4.1-mini in the catalog lasts beyond 90 days; move to a newer model)",
    };
    expect(lines).toContain(`  ! ${warning.path}: ${warning.message}`);
    const doc = JSON.parse(fs.readFileSync(path.join(out, "dev", "plan.json"), "utf8")) as { warnings: unknown[] };
    expect(doc.warnings).toEqual([warning]);
  });

  it("configOverride lays values over the stack file", async () => {
    const plan = await runOfflinePlan("dev", {
      today: new Date("2026-11-23T00:00:00Z"),
      configOverride: { "aoai-fleet:gateway": undefined, "aoai-fleet:fleet": { name: "override", regions: { westus3: {} }, deployments: { e: { model: "text-embedding-3-small", version: "1", sku: "GlobalStandard", capacity: 5, upgrade: "NoAutoUpgrade" } } } },
    });
    expect(plan.outputs.backends.map((b) => `${b.accountName}/${b.name}`)).toEqual(["override-westus3/e"]);
  });
});
