// `npm run gateway` must stop its listener when the signal goes to npm (a process manager, `kill`,
// a CI step's timeout), not only on a terminal's Ctrl-C that reaches the whole process group. The
// script execs one node process (no shell or tsx parent in between), which npm forwards the signal
// to. Spawned for real on an ephemeral loopback port, bounded in time.
import { spawn } from "node:child_process";
import * as net from "node:net";
import * as path from "node:path";
import { describe, expect, it } from "vitest";

const root = path.resolve(__dirname, "..", "..");

function connects(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: "127.0.0.1", port }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.on("error", () => resolve(false));
  });
}

async function stopWith(signal: NodeJS.Signals): Promise<{ code: number | null; output: string; listeningBefore: boolean; listeningAfter: boolean }> {
  // Its own process group, so whatever a failing run leaves behind can be killed afterwards.
  const child = spawn("npm", ["run", "--silent", "gateway", "--", "dev", "--port", "0"], { cwd: root, stdio: ["ignore", "pipe", "pipe"], detached: true });
  let output = "";
  child.stdout.on("data", (chunk) => (output += String(chunk)));
  child.stderr.on("data", (chunk) => (output += String(chunk)));
  // "close": npm has exited and every process holding its stdout (the gateway) has too.
  const exited = new Promise<number | null>((resolve) => child.on("close", (code) => resolve(code)));
  try {
    const port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`gateway did not start within 60 s:\n${output}`)), 60_000);
      child.stdout.on("data", () => {
        const match = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(output);
        if (match) {
          clearTimeout(timer);
          resolve(Number(match[1]));
        }
      });
    });
    const listeningBefore = await connects(port);
    child.kill(signal);
    const code = await Promise.race([exited, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`npm did not exit within 20 s of ${signal}:\n${output}`)), 20_000))]);
    // npm exits after its child; the listener must be gone with it.
    return { code, output, listeningBefore, listeningAfter: await connects(port) };
  } finally {
    try {
      process.kill(-(child.pid as number), "SIGKILL");
    } catch {
      // the group is already gone
    }
  }
}

describe("npm run gateway stops on signals sent to npm", () => {
  it.each(["SIGTERM", "SIGINT"] as const)("%s: the gateway closes its listener and exits 0", async (signal) => {
    const { code, output, listeningBefore, listeningAfter } = await stopWith(signal);
    expect(listeningBefore).toBe(true);
    expect(output, `exit ${code}, after ${String(listeningAfter)}: ${output}`).toContain("Stopped. 0 requests answered.");
    expect(listeningAfter).toBe(false);
    expect(code).toBe(0);
  }, 120_000);
});
