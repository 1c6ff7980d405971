// `rollout` through the real CLI entry in-process, with no pulumi on PATH and no Azure login, so
// every apply is the honest write-only one. Shared by the CLI tests.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeAll, vi } from "vitest";
import { main } from "../../cli/main";

/** Registers the suite's hooks: no pulumi, no Azure credentials, exit code and spies reset after each test. */
export function withoutPulumiOrAzure(): void {
  beforeAll(() => {
    process.env.PATH = "";
    process.env.AZURE_CONFIG_DIR = mkdtempSync(join(tmpdir(), "no-azure-"));
    for (const key of Object.keys(process.env)) if (key.startsWith("ARM_") || key.startsWith("AZURE_CLIENT")) delete process.env[key];
  });
  afterEach(() => {
    process.exitCode = undefined;
    vi.restoreAllMocks();
  });
}

/** Runs `aoai-fleet rollout <args>` and returns its exit code and what it printed. */
export async function rolloutCli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  vi.spyOn(process.stdout, "write").mockImplementation((chunk) => ((out += String(chunk)), true));
  vi.spyOn(process.stderr, "write").mockImplementation((chunk) => ((err += String(chunk)), true));
  const code = await main(["rollout", ...args]);
  vi.restoreAllMocks();
  process.exitCode = undefined;
  return { code, out, err };
}
