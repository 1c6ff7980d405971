// The offline plan formats stack traces without their frames while Pulumi's engine runs (Pulumi takes
// a full stack of every resource for a source position the mocks never use): the plan must be exactly
// the one with stacks on (AOAI_FLEET_PLAN_STACKS=1), errors keep their message, and the process's
// stack formatting is back once the run ends.
import { afterEach, describe, expect, it } from "vitest";
import { runOfflinePlan, runOfflineProgram } from "../../cli/plan/runner";
import { TODAY } from "../support/plan";

const STACKS_ENV = "AOAI_FLEET_PLAN_STACKS";
afterEach(() => {
  delete process.env[STACKS_ENV];
});

describe("offline plan stack traces", () => {
  it("plans the prod stack to the same resources, inputs, warnings and outputs with stacks off and on", async () => {
    const off = await runOfflinePlan("prod", { today: TODAY });
    process.env[STACKS_ENV] = "1";
    const on = await runOfflinePlan("prod", { today: TODAY });
    expect(off.resources.length).toBeGreaterThan(50);
    expect(off).toEqual(on);
  });

  it("formats a stack as its first line during the run, keeps a failing program's message, and restores formatting after", async () => {
    const before = Error.prepareStackTrace;
    let during = "";
    let unlimited = "";
    const failure = await runOfflineProgram("t", async () => {
      during = new TypeError("inside the program").stack ?? "";
      // What Pulumi's Resource.callsites does: lift the limit, read a stack.
      const limit = Error.stackTraceLimit;
      Error.stackTraceLimit = Number.POSITIVE_INFINITY;
      unlimited = new Error().stack ?? "";
      Error.stackTraceLimit = limit;
      throw new RangeError("the program failed");
    }).catch((e: unknown) => e);
    expect(during).toBe("TypeError: inside the program");
    expect(unlimited).toBe("Error");
    expect(failure).toBeInstanceOf(RangeError);
    expect((failure as Error).message).toBe("the program failed");
    expect((failure as Error).stack).toBe("RangeError: the program failed");
    expect(Error.prepareStackTrace).toBe(before);
    const after = new Error("after the run").stack ?? "";
    expect(after.split("\n")[0]).toBe("Error: after the run");
    expect(after.split("\n").length).toBeGreaterThan(1);
  });

  it("keeps frames while debugging (AOAI_FLEET_PLAN_STACKS=1)", async () => {
    process.env[STACKS_ENV] = "1";
    let during = "";
    await runOfflineProgram("t", async () => {
      during = new Error("inside").stack ?? "";
      return {};
    });
    expect(during.split("\n").length).toBeGreaterThan(1);
  });
});
