import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { Applier } from "../../rollout/apply/applier";
import { canaryPromote, canaryRollback, canaryStart, canaryStep } from "../../rollout/canary/actions";
import { defaultCanaryPolicy } from "../../rollout/canary/decision";
import { canaryRun } from "../../rollout/canary/run";
import { RolloutError } from "../../rollout/errors";
import { LOCK_WAIT_ENV } from "../../rollout/lock";
import { FileMetricSource } from "../../rollout/metrics/fileSource";
import { readRouteState } from "../../rollout/state";
import { FIXTURE, tempStack } from "./support";

const fixture = readFileSync(FIXTURE, "utf8");
const canaryLine = (text: string): string => text.split("\n").find((l) => l.includes("canary: {")) ?? "";

describe("canary actions", () => {
  it("start is idempotent and refuses a second canary while one is running", async () => {
    const stack = tempStack();
    expect((await canaryStart(stack.ctx, "chat", "chat-next", [10, 100])).changes).toHaveLength(1);
    const again = await canaryStart(stack.ctx, "chat", "chat-next", [10, 100]);
    expect(again.changes).toEqual([]);
    expect(again.message).toBe("canary chat-next is already running at 10% (schedule 10 → 100); nothing to do");
    await expect(canaryStart(stack.ctx, "chat", "chat-v2")).rejects.toThrow(
      "a canary of chat-next is at 10% on route chat; promote it (and make it a backend) or roll it back before starting chat-v2",
    );
  });

  it("start again with another --schedule replaces the running canary's schedule, traffic stays (found by QA)", async () => {
    // It said "nothing to do" and kept the old schedule.
    const stack = tempStack();
    await canaryStart(stack.ctx, "chat", "chat-next", [10, 25, 50, 100]);
    await canaryStep(stack.ctx, "chat");
    const file = stack.read();
    const changed = await canaryStart(stack.ctx, "chat", "chat-next", [5, 40, 100]);
    expect(changed).toEqual({
      action: "canary start",
      route: "chat",
      changes: [],
      applied: undefined,
      message: "canary chat-next is already running at 25%; schedule changed from 10 → 25 → 50 → 100 to 5 → 40 → 100 (traffic stays at 25%, next step 40%)",
    });
    expect(stack.read()).toBe(file);
    const state = readRouteState(stack.dir, "demo", "chat");
    expect(state.canary).toMatchObject({ deployment: "chat-next", status: "running", schedule: [5, 40, 100] });
    expect(state.history.at(-1)).toMatchObject({ action: "canary start", changes: [], applied: "unchanged", note: "schedule 10,25,50,100 replaced by 5,40,100 at 25%" });
    expect((await canaryStep(stack.ctx, "chat")).message).toBe("canary chat-next stepped 25% → 40%");
    // Without --schedule (or with the same one) a re-run keeps the schedule it runs.
    expect((await canaryStart(stack.ctx, "chat", "chat-next")).message).toBe("canary chat-next is already running at 40% (schedule 5 → 40 → 100); nothing to do");
    expect(readRouteState(stack.dir, "demo", "chat").canary?.schedule).toEqual([5, 40, 100]);
  });

  it("steps through a custom schedule, stops at 100, and rollback goes to 0", async () => {
    const stack = tempStack();
    await canaryStart(stack.ctx, "chat", "chat-next", [10, 60, 100]);
    expect((await canaryStep(stack.ctx, "chat")).message).toBe("canary chat-next stepped 10% → 60%");
    expect((await canaryStep(stack.ctx, "chat")).message).toBe("canary chat-next stepped 60% → 100%");
    const atTop = await canaryStep(stack.ctx, "chat");
    expect(atTop.changes).toEqual([]);
    expect(atTop.message).toBe("canary chat-next is at 100%; run canary promote to finish");
    await canaryRollback(stack.ctx, "chat", "manual rollback");
    expect(canaryLine(stack.read())).toBe("        canary: { deployment: chat-next, percent: 0, sticky: true }");
    await expect(canaryStep(stack.ctx, "chat")).rejects.toThrow("no canary is running on route chat (status: rolled-back)");
    const history = readRouteState(stack.dir, "demo", "chat").history.map((h) => [h.action, h.applied]);
    expect(history).toEqual([
      ["canary start", "written"],
      ["canary step", "written"],
      ["canary step", "written"],
      ["canary rollback", "written"],
    ]);
  });

  it("promote sets 100% and a second promote changes nothing", async () => {
    const stack = tempStack();
    await canaryStart(stack.ctx, "chat", "chat-next");
    await canaryPromote(stack.ctx, "chat");
    expect(canaryLine(stack.read())).toBe("        canary: { deployment: chat-next, percent: 100, sticky: true }");
    expect((await canaryPromote(stack.ctx, "chat")).changes).toEqual([]);
  });

  it("start on a route without a canary block adds one", async () => {
    const stack = tempStack();
    await canaryStart(stack.ctx, "chat-bg", "chat-v2");
    expect(stack.read()).toContain("        blueGreen: { blue: chat, green: chat-next, active: blue }   # slot switch = one value\n        canary: { deployment: chat-v2, percent: 5 }\n");
  });

  it("a failed apply restores the stack file byte for byte and records nothing", async () => {
    const stack = tempStack();
    const failing: Applier = {
      apply: async () => {
        throw new RolloutError("pulumi up on stack demo ended with failed", 1);
      },
    };
    await expect(canaryStart({ ...stack.ctx, applier: failing }, "chat", "chat-next")).rejects.toThrow(
      `canary start on chat: applying failed (pulumi up on stack demo ended with failed); ${stack.file} was restored to its previous content`,
    );
    expect(stack.read()).toBe(fixture);
    expect(readRouteState(stack.dir, "demo", "chat").history).toEqual([]);
  });

  it("records a real apply outcome when the applier deploys", async () => {
    const stack = tempStack();
    const applied: string[] = [];
    const fake: Applier = {
      apply: async (name, dir) => {
        applied.push(`${name}@${dir}:${canaryLine(readFileSync(`${dir}/Pulumi.${name}.yaml`, "utf8")).trim()}`);
        return { kind: "pulumi-up", summary: "pulumi up succeeded (update 1)" };
      },
    };
    const result = await canaryStart({ ...stack.ctx, applier: fake }, "chat", "chat-next");
    // The applier sees the edited file: pulumi up deploys exactly what was written.
    expect(applied).toEqual([`demo@${stack.dir}:canary: { deployment: chat-next, percent: 5, sticky: true }`]);
    expect(result.applied).toEqual({ kind: "pulumi-up", summary: "pulumi up succeeded (update 1)" });
  });
});

