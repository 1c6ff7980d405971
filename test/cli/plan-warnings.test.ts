import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { planCommand } from "../../cli/plan/command";
import { designWarningIssue } from "../../cli/plan/steps/gateway";

describe("plan warnings", () => {
  it("splits a gateway design warning into its config path and message", () => {
    expect(designWarningIssue("aoai-fleet:gateway.routes.chat.backends: priority has no effect: see a.b")).toEqual({
      path: "aoai-fleet:gateway.routes.chat.backends",
      message: "priority has no effect: see a.b",
    });
    expect(designWarningIssue("no path here")).toEqual({ path: "aoai-fleet:gateway", message: "no path here" });
  });

  it("lists the gateway's warnings with the fleet's on the console and in plan.json (prod)", async () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), "aoai-plan-warnings-"));
    const lines: string[] = [];
    const code = await planCommand("prod", { out, today: "2026-12-07" }, (l = "") => lines.push(l));
    expect(code).toBe(0);
    const doc = JSON.parse(fs.readFileSync(path.join(out, "prod", "plan.json"), "utf8")) as { warnings: Array<{ path: string; message: string }> };
    const audience = doc.warnings.find((w) => w.path === "aoai-fleet:gateway.auth.entra.audiences");
    expect(audience?.message).toMatch(/^no audience is the API's client id/);
    expect(lines).toContain(`Warnings (${doc.warnings.length}):`);
    expect(lines).toContain(`  ! ${audience?.path}: ${audience?.message}`);
    expect(lines).not.toContain("Warnings: none.");
    expect(lines.filter((l) => l.includes(audience?.message ?? "?"))).toHaveLength(1);
  });
});
