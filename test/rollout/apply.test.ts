// The automatic apply: preview with the policy pack → refuse anything the rollout edit does not
// explain → `pulumi up --target` on exactly the explained resources. The Automation API stack is
// replaced by a fake that replays a canned preview (engine events as the CLI emits them).
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { AutomationApplier, defaultApplier, type EngineEventLike, type PreviewableStack } from "../../rollout/apply/applier";
import { classifyPreview, expectedChanges } from "../../rollout/apply/expected";
import { canaryStart, canaryStep } from "../../rollout/canary/actions";
import { blueGreenDeploy } from "../../rollout/bluegreen/actions";
import { RolloutError } from "../../rollout/errors";
import { FIXTURE, tempStack } from "./support";

const TODAY = new Date("2026-11-23T00:00:00Z");
const urn = (type: string, name: string) => `urn:pulumi:demo::aoai-fleet::aoai-fleet:gateway:AiGateway$${type}::${name}`;
const namedValue = (id: string) => ({ op: "update", urn: urn("azure-native:apimanagement:NamedValue", `demo-gateway-nv-${id}`), type: "azure-native:apimanagement:NamedValue", inputs: { namedValueId: id, value: "5" } });
const fleetDeployment = { op: "update", urn: "urn:pulumi:demo::aoai-fleet::aoai-fleet:index:AoaiFleet$azure-native:cognitiveservices:Deployment::demo-eastus2-chat", type: "azure-native:cognitiveservices:Deployment", inputs: { deploymentName: "chat" } };

/** A fake Automation API stack: replays `previewSteps` as resourcePreEvents and records every call. */
function fakeStack(previewSteps: { op: string; urn: string; type: string; inputs?: Record<string, unknown> }[]) {
  const calls: { method: "preview" | "up"; options: Record<string, unknown> }[] = [];
  const stack: PreviewableStack = {
    async preview(options) {
      calls.push({ method: "preview", options: { ...options, onEvent: undefined } });
      for (const step of previewSteps) {
        const event: EngineEventLike = { resourcePreEvent: { metadata: { op: step.op, urn: step.urn, type: step.type, ...(step.inputs ? { new: { inputs: step.inputs } } : {}) } } };
        options.onEvent(event);
      }
      return {};
    },
    async up(options) {
      calls.push({ method: "up", options: { ...options, onOutput: undefined } });
      return { summary: { result: "succeeded", resourceChanges: { update: options.target.length } } };
    },
  };
  return { stack, calls };
}

describe("what a rollout edit may change", () => {
  const fixture = readFileSync(FIXTURE, "utf8");

  it("a percent step explains only its named value; a new canary deployment also its pool and the API policy", () => {
    expect(expectedChanges(fixture, fixture.replace("percent: 0, sticky: true", "percent: 25, sticky: true"), TODAY)).toEqual({ namedValues: ["chat-canary-percent"], pools: [], apiPolicy: false });
    const other = expectedChanges(fixture, fixture.replace("canary: { deployment: chat-next, percent: 0", "canary: { deployment: chat-v2, percent: 5"), TODAY);
    expect(other.namedValues).toEqual(["chat-canary-percent"]);
    // The canary pool and its Responses API twin (every deployment × region already has its account Single).
    expect(other.pools).toEqual(["chat-canary", "chat-canary-resp"]);
  });

  it("classifies preview steps: unchanged ones ignored, the named value allowed, a fleet deployment unexpected", () => {
    const expected = { namedValues: ["chat-canary-percent"], pools: [], apiPolicy: false };
    const same = { ...fleetDeployment, op: "same" };
    expect(classifyPreview([same, namedValue("chat-canary-percent"), fleetDeployment], expected)).toEqual({ allowed: [namedValue("chat-canary-percent")], unexpected: [fleetDeployment] });
    // Another route's named value, or a replace of the expected one, is not explained by the edit.
    expect(classifyPreview([namedValue("chat-bg-active-slot"), { ...namedValue("chat-canary-percent"), op: "replace" }], expected).unexpected).toHaveLength(2);
  });
});

