// Regenerates test/golden/policies/ from the reference inputs in test/gateway-policy/support/fixtures.ts
// (`npm run golden:policies`). Tests diff these files byte for byte; review the git diff like code.
import { mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Command, CommanderError } from "commander";
import { goldenFiles } from "../test/gateway-policy/support/fixtures";

const dir = join(__dirname, "..", "test", "golden", "policies");

function regenerate(): void {
  mkdirSync(dir, { recursive: true });
  const files = goldenFiles();
  for (const file of readdirSync(dir)) if (!files.has(file)) rmSync(join(dir, file));
  for (const [file, content] of files) {
    writeFileSync(join(dir, file), content);
    console.log(`${file.padEnd(30)} ${String(Buffer.byteLength(content)).padStart(6)} bytes`);
  }
}

const program = new Command("npm run golden:policies --")
  .description("Rewrite test/golden/policies/*.xml and *.entities.json from the reference gateway configs (review the git diff like code).")
  .exitOverride()
  .action(regenerate);
try {
  program.parse(process.argv.slice(2), { from: "user" });
} catch (error) {
  if (!(error instanceof CommanderError)) throw error;
  process.exitCode = error.exitCode === 0 ? 0 : 2;
}
