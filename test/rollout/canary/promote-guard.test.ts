import { describe, expect, it } from "vitest";
import { canaryPromote, canaryRollback, canaryStart, canaryStep } from "../../../rollout/canary/actions";
import { parseSchedule } from "../../../rollout/canary/schedule";
import { canaryCommand } from "../../../rollout/cli/handlers";
import { tempStack } from "../support";

const canaryLine = (text: string): string | undefined => text.split("\n").find((l) => l.includes("canary:"));

describe("canary promote only finishes a running canary", () => {
  it("a canary rolled back for its errors is not sent 100% by promote (step refuses it too); start again first", async () => {
    const stack = tempStack();
    await canaryStart(stack.ctx, "chat", "chat-next");
    await canaryStep(stack.ctx, "chat");
    await canaryRollback(stack.ctx, "chat", "canary error rate 4.55% vs stable 0.80%");
    const before = stack.read();
    await expect(canaryPromote(stack.ctx, "chat")).rejects.toThrow(
      "canary chat-next on route chat was rolled back (now 0%); promote sends 100% only to a canary that is running — start it again with: canary start demo chat --deployment chat-next, then step or run",
    );
    expect(stack.read()).toBe(before);
    await canaryStart(stack.ctx, "chat", "chat-next");
    await canaryPromote(stack.ctx, "chat");
    expect(canaryLine(stack.read())).toBe("        canary: { deployment: chat-next, percent: 100, sticky: true }");
  });

  it("a canary block at 0% that was never started is not promoted to 100% at once", async () => {
    const stack = tempStack();
    await expect(canaryPromote(stack.ctx, "chat")).rejects.toThrow(
      "canary chat-next on route chat takes 0% of the traffic (status: none); promote sends 100% only to a canary that is running — start it with: canary start demo chat --deployment chat-next, then step or run",
    );
    expect(canaryLine(stack.read())).toBe("        canary: { deployment: chat-next, percent: 0, sticky: true }");
  });

  it("messages name the stack, not a <stack> placeholder", async () => {
    const stack = tempStack();
    await expect(canaryStep(stack.ctx, "chat")).rejects.toThrow(
      "no canary is running on route chat (status: none); start one with: canary start demo chat --deployment <name>",
    );
    await expect(canaryStep(stack.ctx, "chat-bg")).rejects.toThrow(
      "aoai-fleet:gateway.routes.chat-bg.canary is not set; start one with: canary start demo chat-bg --deployment <name>",
    );
  });
});

describe("--schedule takes digits only", () => {
  it.each(["0x10,100", "1e1,100", " ,100", ""])("refuses %j (Number() read them as 16, 10, 0, 0)", (text) => {
    const shown = text.split(",")[0]!.trim();
    expect(() => parseSchedule(text)).toThrow(
      `--schedule: "${shown}" is not a whole percent between 1 and 100; use whole percents, strictly increasing, ending at 100, e.g. --schedule 5,25,50,100`,
    );
  });

  it("an empty --schedule is an error, not the default schedule", async () => {
    const stack = tempStack();
    const print = (): void => {};
    await expect(canaryCommand("start", "demo", "chat", { dir: stack.dir, deployment: "chat-next", schedule: "" }, print)).rejects.toThrow('--schedule: "" is not a whole percent');
    expect(canaryLine(stack.read())).toBe("        canary: { deployment: chat-next, percent: 0, sticky: true }");
  });

  it("still reads a schedule with spaces after the commas", () => {
    expect(parseSchedule("10, 50, 100")).toEqual([10, 50, 100]);
  });
});
