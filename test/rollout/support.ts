import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { WriteOnlyApplier } from "../../rollout/apply/applier";
import type { RolloutContext } from "../../rollout/engine";

export const FIXTURE = join(__dirname, "fixtures", "Pulumi.demo.yaml");

/** The demo fixture's chat canary line (0%, so the fixture itself sends nothing to chat-next). */
const DEMO_CANARY = "canary: { deployment: chat-next, percent: 0, sticky: true }";

/**
 * A copy of the demo stack in a temp folder with the chat route's canary replaced (`canary`: a YAML
 * flow mapping) and, when given, a gateway circuit breaker (`circuitBreaker`: a flow mapping).
 * Returns the file's path.
 */
export function demoStackWith(options: { canary: string; circuitBreaker?: string }): string {
  const text = readFileSync(FIXTURE, "utf8");
  if (text.split(DEMO_CANARY).length !== 2) throw new Error(`the demo fixture must hold "${DEMO_CANARY}" exactly once`);
  let edited = text.replace(DEMO_CANARY, `canary: ${options.canary}`);
  if (options.circuitBreaker !== undefined) {
    if (edited.split("    routes:\n").length !== 2) throw new Error('the demo fixture must hold the gateway\'s "routes:" exactly once');
    edited = edited.replace("    routes:\n", `    circuitBreaker: ${options.circuitBreaker}\n    routes:\n`);
  }
  const file = join(mkdtempSync(join(tmpdir(), "demo-stack-")), "Pulumi.demo.yaml");
  writeFileSync(file, edited);
  return file;
}

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
