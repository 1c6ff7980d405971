// A failed pulumi preview/up through the real Automation API (a fake `pulumi` on PATH answers like
// the CLI): the console gets the engine's error lines, the SDK's "code: -2 stdout: … stderr: …"
// wrapper goes to out/<stack>/rollout/apply-errors.log with everything else.
import { chmodSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { AutomationApplier } from "../../rollout/apply/applier";
import { engineErrors } from "../../rollout/apply/failure";
import { canaryStart, canaryStep } from "../../rollout/canary/actions";
import { RolloutError } from "../../rollout/errors";
import { readRouteState } from "../../rollout/state";
import { tempStack } from "./support";

const TODAY = new Date("2026-11-23T00:00:00Z");

/** What the CLI prints when the preview's provider call is refused (stdout), as 3.x formats it. */
const PREVIEW_OUTPUT = [
  "Previewing update (demo):",
  "",
  " ~  azure-native:apimanagement:NamedValue demo-gateway-nv-chat-canary-percent update [diff: ~value]",
  "Diagnostics:",
  "  azure-native:apimanagement:NamedValue (demo-gateway-nv-chat-canary-percent):",
  "    error: reading NamedValue chat-canary-percent: 1 error occurred:",
  "    \t* StatusCode=403 Code=\"AuthorizationFailed\" Message=\"no authorization to perform action 'Microsoft.ApiManagement/service/namedValues/read'\"",
  "",
  "  pulumi:pulumi:Stack (aoai-fleet-demo):",
  "    error: preview failed",
  "",
  "Resources:",
  "    12 unchanged",
  "",
].join("\n");

/** A `pulumi` that answers `version` and `stack select`, and fails every preview with PREVIEW_OUTPUT. */
function fakePulumi(): string {
  const bin = mkdtempSync(join(tmpdir(), "fake-pulumi-"));
  const output = join(bin, "preview-output.txt");
  writeFileSync(output, PREVIEW_OUTPUT);
  writeFileSync(
    join(bin, "pulumi"),
    `#!/bin/sh\ncase "$1" in\n  version) echo v3.150.0 ;;\n  preview|up) cat '${output}'; exit 255 ;;\n  *) exit 0 ;;\nesac\n`,
  );
  chmodSync(join(bin, "pulumi"), 0o755);
  return bin;
}

const path = process.env.PATH;
afterEach(() => {
  process.env.PATH = path;
});

describe("a failed apply (found by QA)", () => {
  it("prints the engine's error lines, not the SDK's wrapper; the whole text goes to out/<stack>/rollout/apply-errors.log", async () => {
    const stack = tempStack();
    await canaryStart(stack.ctx, "chat", "chat-next", [10, 50, 100]);
    const before = stack.read();
    process.env.PATH = `${fakePulumi()}:${path ?? ""}`;
    stack.ctx.applier = new AutomationApplier(stack.ctx.log, undefined, () => TODAY);
    const error = await canaryStep(stack.ctx, "chat").catch((e: unknown) => e);
    const log = join(stack.dir, "out", "demo", "rollout", "apply-errors.log");
    expect(error).toBeInstanceOf(RolloutError);
    expect((error as RolloutError).exitCode).toBe(1);
    expect((error as RolloutError).message).toBe(
      "canary step on chat: applying failed (pulumi preview of stack demo failed: azure-native:apimanagement:NamedValue (demo-gateway-nv-chat-canary-percent): " +
        "reading NamedValue chat-canary-percent: 1 error occurred: * StatusCode=403 Code=\"AuthorizationFailed\" Message=\"no authorization to perform action 'Microsoft.ApiManagement/service/namedValues/read'\"" +
        `; whole output in ${log}); ${stack.file} was restored to its previous content`,
    );
    expect(stack.read()).toBe(before);
    expect(readRouteState(stack.dir, "demo", "chat").history.map((h) => h.action)).toEqual(["canary start"]);
    const written = readFileSync(log, "utf8");
    expect(written.startsWith("=== 2026-11-23T00:00:00.000Z pulumi preview of stack demo failed ===\ncode: -2\n stdout: \n stderr: Command failed with exit code 255: pulumi preview ")).toBe(true);
    expect(written).toContain(PREVIEW_OUTPUT.trimEnd());
    // A second failure is added to the same log.
    await canaryStep(stack.ctx, "chat").catch(() => undefined);
    expect(readFileSync(log, "utf8").split("=== 2026-11-23T00:00:00.000Z pulumi preview of stack demo failed ===")).toHaveLength(3);
  });

  it("a refused preview (not a CLI failure) is reported as before and writes no log", async () => {
    const stack = tempStack();
    await canaryStart(stack.ctx, "chat", "chat-next", [10, 50, 100]);
    stack.ctx.applier = new AutomationApplier(stack.ctx.log, async () => {
      throw new RolloutError("some other refusal", 1);
    }, () => TODAY);
    await expect(canaryStep(stack.ctx, "chat")).rejects.toThrow("canary step on chat: applying failed (some other refusal); ");
    expect(existsSync(join(stack.dir, "out", "demo", "rollout", "apply-errors.log"))).toBe(false);
  });
});

describe("engineErrors", () => {
  it("keeps each error with its resource and continuation, mandatory policy violations, and the stack's own line only when alone", () => {
    expect(engineErrors(PREVIEW_OUTPUT)).toEqual([
      "azure-native:apimanagement:NamedValue (demo-gateway-nv-chat-canary-percent): reading NamedValue chat-canary-percent: 1 error occurred: * StatusCode=403 Code=\"AuthorizationFailed\" Message=\"no authorization to perform action 'Microsoft.ApiManagement/service/namedValues/read'\"",
    ]);
    const policy = [
      "Policy Violations:",
      "    [mandatory]  aoai-fleet-guardrails v0.1.0  aoai-model-not-retiring (azure-native:cognitiveservices:Deployment: demo-eastus2-chat)",
      "    Deployments must not use a model retiring within 60 days.",
      "    chat: gpt-4o 2024-05-13 retires 2026-12-01",
      "    [advisory]  aoai-fleet-guardrails v0.1.0  aoai-tags (azure-native:cognitiveservices:Account: demo-eastus2)",
      "    Accounts should carry an owner tag.",
      "",
      "Diagnostics:",
      "  pulumi:pulumi:Stack (aoai-fleet-demo):",
      "    error: preview failed",
    ].join("\n");
    expect(engineErrors(policy)).toEqual([
      "policy violation: aoai-fleet-guardrails v0.1.0 aoai-model-not-retiring (azure-native:cognitiveservices:Deployment: demo-eastus2-chat) Deployments must not use a model retiring within 60 days. chat: gpt-4o 2024-05-13 retires 2026-12-01",
    ]);
    expect(engineErrors("Diagnostics:\n  pulumi:pulumi:Stack (aoai-fleet-demo):\n    error: update failed\n\nerror: update failed\n")).toEqual(["update failed"]);
    expect(engineErrors("error: no stack named 'demo' found\n")).toEqual(["no stack named 'demo' found"]);
  });
});
