/**
 * Reads `Pulumi.<stack>.yaml` and turns its `config:` block into the flat key → string map the Pulumi
 * runtime keeps (structured values as JSON, exactly like the CLI passes them to the program).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parseDocument } from "yaml";
import { FleetConfigError } from "../../stacks/config/errors";
import { STACK_FILE_YAML } from "../../stacks/config/yaml";

/** Repository root: where `Pulumi.yaml` and the stack files live. */
export const REPO_ROOT = path.resolve(__dirname, "..", "..");

export function stackConfigFile(stack: string, root = REPO_ROOT): string {
  return path.join(root, `Pulumi.${stack}.yaml`);
}

/** Stack names are file-name safe, so `Pulumi.<stack>.yaml` cannot point outside the repo. */
export function assertStackName(stack: string): void {
  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(stack)) {
    throw new FleetConfigError([{ path: "stack", message: `"${stack}" is not a stack name; use letters, digits, '-', '_' or '.'` }]);
  }
}

/** Parsed `config:` values keyed `project:key`, e.g. `aoai-fleet:fleet` → object. */
export function readStackConfigFile(file: string): Record<string, unknown> {
  if (!fs.existsSync(file)) {
    const dir = path.dirname(file);
    // A --config naming a missing folder: say so rather than fail listing it.
    if (!fs.existsSync(dir)) throw new FleetConfigError([{ path: path.basename(file), message: `not found: the folder ${dir} does not exist` }]);
    const stacks = fs.readdirSync(dir).flatMap((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1] ?? []);
    throw new FleetConfigError([{ path: path.basename(file), message: `not found in ${dir}; stacks here: ${stacks.join(", ") || "none"}` }]);
  }
  if (fs.statSync(file).isDirectory()) throw new FleetConfigError([{ path: path.basename(file), message: `${file} is a folder; give the stack config file (Pulumi.<stack>.yaml)` }]);
  return parseStackConfigText(fs.readFileSync(file, "utf8"), path.basename(file));
}

/** The `config:` block of a stack file's text; `name` is the file name problems are reported under. */
export function parseStackConfigText(text: string, name: string): Record<string, unknown> {
  let doc: unknown;
  try {
    const parsed = parseDocument(text, STACK_FILE_YAML);
    // Unknown tags (`!!js/function`, `!!binary` …) would silently become strings: stack config is
    // plain YAML, so they are refused like syntax errors rather than printed as warnings.
    const problem = parsed.errors[0] ?? parsed.warnings.find((w) => w.code === "TAG_RESOLVE_FAILED");
    if (problem) throw problem;
    doc = parsed.toJS();
  } catch (error) {
    throw new FleetConfigError([{ path: name, message: `is not valid YAML: ${error instanceof Error ? error.message.split("\n")[0] : String(error)}` }]);
  }
  if (doc === null || doc === undefined) return {};
  if (typeof doc !== "object" || Array.isArray(doc)) {
    throw new FleetConfigError([{ path: name, message: "must be a YAML mapping with a `config:` key" }]);
  }
  const config = (doc as { config?: unknown }).config;
  if (config === undefined || config === null) return {};
  if (typeof config !== "object" || Array.isArray(config)) {
    throw new FleetConfigError([{ path: `${name}: config`, message: "must be a mapping of `project:key` to values" }]);
  }
  return { ...(config as Record<string, unknown>) };
}

/** The runtime's string map: strings stay as they are, everything else is JSON; undefined drops the key. */
export function toRuntimeConfig(config: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(Object.entries(config).flatMap(([k, v]) => (v === undefined ? [] : [[k, typeof v === "string" ? v : JSON.stringify(v)]])));
}
