/**
 * `catalog refresh`: read Models_List and Usages_List for each region, merge into the catalog, and
 * rewrite the data file only when every region answered and the result validates.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { ArmCatalogSource, RegionResponses } from "../../core/catalog/arm";
import { loadCatalog } from "../../core/catalog/catalog";
import { refreshCatalog, type RefreshSummary } from "../../core/catalog/refresh";
import { isoDate } from "../../core/plan/dates";
import { CliError } from "../registry";
import { REPO_ROOT, readStackConfigFile } from "../plan/stack-config";

export const CATALOG_FILE = path.join(REPO_ROOT, "core", "catalog", "models.json");

/** Regions named in the repository's stack files (`aoai-fleet:fleet.regions`). */
export function regionsFromStacks(root = REPO_ROOT): string[] {
  const regions = new Set<string>();
  for (const file of fs.readdirSync(root).filter((f) => /^Pulumi\..+\.yaml$/.test(f))) {
    const fleet = readStackConfigFile(path.join(root, file))["aoai-fleet:fleet"];
    const declared = fleet && typeof fleet === "object" ? (fleet as { regions?: unknown }).regions : undefined;
    if (declared && typeof declared === "object") Object.keys(declared).forEach((r) => regions.add(r));
  }
  return [...regions].sort();
}

export async function runCatalogRefresh(options: { source: ArmCatalogSource; regions: readonly string[]; file?: string; today?: Date; print?: (line: string) => void }): Promise<RefreshSummary> {
  const print = options.print ?? ((l: string) => process.stdout.write(`${l}\n`));
  if (options.regions.length === 0) throw new CliError("catalog refresh: no regions to read; pass --regions eastus2,swedencentral", 2);
  const responses: RegionResponses[] = [];
  for (const location of options.regions) {
    print(`reading ${location}: models, usages ...`);
    const [models, usages] = await Promise.all([options.source.listModels(location), options.source.listUsages(location)]);
    responses.push({ location, models, usages });
  }
  const file = options.file ?? CATALOG_FILE;
  const current = options.file && fs.existsSync(options.file) ? JSON.parse(fs.readFileSync(options.file, "utf8")) : loadCatalog().data;
  const { data, summary } = refreshCatalog(current, responses, isoDate(options.today ?? new Date()));
  const tmp = `${file}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, `${JSON.stringify(data, null, 2)}\n`);
  fs.renameSync(tmp, file);
  print(
    `catalog refreshed from ${summary.regions.length} region(s) (${summary.regions.join(", ")}): ${summary.modelsAdded.length} models added, ${summary.versionsAdded.length} versions added, ${summary.versionsUpdated.length} versions updated, ${summary.usagesRecorded} usages recorded${summary.skipped > 0 ? `, ${summary.skipped} items skipped (unexpected shape)` : ""}; wrote ${path.relative(process.cwd(), file) || file}`,
  );
  return summary;
}
