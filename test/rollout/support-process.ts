import { spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const ROOT = resolve(__dirname, "..", "..");
// No pulumi on PATH and an empty Azure CLI profile: every apply is the honest write-only one.
const NO_AZURE = mkdtempSync(join(tmpdir(), "no-azure-"));

export interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  out: string;
  err: string;
}

/**
 * `npm run rollout -- <args>` as one real child process (same Node with tsx's loader, no wrapper
 * process, so a SIGKILL it sends itself is what the parent sees), bounded by `timeoutMs`.
 */
export function runRolloutProcess(args: string[], env: Record<string, string> = {}, timeoutMs = 60_000, onOutput?: (out: string) => void): Promise<CliRun> {
  return new Promise((done, fail) => {
    const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("ARM_") && !k.startsWith("AZURE_") && !k.startsWith("AOAI_FLEET_ROLLOUT_")));
    const child = spawn(process.execPath, ["--import", "tsx", join(ROOT, "cli", "main.ts"), "rollout", ...args], {
      cwd: ROOT,
      env: { ...clean, PATH: "", AZURE_CONFIG_DIR: NO_AZURE, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    child.stdout.on("data", (c: Buffer) => {
      out += c.toString();
      onOutput?.(out);
    });
    child.stderr.on("data", (c: Buffer) => (err += c.toString()));
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      fail(new Error(`rollout ${args.join(" ")} did not finish within ${timeoutMs} ms\n${out}\n${err}`));
    }, timeoutMs);
    child.on("error", fail);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      done({ code, signal, out, err });
    });
  });
}
