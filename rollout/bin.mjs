#!/usr/bin/env node
// `aoai-fleet-rollout <args>` runs exactly what `npm run rollout -- <args>` runs: the TypeScript
// CLI through tsx's command line (which handles both require and the CLI's lazy import()).
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { join } from "node:path";

const require = createRequire(import.meta.url);
const main = join(import.meta.dirname, "..", "cli", "main.ts");
const result = spawnSync(process.execPath, [require.resolve("tsx/cli"), main, "rollout", ...process.argv.slice(2)], { stdio: "inherit" });
if (result.error) {
  process.stderr.write(`aoai-fleet-rollout: cannot start tsx: ${result.error.message}\n`);
  process.exit(70);
}
process.exit(result.status ?? 70);