describe("stack lock", () => {
  it("refuses while another live process holds the lock, and takes over a stale one", async () => {
    const { mkdirSync, writeFileSync, existsSync } = await import("node:fs");
    const stack = tempStack();
    const lock = `${stack.dir}/out/demo/rollout/.lock`;
    mkdirSync(`${stack.dir}/out/demo/rollout`, { recursive: true });
    // The test runner's parent process is alive for the duration of the test.
    writeFileSync(lock, JSON.stringify({ pid: process.ppid, action: "canary step", since: "2026-01-01T00:00:00.000Z" }));
    process.env[LOCK_WAIT_ENV] = "300";
    try {
      await expect(canaryStart(stack.ctx, "chat", "chat-next")).rejects.toThrow(
        `another rollout command (canary step, pid ${process.ppid}, since 2026-01-01T00:00:00.000Z) is still changing this stack after 0.3 s; wait for it and retry (the lock is ${lock})`,
      );
    } finally {
      delete process.env[LOCK_WAIT_ENV];
    }
    expect(stack.logs).toEqual([`waiting for another rollout command (canary step, pid ${process.ppid}) to finish with this stack…`]);
    expect(stack.read()).toBe(fixture);
    writeFileSync(lock, JSON.stringify({ pid: 2 ** 22 + 12345, action: "canary step", since: "2026-01-01T00:00:00.000Z" }));
    await canaryStart(stack.ctx, "chat", "chat-next");
    expect(stack.logs[1]).toBe(
      `took over a stale rollout lock: canary step (pid ${2 ** 22 + 12345}, since 2026-01-01T00:00:00.000Z) no longer runs; its half-done step, if any, is recovered next`,
    );
    expect(canaryLine(stack.read())).toBe("        canary: { deployment: chat-next, percent: 5, sticky: true }");
    expect(existsSync(lock)).toBe(false);
  });
});

describe("validation beyond the schema", () => {
  it("refuses an edit the stack's gateway design rejects (canary = a stable backend), file untouched", async () => {
    const stack = tempStack();
    await expect(canaryStart(stack.ctx, "chat", "chat")).rejects.toThrow(
      `${stack.file}: the change would break the stack's plan:\nInvalid stack config (1 problem):\n  - aoai-fleet:gateway.routes.chat.canary.deployment: chat is also a stable backend of the route; a canary must be a separate deployment`,
    );
    expect(stack.read()).toBe(fixture);
  });

  it("does not block a rollback when the file already failed to plan, and says so", async () => {
    const { writeFileSync } = await import("node:fs");
    const stack = tempStack();
    await canaryStart(stack.ctx, "chat", "chat-next");
    // Break the fleet plan (an unknown model version) outside anything rollout edits.
    writeFileSync(stack.file, stack.read().replace('version: "2024-07-18"', 'version: "1999-01-01"'));
    const result = await canaryRollback(stack.ctx, "chat", "incident");
    expect(canaryLine(stack.read())).toBe("        canary: { deployment: chat-next, percent: 0, sticky: true }");
    expect(result.warnings?.[0]).toMatch(new RegExp(`^${stack.file.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")} does not plan cleanly even before this change, so only the gateway schema was checked:\\n`));
    expect(result.warnings?.[0]).toContain("aoai-fleet:fleet.deployments.chat-v2.version");
  });
});

describe("canary run on a file export", () => {
  it("stops undecided when the file has too few samples and no newer data can come", async () => {
    const stack = tempStack();
    await canaryStart(stack.ctx, "chat", "chat-next");
    const source = new FileMetricSource(`${__dirname}/fixtures/records.json`);
    const result = await canaryRun(stack.ctx, "chat", { source, policy: defaultCanaryPolicy, windowSeconds: 300, maxEvaluations: 5 });
    expect(result).toEqual({
      outcome: "stopped",
      finalPercent: 5,
      evaluations: 1,
      reason: `file ${__dirname}/fixtures/records.json has no newer data; last verdict: hold (not enough samples: stable 1, canary 0 requests; need 200 on each side)`,
    });
    expect(canaryLine(stack.read())).toBe("        canary: { deployment: chat-next, percent: 5, sticky: true }");
  });
});
