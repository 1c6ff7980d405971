// Runs a Pulumi project's program the way `pulumi up` does, minus the gRPC engine:
//  1. the engine picks the working directory and entry point from Pulumi.yaml's `main`
//     (pulumi/pulumi pkg/engine/project.go getPwdMain: a folder `main` becomes the working
//     directory with entry point ".", a file `main` its parent folder, no `main` the project root);
//  2. the nodejs language host sets PULUMI_NODEJS_TYPESCRIPT (runtime option `typescript`, default
//     true), PULUMI_NODEJS_TSCONFIG_PATH (option `tsconfig`) and PULUMI_CONFIG (the stack's config,
//     structured values as JSON), and resolves @pulumi/pulumi/cmd/run from the program directory;
//  3. @pulumi/pulumi's own `cmd/run/run.js` `run()` does the rest exactly as under the CLI: chdir to
//     --pwd, look for the tsconfig there, register ts-node with its own compiler options, resolve the
//     entry point (package.json `main` for "."), require it and run the exported function.
// Only the resource monitor is replaced, by the offline plan's mocks (cli/plan/mocks.ts, loaded
// lazily through the ts-node that run() registered, so nothing here compiles TypeScript itself).
// Usage (with the project's Node): node test/support/pulumi-engine-load.js <project dir> <stack>
// Prints one JSON line when the process exits (exit code as Pulumi's run sets it, resource types, errors).
"use strict";
const fs = require("node:fs");
const path = require("node:path");

const root = path.resolve(process.argv[2] ?? ".");
const stack = process.argv[3] ?? "dev";
const { parse } = require(require.resolve("yaml", { paths: [root] }));
const project = parse(fs.readFileSync(path.join(root, "Pulumi.yaml"), "utf8"));

function engineWorkingDirectory(projectRoot, main) {
  if (main === undefined || main === null || main === "") return { pwd: projectRoot, entryPoint: "." };
  const target = path.resolve(projectRoot, main);
  if (fs.statSync(target).isDirectory()) return { pwd: target, entryPoint: "." };
  return { pwd: path.dirname(target), entryPoint: path.basename(target) };
}

const { pwd, entryPoint } = engineWorkingDirectory(root, project.main);
const options = project.runtime?.options ?? {};
if (options.typescript ?? true) process.env.PULUMI_NODEJS_TYPESCRIPT = "true";
if (options.tsconfig) process.env.PULUMI_NODEJS_TSCONFIG_PATH = options.tsconfig;
const stackConfig = parse(fs.readFileSync(path.join(root, `Pulumi.${stack}.yaml`), "utf8"))?.config ?? {};
process.env.PULUMI_CONFIG = JSON.stringify(
  Object.fromEntries(Object.entries(stackConfig).map(([key, value]) => [key, typeof value === "string" ? value : JSON.stringify(value)])),
);

const pulumi = require(require.resolve("@pulumi/pulumi", { paths: [pwd] }));
// The language host runs `node <cmd/run> --monitor <addr> --project <p> --stack <s> --pwd <program dir> <entry>`
// (sdk/nodejs/cmd/pulumi-language-nodejs constructArguments), resolving cmd/run from the program directory.
const runPath = require.resolve("@pulumi/pulumi/cmd/run", { paths: [pwd] });

const types = [];
let mocks;
const offlineMocks = () => (mocks ??= require(path.join(root, "cli", "plan", "mocks.ts")).createOfflineMocks(stack, () => {}));
// "mock" is the monitor address Pulumi's own mocks use: the runtime then talks to these functions.
pulumi.runtime.setMocks(
  {
    newResource: (args) => {
      types.push(args.type);
      return offlineMocks().newResource(args);
    },
    call: (args) => offlineMocks().call(args),
  },
  project.name,
  stack,
  false,
);
// The engine answers the program's final shutdown signal; Pulumi's mock monitor has no such call.
const monitor = require(require.resolve("@pulumi/pulumi/runtime/settings", { paths: [pwd] })).getMonitor();
monitor.signalAndWaitForShutdown ??= (_request, callback) => callback(null, {});

const tsconfig = process.env.PULUMI_NODEJS_TSCONFIG_PATH ?? "tsconfig.json";
const report = { pwd: path.relative(root, pwd) || ".", entryPoint, tsconfigFound: fs.existsSync(path.resolve(pwd, tsconfig)) };
const errors = [];
const logError = console.error;
console.error = (...args) => {
  errors.push(args.map(String).join(" "));
  logError(...args);
};
process.argv = [process.argv[0], runPath, "--monitor", "mock", "--project", project.name, "--stack", stack, "--pwd", pwd, entryPoint];
require(runPath);
// Registered after cmd/run's own exit handler, which sets the exit code for uncaught errors.
process.on("exit", (code) => {
  const exitCode = code || process.exitCode || 0;
  console.log(JSON.stringify({ ...report, exitCode, resources: types.length, types: [...new Set(types)].sort(), errors }));
});
