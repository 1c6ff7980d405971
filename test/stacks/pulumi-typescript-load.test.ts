// `pulumi up` compiles the program with Pulumi's own ts-node and this repo's TypeScript (6.x), which
// the offline plan (tsx) never exercises. This runs that exact load path in a child process, with
// type-checking on, so a TypeScript/ts-node incompatibility fails here instead of at `pulumi up`.
import { execFileSync } from "node:child_process";
import * as path from "node:path";
import { describe, expect, it } from "vitest";

const root = path.resolve(__dirname, "..", "..");

describe("the stack program under Pulumi's TypeScript loader", () => {
  it("compiles and type-checks stacks/index.ts with Pulumi's ts-node and exports the program function", () => {
    const output = execFileSync(process.execPath, [path.join(root, "test", "support", "pulumi-typescript-load.js"), root], {
      encoding: "utf8",
      timeout: 180_000,
    });
    expect(JSON.parse(output.trim().split("\n").at(-1) ?? "")).toEqual({
      tsNode: "node_modules/@pulumi/pulumi/vendor/ts-node@7.0.1/index.js",
      typescript: "6.0.3",
      main: "stacks/index.ts",
      exportsFunction: true,
    });
  });
});
