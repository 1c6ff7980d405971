/**
 * Catalog checks for one deployment: model, format, version, retirement, SKU, regional availability,
 * data zones, provisioned minimums and increments. Each problem becomes a ConfigIssue with its path.
 */
import type { ConfigIssue } from "../../stacks/config/errors";
import type { FleetDeploymentConfig } from "../../stacks/config/fleet";
import { isDataZone, isProvisioned, type ModelCatalog } from "../catalog/catalog";
import { daysBetween } from "./dates";

export interface CheckContext {
  readonly catalog: ModelCatalog;
  /** Today, YYYY-MM-DD. */
  readonly today: string;
  readonly retirementWarningDays: number;
}

export interface CheckResult {
  readonly errors: ConfigIssue[];
  readonly warnings: ConfigIssue[];
  /** False when model/version/SKU are unusable, so capacity and quota checks would only add noise. */
  readonly usable: boolean;
}

const base = (name: string) => `aoai-fleet:fleet.deployments.${name}`;

/**
 * Path of a region inside a deployment: its entry in `regions:` when listed, else the deployment's
 * `regions` key (absent, meaning every fleet region), so the message always names the deployment.
 */
export function regionPath(name: string, d: FleetDeploymentConfig, region: string): string {
  const index = d.regions?.indexOf(region) ?? -1;
  return index >= 0 ? `${base(name)}.regions.${index}` : `${base(name)}.regions`;
}

export function checkDeployment(name: string, d: FleetDeploymentConfig, regions: readonly string[], ctx: CheckContext): CheckResult {
  const errors: ConfigIssue[] = [];
  const warnings: ConfigIssue[] = [];
  const { catalog } = ctx;
  const model = catalog.model(d.model);
  if (!model) {
    errors.push({ path: `${base(name)}.model`, message: `unknown model "${d.model}"; known models: ${catalog.modelNames().join(", ")}` });
    return { errors, warnings, usable: false };
  }
  if (d.format !== model.format) {
    errors.push({ path: `${base(name)}.format`, message: `"${d.format}" is not the format of ${d.model}; use "${model.format}"` });
  }
  const version = catalog.version(d.model, d.version);
  if (!version) {
    errors.push({
      path: `${base(name)}.version`,
      message: `unknown version "${d.version}" of ${d.model}; known versions: ${catalog.versionNames(d.model).join(", ")} (default ${model.defaultVersion.value})`,
    });
    return { errors, warnings, usable: false };
  }
  if (!version.skus.value.includes(d.sku)) {
    errors.push({ path: `${base(name)}.sku`, message: `${d.sku} is not offered for ${d.model} ${d.version}; allowed: ${version.skus.value.join(", ")}` });
    return { errors, warnings, usable: false };
  }
  const retires = catalog.retirementDate(d.model, d.version, d.sku);
  if (retires !== null) {
    const days = daysBetween(ctx.today, retires);
    // Alternatives: other versions on this SKU that outlive the warning window.
    const horizon = ctx.retirementWarningDays;
    const live = catalog.versionNames(d.model).filter((v) => {
      const date = catalog.retirementDate(d.model, v, d.sku);
      return v !== d.version && catalog.version(d.model, v)?.skus.value.includes(d.sku) && (date === null || daysBetween(ctx.today, date) > horizon);
    });
    const alternatives = live.length > 0 ? `pin one of: ${live.join(", ")}` : `no other ${d.sku} version of ${d.model} in the catalog lasts beyond ${horizon} days; move to a newer model`;
    if (days <= 0) {
      errors.push({ path: `${base(name)}.version`, message: `${d.model} ${d.version} (${d.sku}) retired on ${retires}; ${alternatives}` });
    } else if (days <= ctx.retirementWarningDays) {
      warnings.push({ path: `${base(name)}.version`, message: `${d.model} ${d.version} (${d.sku}) retires on ${retires}, in ${days} days; plan the move (${alternatives})` });
    }
  }
  regions.forEach((region) => {
    const path = regionPath(name, d, region);
    const implicit = d.regions === undefined ? " (regions defaults to every fleet region; list the regions this deployment belongs in)" : "";
    if (isDataZone(d.sku)) {
      const zone = catalog.dataZoneOf(region);
      const zones = version.dataZones?.value ?? catalog.dataZoneNames();
      if (!zone) {
        errors.push({ path, message: `${d.sku} needs a region inside a data zone, and ${region} is in none${implicit}; data-zone regions: ${catalog.dataZoneNames().map((z) => `${z}: ${(catalog.data.dataZones.value[z] ?? []).join(", ")}`).join("; ")}` });
        return;
      }
      if (!zones.includes(zone)) {
        errors.push({ path, message: `${d.sku} for ${d.model} ${d.version} exists only in data zone(s) ${zones.join(", ")}, and ${region} is in ${zone}${implicit}` });
        return;
      }
    }
    const offered = catalog.regionalSkus(d.model, d.version, region);
    if (offered && !offered.includes(d.sku)) {
      errors.push({ path, message: `${d.sku} is not offered for ${d.model} ${d.version} in ${region}; offered there: ${offered.length > 0 ? offered.join(", ") : "nothing"}${implicit}` });
    }
  });
  if (isProvisioned(d.sku) && !catalog.ptuShape(d.model, d.sku)) {
    warnings.push({ path: `${base(name)}.capacity`, message: `the catalog has no PTU minimum/increment for ${d.model}; capacity is not checked against them` });
  }
  return { errors, warnings, usable: errors.length === 0 };
}

/** Checks one resolved capacity value against the SKU's rules; returns an error message or undefined. */
export function capacityProblem(d: FleetDeploymentConfig, capacity: number, catalog: ModelCatalog): string | undefined {
  if (!isProvisioned(d.sku)) return undefined;
  const shape = catalog.ptuShape(d.model, d.sku);
  if (!shape) return undefined;
  if (capacity < shape.minimum || (capacity - shape.minimum) % shape.increment !== 0) {
    const examples = [0, 1, 2].map((k) => shape.minimum + k * shape.increment).join(", ");
    return `${capacity} PTU is not allowed for ${d.model} ${d.sku}: use at least ${shape.minimum} PTU in steps of ${shape.increment} (${examples}, ...)`;
  }
  return undefined;
}
