// Loads the stack program the way `pulumi up` does for a TypeScript project
// (@pulumi/pulumi/cmd/run): Pulumi's ts-node (vendored 7.0.1 unless the project has its own) with the
// project's `typescript` and tsconfig.json, type-checking on, then `require` of the `main` entry.
// Run with the project's Node: `node test/support/pulumi-typescript-load.js <repo root>`.
"use strict";
const path = require("node:path");

const root = path.resolve(process.argv[2] ?? ".");
process.chdir(root);
const tsutils = require(path.join(root, "node_modules/@pulumi/pulumi/tsutils.js"));
const { tsnodeRequire, typescriptRequire } = tsutils.typeScriptRequireStrings();
const compilerOptions = tsutils.loadTypeScriptCompilerOptions("tsconfig.json");
require(tsnodeRequire).register({
  compiler: typescriptRequire,
  transpileOnly: undefined, // ts-node's default: type-check, as `pulumi up` does without PULUMI_NODEJS_TRANSPILE_ONLY
  project: "tsconfig.json",
  skipProject: false,
  // The options cmd/run passes for TypeScript >= 4.7, overlaid by the project's tsconfig.
  compilerOptions: { target: "ES2020", module: "nodenext", moduleResolution: "nodenext", sourceMap: "true", ...compilerOptions },
});
const main = require(path.join(root, "package.json")).main;
const program = require(path.join(root, main));
const entry = typeof program === "function" ? program : program.default;
console.log(JSON.stringify({
  tsNode: path.relative(root, require.resolve(tsnodeRequire)),
  typescript: require(typescriptRequire).version,
  main,
  exportsFunction: typeof entry === "function",
}));