describe("AutomationApplier", () => {
  it("refuses a preview that would change anything else: nothing applied, the stack file restored", async () => {
    const stack = tempStack();
    await canaryStart(stack.ctx, "chat", "chat-next", [10, 50, 100]);
    const before = stack.read();
    const { stack: fake, calls } = fakeStack([namedValue("chat-canary-percent"), fleetDeployment]);
    stack.ctx.applier = new AutomationApplier(stack.ctx.log, async () => fake, () => TODAY);
    const error = await canaryStep(stack.ctx, "chat").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RolloutError);
    expect((error as RolloutError).exitCode).toBe(1);
    expect((error as RolloutError).message).toContain(
      "pulumi preview of stack demo would also change resources this step does not touch (update azure-native:cognitiveservices:Deployment demo-eastus2-chat); nothing was applied",
    );
    expect(calls.map((c) => c.method)).toEqual(["preview"]);
    expect(stack.read()).toBe(before);
  });

  it("applies with --target on exactly the explained resources, with the policy pack and the stack's pack config", async () => {
    const stack = tempStack();
    mkdirSync(join(stack.dir, "policies", "config"), { recursive: true });
    writeFileSync(join(stack.dir, "policies", "PulumiPolicy.yaml"), "runtime: nodejs\n");
    writeFileSync(join(stack.dir, "policies", "config", "demo.json"), "{}\n");
    await canaryStart(stack.ctx, "chat", "chat-next", [10, 50, 100]);
    const { stack: fake, calls } = fakeStack([{ ...fleetDeployment, op: "same" }, namedValue("chat-canary-percent")]);
    stack.ctx.applier = new AutomationApplier(stack.ctx.log, async () => fake, () => TODAY);
    const result = await canaryStep(stack.ctx, "chat");
    expect(result.applied).toEqual({ kind: "pulumi-up", summary: "pulumi up --target 1 resource(s) succeeded (update 1)" });
    const pack = { policyPacks: [join(stack.dir, "policies")], policyPackConfigs: [join(stack.dir, "policies", "config", "demo.json")] };
    expect(calls).toEqual([
      { method: "preview", options: { ...pack, onEvent: undefined } },
      { method: "up", options: { ...pack, target: [namedValue("chat-canary-percent").urn], onOutput: undefined } },
    ]);
    expect(stack.read()).toContain("canary: { deployment: chat-next, percent: 50, sticky: true }");
  });

  it("a blue-green deploy may update the slot's pool and the policy, nothing else", async () => {
    const stack = tempStack();
    const pool = { op: "update", urn: urn("azure-native:apimanagement:Backend", "demo-gateway-chat-bg-green"), type: "azure-native:apimanagement:Backend", inputs: { backendId: "chat-bg-green", type: "Pool" } };
    const stablePool = { ...pool, urn: urn("azure-native:apimanagement:Backend", "demo-gateway-chat-stable"), inputs: { backendId: "chat-stable", type: "Pool" } };
    const { stack: fake, calls } = fakeStack([pool, stablePool]);
    stack.ctx.applier = new AutomationApplier(stack.ctx.log, async () => fake, () => TODAY);
    await expect(blueGreenDeploy(stack.ctx, "chat-bg", "chat-v2")).rejects.toThrow("(update azure-native:apimanagement:Backend demo-gateway-chat-stable)");
    expect(calls.map((c) => c.method)).toEqual(["preview"]);
  });
});

describe("defaultApplier", () => {
  const none = { pulumiCli: undefined, azureCredentials: undefined };
  it("writes only when the CLI or credentials are missing, and says why", async () => {
    expect(await defaultApplier(() => {}, none).apply("demo", ".", { before: "" })).toEqual({
      kind: "written",
      command: "pulumi up --stack demo",
      reason: "the pulumi CLI is not on PATH and no Azure credentials were found (ARM_*/AZURE_* variables or `az login`)",
    });
  });

  it("with --apply, a missing CLI is exit 3 before anything is written", () => {
    expect(() => defaultApplier(() => {}, none, true)).toThrow(
      new RolloutError("--apply: cannot apply, the pulumi CLI is not on PATH and no Azure credentials were found (ARM_*/AZURE_* variables or `az login`); nothing was changed", 3),
    );
  });
});
