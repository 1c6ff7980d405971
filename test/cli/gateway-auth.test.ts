// `npm run gateway` as a user runs it (a real process): what it prints so callers can get in —
// `subscription key: <key>` for subscription-key stacks, `local token: <jwt>` for Entra stacks —
// and the keys it accepts with --key / --keys. Bounded: each process is stopped with SIGINT.
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = resolve(__dirname, "..", "..");

interface Started {
  out: () => string;
  url: string;
  stop: () => Promise<number | null>;
}

/** Starts `gateway <args>` and resolves once it prints "Ctrl-C to stop." (or rejects with its output). */
function startGatewayProcess(args: string[], timeoutMs = 60_000): Promise<Started> {
  const child: ChildProcessWithoutNullStreams = spawn(process.execPath, ["--import", "tsx", join(ROOT, "cli", "main.ts"), "gateway", ...args, "--port", "0"], { cwd: ROOT, env: { ...process.env, AOAI_FLEET_TODAY: "2026-11-23" } });
  let out = "";
  child.stdout.on("data", (c: Buffer) => (out += c.toString()));
  child.stderr.on("data", (c: Buffer) => (out += c.toString()));
  const exited = new Promise<number | null>((done) => child.on("close", (code) => done(code)));
  return new Promise((ready, fail) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      fail(new Error(`gateway did not start within ${timeoutMs} ms:\n${out}`));
    }, timeoutMs);
    child.stdout.on("data", () => {
      if (!out.includes("Ctrl-C to stop.")) return;
      clearTimeout(timer);
      ready({
        out: () => out,
        url: /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out)![1]!,
        stop: () => {
          child.kill("SIGINT");
          return exited;
        },
      });
    });
    void exited.then((code) => {
      clearTimeout(timer);
      fail(new Error(`gateway exited (${code}) before it was ready:\n${out}`));
    });
  });
}

const call = (url: string, headers: Record<string, string>) =>
  fetch(`${url}/openai/deployments/chat/chat/completions?api-version=2024-10-21`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify({ messages: [{ role: "user", content: "hi" }], max_completion_tokens: 5 }),
  }).then((r) => r.status);

describe("npm run gateway: credentials for callers", () => {
  it("dev (subscription keys): prints one generated `subscription key:` line; that key works, none and others get 401", async () => {
    const g = await startGatewayProcess(["dev"]);
    try {
      const key = /^subscription key: ([0-9a-f]{32})$/m.exec(g.out())?.[1];
      expect(key, g.out()).toBeDefined();
      expect(g.out()).toContain(`  auth:     subscription key in the "api-key" header (or ?api-key=); generated for this run (pass --key or --keys to choose):`);
      expect(await call(g.url, {})).toBe(401);
      expect(await call(g.url, { "api-key": "guess" })).toBe(401);
      expect(await call(g.url, { "api-key": key! })).toBe(200);
    } finally {
      expect(await g.stop()).toBe(0);
    }
  });

  it("dev with --keys <file> and repeated --key: exactly those keys are accepted and none is printed", async () => {
    const file = join(mkdtempSync(join(tmpdir(), "keys-")), "keys.txt");
    writeFileSync(file, "# team keys\nteam-a-key\n\n  team-b-key  \n");
    const g = await startGatewayProcess(["dev", "--keys", file, "--key", "ci-key-1", "--key", "ci-key-2"]);
    try {
      expect(g.out()).not.toMatch(/^subscription key:/m);
      expect(g.out()).toContain("4 key(s) accepted from --keys/--key");
      for (const key of ["team-a-key", "team-b-key", "ci-key-1", "ci-key-2"]) expect(await call(g.url, { "api-key": key }), key).toBe(200);
      expect(await call(g.url, { "api-key": "# team keys" })).toBe(401);
    } finally {
      await g.stop();
    }
  });

  it("prod (Entra ID): prints a `local token:` line that is accepted, with the first audience and tenant, valid 1 h", async () => {
    const g = await startGatewayProcess(["prod"]);
    try {
      const token = /^local token: (\S+)$/m.exec(g.out())?.[1];
      expect(token, g.out()).toBeDefined();
      const claims = JSON.parse(Buffer.from(token!.split(".")[1]!, "base64url").toString()) as Record<string, number | string>;
      expect(claims).toMatchObject({ aud: "api://contoso-ai", tid: "5f1c7e2a-9d4b-4c3e-8a61-2b7f0d9e4c18" });
      expect(Number(claims.exp) - Number(claims.iat)).toBe(3600);
      expect(await call(g.url, { authorization: `Bearer ${token}` })).toBe(200);
      expect(await call(g.url, {})).toBe(401);
    } finally {
      await g.stop();
    }
  });
});
