// Regenerates test/golden/policies/ from the reference inputs in test/gateway-policy/support/fixtures.ts
// (`npm run golden:policies`). Tests diff these files byte for byte; review the git diff like code.
import { mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { goldenFiles } from "../test/gateway-policy/support/fixtures";

const dir = join(__dirname, "..", "test", "golden", "policies");
mkdirSync(dir, { recursive: true });
const files = goldenFiles();
for (const file of readdirSync(dir)) if (!files.has(file)) rmSync(join(dir, file));
for (const [file, content] of files) {
  writeFileSync(join(dir, file), content);
  console.log(`${file.padEnd(30)} ${String(Buffer.byteLength(content)).padStart(6)} bytes`);
}
