/** `catalog list`: the catalog as a table, with each version's retirement status as of today. */
import type { ModelCatalog } from "../../core/catalog/catalog";
import { daysBetween, isoDate } from "../../core/plan/dates";
import { compactTable } from "../plan/table";
import { CliError } from "../registry";

/** Short SKU codes, as in the reference sheet: keeps the table narrow enough for a terminal. */
const SKU_CODES: Record<string, string> = {
  GlobalStandard: "G", DataZoneStandard: "D", Standard: "S", GlobalProvisionedManaged: "g",
  DataZoneProvisionedManaged: "d", ProvisionedManaged: "p", GlobalBatch: "B", DataZoneBatch: "b",
};
export const SKU_LEGEND = "SKUs: G GlobalStandard, D DataZoneStandard, S Standard, g GlobalProvisionedManaged, d DataZoneProvisionedManaged, p ProvisionedManaged, B GlobalBatch, b DataZoneBatch";

export function catalogListLines(catalog: ModelCatalog, options: { model?: string; today?: Date; warningDays?: number } = {}): string[] {
  const today = isoDate(options.today ?? new Date());
  const warningDays = options.warningDays ?? 90;
  const names = options.model ? [options.model] : catalog.modelNames();
  if (options.model && !catalog.model(options.model)) {
    throw new CliError(`catalog: unknown model "${options.model}"; known models: ${catalog.modelNames().join(", ")}`, 2);
  }
  const detailed = options.model !== undefined;
  const table = compactTable(
    ["model", "version", "default", "lifecycle", "retires", "status", "SKUs", ...(detailed ? ["source (as of)"] : [])],
    ["left", "left", "left", "left", "left", "left", "left", ...(detailed ? (["left"] as const) : [])],
  );
  for (const name of names) {
    const model = catalog.model(name);
    if (!model) continue;
    for (const version of catalog.versionNames(name)) {
      const v = model.versions[version];
      if (!v) continue;
      const retires = v.retires.value;
      const days = retires === null ? null : daysBetween(today, retires);
      const status = days === null ? "no date" : days <= 0 ? "RETIRED" : days <= warningDays ? `retiring in ${days} d` : "ok";
      const perSku = v.skuRetires ? Object.entries(v.skuRetires.value).map(([s, d]) => `${s} ${d}`).join("; ") : "";
      table.push([
        name,
        version,
        model.defaultVersion.value === version ? "yes" : "",
        v.lifecycle.value,
        `${retires ?? "—"}${perSku ? ` (${perSku})` : ""}`,
        status,
        v.skus.value.map((sku) => SKU_CODES[sku] ?? sku).join(" "),
        ...(detailed ? [`retires: ${v.retires.source} (${v.retires.asOf}); SKUs: ${v.skus.source} (${v.skus.asOf})`] : []),
      ]);
    }
  }
  return [`Model catalog as of ${catalog.data.asOf}; status as of ${today} (warning window ${warningDays} days)`, table.toString(), SKU_LEGEND];
}
