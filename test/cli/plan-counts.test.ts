// Found by QA: a one-region, one-route stack planned as "1 accounts, 1 deployments" and "1 routes".
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { planCommand } from "../../cli/plan/command";
import { countOf } from "../../core/console/count";

const SMALL = {
  config: {
    "aoai-fleet:fleet": {
      name: "tiny",
      regions: { eastus2: {} },
      deployments: { chat: { model: "gpt-4.1", version: "2025-04-14", sku: "DataZoneStandard", capacity: 10, upgrade: "NoAutoUpgrade" } },
    },
    "aoai-fleet:gateway": {
      sku: "StandardV2",
      capacity: 1,
      publisher: { name: "T", email: "t@example.com" },
      auth: { subscriptionKeys: true },
      routes: { chat: { strategy: "weighted", backends: [{ deployment: "chat" }] } },
    },
  },
};

describe("counts in the plan's sentences", () => {
  it("are singular for one", () => {
    expect([countOf(1, "account"), countOf(0, "account"), countOf(3, "private DNS zone"), countOf(1, "VNet")]).toEqual(["1 account", "0 accounts", "3 private DNS zones", "1 VNet"]);
  });

  it("say 1 account, 1 deployment and 1 route for a one-route stack", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "aoai-counts-"));
    const file = path.join(dir, "Pulumi.tiny.yaml");
    fs.writeFileSync(file, stringify(SMALL));
    const lines: string[] = [];
    expect(await planCommand("tiny", { out: dir, config: file, today: "2026-11-23" }, (l = "") => lines.push(l))).toBe(0);
    const text = lines.join("\n");
    expect(text).toMatch(/nothing was created\): \d+ resources, 1 account, 1 deployment, resource group rg-tiny/);
    // The Responses twin makes two of each; the route is one.
    expect(text).toContain("subscription keys, 2 backends, 2 pools, 1 route:");
  });
});
