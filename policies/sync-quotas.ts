// Copies a stack's quota declarations (`aoai-fleet:fleet.regions.*.quota` in Pulumi.<stack>.yaml)
// into policies/config/<stack>.json, because CrossGuard cannot read stack config.
// Usage: npx tsx policies/sync-quotas.ts <stack> [<stack> ...]
import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { STACK_FILE_YAML } from "../stacks/config/yaml";
import { quotasFromFleetConfig } from "./fleet-quotas";

const RULE = "aoai-deployment-enforce-capacity-quota";

/** Returns the pack config with the capacity rule's quotas replaced by the stack's declarations. */
export function withStackQuotas(packConfig: Record<string, unknown>, fleet: unknown): Record<string, unknown> {
  const current = packConfig[RULE];
  const entry = typeof current === "object" && current !== null && !Array.isArray(current) ? current : typeof current === "string" ? { enforcementLevel: current } : {};
  return { ...packConfig, [RULE]: { ...entry, quotas: quotasFromFleetConfig(fleet) } };
}

function syncStack(root: string, stack: string): void {
  const stackFile = path.join(root, `Pulumi.${stack}.yaml`);
  const packFile = path.join(root, "policies", "config", `${stack}.json`);
  const fleet = (parse(fs.readFileSync(stackFile, "utf8"), STACK_FILE_YAML) as { config?: Record<string, unknown> }).config?.["aoai-fleet:fleet"];
  if (fleet === undefined) throw new Error(`${stackFile} has no aoai-fleet:fleet config to copy quotas from`);
  const packConfig = fs.existsSync(packFile) ? (JSON.parse(fs.readFileSync(packFile, "utf8")) as Record<string, unknown>) : {};
  fs.writeFileSync(packFile, `${JSON.stringify(withStackQuotas(packConfig, fleet), null, 2)}\n`);
  console.log(`${path.relative(root, packFile)}: quotas copied from ${path.relative(root, stackFile)}`);
}

if (require.main === module) {
  const stacks = process.argv.slice(2);
  if (stacks.length === 0) {
    console.error("usage: npx tsx policies/sync-quotas.ts <stack> [<stack> ...]");
    process.exit(2);
  }
  for (const stack of stacks) syncStack(path.resolve(__dirname, ".."), stack);
}
