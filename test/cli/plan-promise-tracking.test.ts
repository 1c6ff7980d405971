// The offline plan switches Pulumi's promise-leak tracking off while the program runs (it was a
// quarter of a large plan's CPU): every Pulumi call must really bypass it, the original must come
// back afterwards, and the plan must be exactly the one made with tracking on.
import { afterEach, describe, expect, it } from "vitest";
import { pulumiDebuggableModule } from "../../cli/plan/promise-tracking";
import { runOfflinePlan } from "../../cli/plan/runner";
import { callsDuringOfflineRun } from "../support/offline-run";
import { TODAY } from "../support/plan";

const STACKS_ENV = "AOAI_FLEET_PLAN_STACKS";

afterEach(() => {
  delete process.env[STACKS_ENV];
});

/** Counts Pulumi's calls of debuggablePromise during a two-resource offline run. */
function trackedCalls(): Promise<{ calls: number; restored: boolean }> {
  const debuggable = pulumiDebuggableModule();
  return callsDuringOfflineRun({ get: () => debuggable.debuggablePromise, set: (f) => (debuggable.debuggablePromise = f) });
}

describe("Pulumi's promise-leak tracking in offline runs", () => {
  it("is bypassed for every Pulumi call while the program runs, and put back afterwards", async () => {
    expect(await trackedCalls()).toEqual({ calls: 0, restored: true });
  });

  it("stays on with AOAI_FLEET_PLAN_STACKS=1, and Pulumi's runtime calls it through the replaced export", async () => {
    process.env[STACKS_ENV] = "1";
    const { calls, restored } = await trackedCalls();
    // Two resources' URNs and outputs: Pulumi wraps each in the tracked promise.
    expect(calls).toBeGreaterThan(10);
    expect(restored).toBe(true);
  });

  it("plans the dev stack to the same resources, warnings and outputs with tracking on and off", async () => {
    const untracked = await runOfflinePlan("dev", { today: TODAY });
    process.env[STACKS_ENV] = "1";
    const tracked = await runOfflinePlan("dev", { today: TODAY });
    expect(untracked.resources.length).toBeGreaterThan(40);
    expect(untracked).toEqual(tracked);
  });
});
