/** `catalog list`: the catalog as a table, with each version's retirement status as of today. */
import type { ModelCatalog } from "../../core/catalog/catalog";
import { daysBetween, isoDate } from "../../core/plan/dates";
import { compactTable } from "../../core/console/table";
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
  const details: string[] = [];
  const model = options.model ? catalog.model(options.model) : undefined;
  if (model) {
    const r = model.rates;
    const bySku = r.value.rpmPerUnitBySku ? `; RPM per unit by SKU: ${Object.entries(r.value.rpmPerUnitBySku).map(([k, v]) => `${k} ${v}`).join(", ")}` : "";
    details.push(`capacity unit (standard SKUs): ${r.value.tpmPerUnit} TPM, ${r.value.rpmPerUnit} RPM${bySku} — ${r.source} (${r.asOf})`);
    const ptu = model.ptu;
    details.push(
      ptu
        ? `provisioned (minimum / step in PTU): Global ${ptu.value.global.minimum}/${ptu.value.global.increment}, DataZone ${ptu.value.dataZone.minimum}/${ptu.value.dataZone.increment}, regional ${ptu.value.regional.minimum}/${ptu.value.regional.increment}; ${ptu.value.inputTpmPerPtu} input TPM per PTU — ${ptu.source} (${ptu.asOf})`
        : "provisioned: no PTU facts in the catalog",
    );
    for (const [version, v] of Object.entries(model.versions)) {
      const l = v.limits;
      if (l) {
        const byType = Object.entries(l.value.contextTokensByDeploymentType ?? {}).map(([type, n]) => `${type} ${n}`);
        const parts = [
          l.value.contextTokens !== undefined ? `context ${l.value.contextTokens}${byType.length > 0 ? ` (${byType.join(", ")})` : ""}` : undefined,
          l.value.maxInputTokens !== undefined ? `input ≤ ${l.value.maxInputTokens}` : undefined,
          l.value.maxOutputTokens !== undefined ? `output ≤ ${l.value.maxOutputTokens}` : undefined,
        ].filter((x): x is string => x !== undefined);
        details.push(`request limits of ${version} (tokens): ${parts.join("; ")} — ${l.source} (${l.asOf})`);
      }
      if (v.regions) details.push(`regions known for ${version} (${v.regions.source}, ${v.regions.asOf}): ${Object.entries(v.regions.value).map(([region, skus]) => `${region} ${skus.map((sku) => SKU_CODES[sku] ?? sku).join("")}`).join(", ")}`);
    }
  }
  return [`Model catalog as of ${catalog.data.asOf}; status as of ${today} (warning window ${warningDays} days)`, table.toString(), SKU_LEGEND, ...details];
}
