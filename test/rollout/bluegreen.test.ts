import { readFileSync, writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { blueGreenDeploy, blueGreenRollback, blueGreenSmoke, blueGreenSwitch } from "../../rollout/bluegreen/actions";
import { defaultSmokeCriteria } from "../../rollout/bluegreen/smoke";
import { SimulatorSmokeTarget } from "../../rollout/bluegreen/targets";
import { loadRolloutScenario } from "../../rollout/metrics/simScenario";
import { SimulatorMetricSource } from "../../rollout/metrics/simulatorSource";
import { FIXTURE, tempStack } from "./support";

const fixture = readFileSync(FIXTURE, "utf8");
const BG_LINE = "        blueGreen: { blue: chat, green: chat-next, active: blue }   # slot switch = one value";

function target(stack: ReturnType<typeof tempStack>, scenario: string): SimulatorSmokeTarget {
  return new SimulatorSmokeTarget(new SimulatorMetricSource(loadRolloutScenario(scenario).scenario, scenario, stack.file));
}

describe("blue-green", () => {
  it("switch and rollback flip only the active-slot value", async () => {
    const stack = tempStack();
    const smoke = await blueGreenSmoke(stack.ctx, "chat-bg", target(stack, "healthy"), defaultSmokeCriteria);
    expect(smoke.passed).toBe(true);
    expect(smoke.slot).toBe("green");
    const switched = await blueGreenSwitch(stack.ctx, "chat-bg");
    expect(switched.changes).toEqual([{ path: "aoai-fleet:gateway.routes.chat-bg.blueGreen.active", from: "blue", to: "green" }]);
    expect(stack.read()).toBe(fixture.replace(BG_LINE, BG_LINE.replace("active: blue", "active: green")));
    // Idempotent: re-running the switch changes nothing (it does not flip back).
    const again = await blueGreenSwitch(stack.ctx, "chat-bg");
    expect(again.changes).toEqual([]);
    expect(again.message).toBe("route chat-bg is already switched to green (chat-next); to switch back run bluegreen rollback");
    const rolledBack = await blueGreenRollback(stack.ctx, "chat-bg");
    expect(rolledBack.changes).toEqual([{ path: "aoai-fleet:gateway.routes.chat-bg.blueGreen.active", from: "green", to: "blue" }]);
    expect(stack.read()).toBe(fixture);
    // Idempotent: a second rollback changes nothing.
    expect((await blueGreenRollback(stack.ctx, "chat-bg")).changes).toEqual([]);
    expect(stack.read()).toBe(fixture);
  });

  it("a failed smoke test blocks the switch and leaves the file byte-identical", async () => {
    const stack = tempStack();
    const smoke = await blueGreenSmoke(stack.ctx, "chat-bg", target(stack, "green-broken"), defaultSmokeCriteria);
    expect(smoke.passed).toBe(false);
    expect(smoke.reason).toMatch(/^success rate too low: \d+\/50 succeeded \(\d+\.\d%, need ≥ 98\.0%\)/);
    await expect(blueGreenSwitch(stack.ctx, "chat-bg")).rejects.toThrow(/^switch blocked: the last smoke test of the green slot \(chat-next\) failed — success rate too low/);
    expect(stack.read()).toBe(fixture);
  });

  it("switch without any smoke on record is blocked", async () => {
    const stack = tempStack();
    await expect(blueGreenSwitch(stack.ctx, "chat-bg")).rejects.toThrow("switch blocked: no smoke test of the green slot (chat-next) on record; run bluegreen smoke first");
    expect(stack.read()).toBe(fixture);
  });

  it("deploy changes only the inactive slot and invalidates an earlier smoke", async () => {
    const stack = tempStack();
    await blueGreenSmoke(stack.ctx, "chat-bg", target(stack, "healthy"), defaultSmokeCriteria);
    const deployed = await blueGreenDeploy(stack.ctx, "chat-bg", "chat-v2");
    expect(deployed.changes).toEqual([{ path: "aoai-fleet:gateway.routes.chat-bg.blueGreen.green", from: "chat-next", to: "chat-v2" }]);
    expect(stack.read()).toBe(fixture.replace(BG_LINE, BG_LINE.replace("green: chat-next", "green: chat-v2")));
    await expect(blueGreenSwitch(stack.ctx, "chat-bg")).rejects.toThrow(/^switch blocked: no smoke test of the green slot \(chat-v2\)/);
    await expect(blueGreenDeploy(stack.ctx, "chat-bg", "chat")).rejects.toThrow("chat already serves the active blue slot of route chat-bg");
  });

  it("a deploy after a switch needs a new smoke, and rollback no longer targets the overwritten slot", async () => {
    const stack = tempStack();
    await blueGreenSmoke(stack.ctx, "chat-bg", target(stack, "healthy"), defaultSmokeCriteria);
    await blueGreenSwitch(stack.ctx, "chat-bg");
    await blueGreenDeploy(stack.ctx, "chat-bg", "chat-v2");
    expect(stack.read()).toContain("blueGreen: { blue: chat-v2, green: chat-next, active: green }");
    await expect(blueGreenSwitch(stack.ctx, "chat-bg")).rejects.toThrow("switch blocked: no smoke test of the blue slot (chat-v2) on record; run bluegreen smoke first");
    await expect(blueGreenRollback(stack.ctx, "chat-bg")).rejects.toThrow("no switch of route chat-bg is on record; nothing to roll back");
  });

  it("adds the active key when the stack file relies on its default", async () => {
    const stack = tempStack();
    writeFileSync(stack.file, fixture.replace(", active: blue }", " }"));
    await blueGreenSmoke(stack.ctx, "chat-bg", target(stack, "healthy"), defaultSmokeCriteria);
    await blueGreenSwitch(stack.ctx, "chat-bg");
    expect(stack.read()).toBe(fixture.replace(BG_LINE, BG_LINE.replace("active: blue", "active: green")));
  });
});
