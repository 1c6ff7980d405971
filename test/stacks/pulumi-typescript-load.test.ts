// `pulumi up` loads the program through @pulumi/pulumi's own cmd/run (ts-node, type-checking on),
// from the working directory the engine derives from Pulumi.yaml's `main`, which the offline plan
// (tsx, repo root) never exercises. test/support/pulumi-engine-load.js replays that path in a child
// process with only the resource monitor mocked; these tests run it on this repository and on the
// layout of commit 99af1ea (`main: stacks/`), which failed to type-check under the engine.
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const root = path.resolve(__dirname, "..", "..");
const harness = path.join(root, "test", "support", "pulumi-engine-load.js");

interface LoadReport {
  pwd: string;
  entryPoint: string;
  tsconfigFound: boolean;
  exitCode: number;
  resources: number;
  types: string[];
  errors: string[];
}

function loadAsEngine(projectDir: string, stack: string): { status: number | null; report: LoadReport } {
  // No PULUMI_NODEJS_TRANSPILE_ONLY: the CLI type-checks unless the user opts out.
  const env = { ...process.env };
  delete env.PULUMI_NODEJS_TRANSPILE_ONLY;
  const child = spawnSync(process.execPath, [harness, projectDir, stack], { encoding: "utf8", timeout: 240_000, env });
  const last = child.stdout.trim().split("\n").at(-1) ?? "";
  return { status: child.status, report: JSON.parse(last) as LoadReport };
}

const temps: string[] = [];
afterAll(() => {
  for (const dir of temps) fs.rmSync(dir, { recursive: true, force: true });
});

describe("the stack program under the engine's load path", () => {
  it("runs from the project root: tsconfig.json found, package.json main type-checks and declares the stack", () => {
    const { status, report } = loadAsEngine(root, "dev");
    expect(report.errors).toEqual([]);
    expect(status).toBe(0);
    expect(report).toMatchObject({ pwd: ".", entryPoint: ".", tsconfigFound: true, exitCode: 0 });
    expect(report.types).toEqual(
      expect.arrayContaining(["azure-native:cognitiveservices:Account", "azure-native:cognitiveservices:Deployment", "azure-native:apimanagement:ApiManagementService", "azure-native:apimanagement:ApiPolicy"]),
    );
  }, 300_000);

  it("fails with commit 99af1ea's Pulumi.yaml (main: stacks/): no tsconfig in stacks/, ts-node's ES2020 lib rejects Object.hasOwn", () => {
    const copy = fs.mkdtempSync(path.join(os.tmpdir(), "aoai-fleet-main-folder-"));
    temps.push(copy);
    const skip = new Set(["node_modules", ".git", "out", "test", "bench", ".tools"]);
    for (const entry of fs.readdirSync(root)) {
      if (!skip.has(entry)) fs.cpSync(path.join(root, entry), path.join(copy, entry), { recursive: true });
    }
    fs.symlinkSync(path.join(root, "node_modules"), path.join(copy, "node_modules"));
    const pulumiYaml = fs.readFileSync(path.join(root, "Pulumi.yaml"), "utf8").split("\n").filter((line) => !line.startsWith("#")).join("\n");
    fs.writeFileSync(path.join(copy, "Pulumi.yaml"), `${pulumiYaml.trimEnd()}\nmain: stacks/\n`);

    const { report } = loadAsEngine(copy, "dev");
    expect(report).toMatchObject({ pwd: "stacks", entryPoint: ".", tsconfigFound: false, exitCode: 32 });
    expect(report.types).toEqual(["pulumi:pulumi:Stack"]);
    expect(report.errors.join("\n")).toMatch(/TSError: ⨯ Unable to compile TypeScript:\n\.\.\/core\/catalog\/catalog\.ts\(\d+,\d+\): error TS2550: Property 'hasOwn' does not exist/);
  }, 300_000);
});
