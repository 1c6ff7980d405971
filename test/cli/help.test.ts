// Every npm script a user types answers --help with its usage and exit 0, and changes nothing:
// no benchmark run, no regenerated goldens, no plan written.
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";

const root = path.resolve(__dirname, "..", "..");
const scripts = ["bench", "golden:policies", "plan", "simulate", "gateway", "rollout", "catalog"] as const;

/** Files a script could write, with their modification times (absent files as null). */
function snapshot(): Map<string, number | null> {
  const files = [
    ...["results.json", "results-plan.json", "results-routing.json"].map((f) => path.join(root, "bench", f)),
    path.join(root, "docs", "simulator.md"),
    path.join(root, "core", "catalog", "models.json"),
    ...fs.readdirSync(path.join(root, "test", "golden", "policies")).map((f) => path.join(root, "test", "golden", "policies", f)),
  ];
  const out = new Map<string, number | null>(files.map((f) => [f, fs.existsSync(f) ? fs.statSync(f).mtimeMs : null]));
  const outDir = path.join(root, "out");
  out.set(outDir, fs.existsSync(outDir) ? fs.statSync(outDir).mtimeMs : null);
  return out;
}

function help(script: string): { status: number | null; stdout: string; stderr: string } {
  const child = spawnSync("npm", ["run", "--silent", script, "--", "--help"], { cwd: root, encoding: "utf8", timeout: 120_000 });
  return { status: child.status, stdout: child.stdout, stderr: child.stderr };
}

describe("npm run <script> -- --help", () => {
  it.each(scripts)("%s prints its usage, exits 0 and writes nothing", (script) => {
    const before = snapshot();
    const { status, stdout, stderr } = help(script);
    expect(stderr).toBe("");
    expect(status).toBe(0);
    expect(stdout).toMatch(/^Usage: /);
    expect(snapshot()).toEqual(before);
  }, 150_000);

  it("plan --help lists every exit code; simulate --help names its default scenario once", () => {
    expect(help("plan").stdout.replace(/\s+/g, " ")).toContain("Exit 0 valid, 1 a mandatory guardrail violation or a failed plan step, 2 invalid stack or pack config.");
    expect(help("simulate").stdout.match(/steady-90\.yaml/g)).toEqual(["steady-90.yaml"]);
  }, 150_000);
});
