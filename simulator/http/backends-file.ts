// The backends file: maps each fleet deployment × region to the base URL of a real HTTP endpoint
// that speaks the Azure OpenAI REST surface, so the gateway fronts those instead of simulating.
//
//   backends:
//     chat:
//       eastus2: http://127.0.0.1:8001
//       swedencentral: http://127.0.0.1:8002
//   headers:                 # optional, sent to every backend (e.g. the simulator's api-key)
//     api-key: local-dev-key
import { readFileSync } from "node:fs";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { ScenarioError } from "../scenario/load";

const baseUrl = z.string().refine((v) => {
  try {
    const u = new URL(v);
    return (u.protocol === "http:" || u.protocol === "https:") && (u.pathname === "/" || u.pathname === "") && !u.search;
  } catch {
    return false;
  }
}, "a base URL such as http://127.0.0.1:8001 (scheme, host, port; no path or query)");

export const backendsFileSchema = z.strictObject({
  backends: z.record(z.string().min(1), z.record(z.string().min(1), baseUrl)),
  headers: z.record(z.string(), z.string()).default({}),
});

export type BackendsFile = z.output<typeof backendsFileSchema>;

export function loadBackendsFile(file: string): BackendsFile {
  let data: unknown;
  try {
    data = parseYaml(readFileSync(file, "utf8"));
  } catch (e) {
    throw new ScenarioError(`Backends file ${file} cannot be read as YAML: ${(e as Error).message}`);
  }
  const r = backendsFileSchema.safeParse(data);
  if (!r.success) throw new ScenarioError(`Invalid backends file:\n  ${r.error.issues.map((i) => `${file}: ${i.path.join(".") || "(root)"}: ${i.message}`).join("\n  ")}`);
  return r.data;
}

/** Base URL for each backend id; every deployment × region of the setup must be mapped. */
export function resolveBackends(file: BackendsFile, backends: Array<{ backendId: string; deployment: string; region: string }>, source: string): Map<string, string> {
  const out = new Map<string, string>();
  const missing = new Set<string>();
  for (const b of backends) {
    const url = file.backends[b.deployment]?.[b.region];
    if (url === undefined) missing.add(`backends.${b.deployment}.${b.region}`);
    else out.set(b.backendId, new URL(url).origin);
  }
  if (missing.size > 0) throw new ScenarioError(`Backends file ${source} does not map ${[...missing].join(", ")}; map every deployment × region of the stack (or run without --backends to simulate them).`);
  return out;
}
