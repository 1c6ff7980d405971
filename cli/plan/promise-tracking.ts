/**
 * Pulumi's promise-leak tracking, switched off while an offline plan's program runs.
 *
 * @pulumi/pulumi wraps every internal promise in `debuggablePromise` (runtime/debuggable.js): it
 * stamps three properties and a stack onto the promise, adds it to a set of leak candidates, and
 * chains two more promises that take it out again, so that a program still waiting on a promise
 * when the process exits is reported as a leak. Each resource output is four such promises; a
 * 793-resource plan made 64 000 of them, about a fifth of its program wall time and a quarter of its
 * CPU (the chained promises and the set are mostly garbage collection). The offline plan does not
 * exit while the program runs: it awaits the program, then disconnects Pulumi's runtime, which
 * waits for every outstanding registration, so there is nothing for the leak report to find.
 *
 * Every Pulumi module calls `debuggable_1.debuggablePromise(...)` through that module's exports
 * object, so replacing the export for the duration of a run reaches every call; the original is put
 * back afterwards. @pulumi/pulumi is pinned exactly in package.json, and
 * test/cli/plan-promise-tracking.test.ts fails if the export stops being replaceable or stops
 * being called, so an upgrade cannot silently bring the cost back or break the plan.
 */
import { createRequire } from "node:module";

type DebuggablePromise = <T>(promise: Promise<T>, context: unknown) => Promise<T>;

interface DebuggableModule {
  debuggablePromise: DebuggablePromise;
}

const requireFromHere = createRequire(__filename);

/** The module whose export every Pulumi runtime file calls (the one Node caches for @pulumi/pulumi). */
export function pulumiDebuggableModule(): DebuggableModule {
  const loaded: unknown = requireFromHere("@pulumi/pulumi/runtime/debuggable");
  const descriptor = typeof loaded === "object" && loaded !== null ? Object.getOwnPropertyDescriptor(loaded, "debuggablePromise") : undefined;
  if (!descriptor || typeof descriptor.value !== "function" || descriptor.writable !== true) {
    throw new Error(
      "@pulumi/pulumi/runtime/debuggable no longer exports a writable debuggablePromise function; " +
        "cli/plan/promise-tracking.ts must be revisited for this @pulumi/pulumi version",
    );
  }
  return loaded as DebuggableModule;
}

const untracked: DebuggablePromise = (promise) => promise;

/** Turns leak tracking off until the returned function is called, which restores Pulumi's own. */
export function suspendPromiseLeakTracking(): () => void {
  const debuggable = pulumiDebuggableModule();
  const original = debuggable.debuggablePromise;
  debuggable.debuggablePromise = untracked;
  return () => {
    debuggable.debuggablePromise = original;
  };
}
