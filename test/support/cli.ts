import { vi } from "vitest";
import { main } from "../../cli/main";

/** Runs the CLI in-process with `args`, capturing what it writes; process.exitCode is left as it was found (unset). */
export async function runCliCaptured(args: string[]): Promise<{ code: number; stderr: string; stdout: string }> {
  let stderr = "";
  let stdout = "";
  vi.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => ((stderr += String(chunk)), true));
  vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => ((stdout += String(chunk)), true));
  process.exitCode = undefined;
  const code = await main(args);
  process.exitCode = undefined;
  vi.restoreAllMocks();
  return { code, stderr, stdout };
}
