import * as pulumi from "@pulumi/pulumi";
import { runOfflineProgram } from "../../cli/plan/runner";

/** A function held in a module's exports or a class's static slot, read and replaced through these. */
export interface FunctionSlot<F> {
  get(): F;
  set(value: F): void;
}

/**
 * Puts a counting wrapper around the slot's function, runs a two-component program under the
 * offline runner and says how often Pulumi called the wrapper during the run, and whether the
 * wrapper was back in the slot afterwards (the runner restores what it found). The slot's original
 * function is put back in any case.
 */
export async function callsDuringOfflineRun<F extends (...args: never[]) => unknown>(slot: FunctionSlot<F>): Promise<{ calls: number; restored: boolean }> {
  const original = slot.get();
  let calls = 0;
  const counting = function (this: unknown, ...args: Parameters<F>): ReturnType<F> {
    calls++;
    return original.apply(this, args) as ReturnType<F>;
  } as F;
  slot.set(counting);
  try {
    await runOfflineProgram("t", async () => {
      const parent = new pulumi.ComponentResource("test:index:Thing", "thing", {});
      new pulumi.ComponentResource("test:index:Leaf", "leaf", { size: 1 }, { parent });
      return {};
    });
    return { calls, restored: slot.get() === counting };
  } finally {
    slot.set(original);
  }
}
