import { copyFileSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { WriteOnlyApplier } from "../../rollout/apply/applier";
import type { RolloutContext } from "../../rollout/engine";

export const FIXTURE = join(__dirname, "fixtures", "Pulumi.demo.yaml");

/** A temp folder holding a copy of the demo stack file; the repo's files are never touched. */
export function tempStack(): { dir: string; file: string; read: () => string; ctx: RolloutContext; logs: string[] } {
  const dir = mkdtempSync(join(tmpdir(), "rollout-test-"));
  const file = join(dir, "Pulumi.demo.yaml");
  copyFileSync(FIXTURE, file);
  const logs: string[] = [];
  let tick = 0;
  const ctx: RolloutContext = {
    dir,
    stack: "demo",
    applier: new WriteOnlyApplier("the pulumi CLI is not on PATH (test)"),
    now: () => new Date(Date.UTC(2026, 0, 1, 0, 0, tick++)),
    log: (line) => logs.push(line),
  };
  return { dir, file, read: () => readFileSync(file, "utf8"), ctx, logs };
}
