/**
 * planFleet: validated config + catalog → FleetPlan (accounts, ordered deployments, resolved
 * capacities, quota use, warnings). Collects every problem and throws one FleetConfigError. Pure.
 */
import { FleetConfigError, type ConfigIssue } from "../../stacks/config/errors";
import type { FleetConfig, FleetDeploymentConfig } from "../../stacks/config/fleet";
import { deploymentNameCollisions } from "../../stacks/config/naming";
import { isProvisioned, isStandard, type ModelCatalog } from "../catalog/catalog";
import { capacityProblem, checkDeployment } from "./checks";
import { isoDate } from "./dates";
import { orderForCreation } from "./order";
import { fleetRegionProblems } from "./regions";
import { checkSpillover } from "./spillover";
import { spreadTotal } from "./spread";
import type { FleetPlan, PlannedAccount, PlannedDeployment, QuotaUse } from "./types";

export interface PlanOptions {
  readonly catalog: ModelCatalog;
  /** "Today" for retirement checks; tests pin it, the CLI and `pulumi up` use the real date. */
  readonly today: Date;
}

/** Most standard deployments one account may hold (Azure limit). */
export const MAX_DEPLOYMENTS_PER_ACCOUNT = 32;

const dpath = (name: string) => `aoai-fleet:fleet.deployments.${name}`;

/** Quota keys a deployment draws on: `model/sku`, plus the PTU pool for provisioned SKUs. */
export function quotaKeys(d: Pick<FleetDeploymentConfig, "model" | "sku">): string[] {
  return isProvisioned(d.sku) ? [`${d.model}/${d.sku}`, d.sku] : [`${d.model}/${d.sku}`];
}

export function planFleet(config: FleetConfig, options: PlanOptions): FleetPlan {
  const { catalog } = options;
  const today = isoDate(options.today);
  const errors: ConfigIssue[] = [];
  const warnings: ConfigIssue[] = [];
  const fleetRegions = Object.keys(config.regions);
  const names = Object.keys(config.deployments).sort();
  const regionsOf = new Map<string, string[]>();
  const usable = new Set<string>();

  for (const name of names) {
    const d = config.deployments[name] as FleetDeploymentConfig;
    const regions = d.regions ?? fleetRegions;
    regions.forEach((region, i) => {
      if (!fleetRegions.includes(region)) {
        errors.push({ path: `${dpath(name)}.regions.${i}`, message: `region "${region}" is not declared under aoai-fleet:fleet.regions; declared: ${fleetRegions.join(", ")}` });
      }
    });
    if (new Set(regions).size !== regions.length) {
      errors.push({ path: `${dpath(name)}.regions`, message: `lists a region twice (${regions.join(", ")}); list each region once` });
    }
    const placed = [...new Set(regions.filter((r) => fleetRegions.includes(r)))];
    regionsOf.set(name, placed);
    const result = checkDeployment(name, d, placed, { catalog, today, retirementWarningDays: config.retirementWarningDays });
    errors.push(...result.errors);
    warnings.push(...result.warnings);
    if (result.usable) usable.add(name);
  }
  errors.push(...deploymentNameCollisions(regionsOf));
  const spill = checkSpillover(config, regionsOf);
  errors.push(...spill.errors);
  warnings.push(...spill.warnings);

  // Capacity: fixed numbers and maps first, then { total } spread over what quota is left.
  const capacity = new Map<string, Map<string, number>>();
  const used = new Map<string, Map<string, { total: number; by: string[] }>>();
  const addUse = (region: string, key: string, name: string, units: number) => {
    const perRegion = used.get(region) ?? new Map<string, { total: number; by: string[] }>();
    const entry = perRegion.get(key) ?? { total: 0, by: [] };
    entry.total += units;
    entry.by.push(`${name}=${units}`);
    perRegion.set(key, entry);
    used.set(region, perRegion);
  };
  const limitOf = (region: string, key: string): number | undefined => config.regions[region]?.quota?.[key];
  const remaining = (region: string, keys: string[]): number | undefined => {
    const rooms = keys.flatMap((k) => {
      const limit = limitOf(region, k);
      return limit === undefined ? [] : [limit - (used.get(region)?.get(k)?.total ?? 0)];
    });
    return rooms.length === 0 ? undefined : Math.min(...rooms);
  };

  const totals: string[] = [];
  for (const name of names) {
    const d = config.deployments[name] as FleetDeploymentConfig;
    const regions = regionsOf.get(name) ?? [];
    const perRegion = new Map<string, number>();
    if (typeof d.capacity === "number") {
      regions.forEach((r) => perRegion.set(r, d.capacity as number));
    } else if ("total" in d.capacity && typeof d.capacity.total === "number") {
      totals.push(name);
      continue;
    } else {
      const map = d.capacity as Record<string, number>;
      for (const key of Object.keys(map)) {
        if (!regions.includes(key)) {
          errors.push({ path: `${dpath(name)}.capacity.${key}`, message: `"${key}" is not a region of this deployment; its regions: ${regions.join(", ")}` });
        }
      }
      for (const r of regions) {
        const units = map[r];
        if (units === undefined) {
          errors.push({ path: `${dpath(name)}.capacity`, message: `gives no capacity for ${r}; add "${r}: <units>" or remove ${r} from the deployment's regions` });
        } else perRegion.set(r, units);
      }
    }
    capacity.set(name, perRegion);
    perRegion.forEach((units, r) => quotaKeys(d).forEach((k) => addUse(r, k, name, units)));
  }
  for (const name of totals) {
    const d = config.deployments[name] as FleetDeploymentConfig;
    const total = (d.capacity as { total: number }).total;
    const regions = regionsOf.get(name) ?? [];
    const shape = usable.has(name) ? catalog.ptuShape(d.model, d.sku) : undefined;
    const step = shape?.increment ?? 1;
    const { allocation, unplaced } = spreadTotal(total, regions.map((r) => ({ region: r, cap: remaining(r, quotaKeys(d)) })), step);
    if (unplaced > 0) {
      const rooms = regions.map((r) => `${r}: ${remaining(r, quotaKeys(d)) ?? "unlimited"}`).join(", ");
      errors.push({
        path: `${dpath(name)}.capacity.total`,
        message: total % step !== 0
          ? `${total} is not a multiple of the ${step}-unit increment of ${d.sku}`
          : `${total} units do not fit in the remaining quota (${rooms}); lower the total, add regions or raise aoai-fleet:fleet.regions.<region>.quota`,
      });
    }
    for (const [r, units] of allocation) {
      if (units === 0 && unplaced === 0) {
        errors.push({ path: `${dpath(name)}.capacity.total`, message: `${total} units spread over ${regions.length} regions leaves ${r} with nothing; raise the total or drop ${r}` });
      }
    }
    capacity.set(name, new Map(allocation));
    allocation.forEach((units, r) => quotaKeys(d).forEach((k) => addUse(r, k, name, units)));
  }

  for (const name of names) {
    if (!usable.has(name)) continue;
    const d = config.deployments[name] as FleetDeploymentConfig;
    capacity.get(name)?.forEach((units, r) => {
      const problem = units > 0 ? capacityProblem(d, units, catalog) : undefined;
      if (problem) {
        const where = typeof d.capacity === "number" ? `${dpath(name)}.capacity` : "total" in d.capacity ? `${dpath(name)}.capacity.total` : `${dpath(name)}.capacity.${r}`;
        errors.push({ path: where, message: typeof d.capacity === "number" || !("total" in d.capacity) ? problem : `${problem}; the spread gave ${r} ${units}` });
      }
      if (units === 1 && isStandard(d.sku)) {
        // A 1-unit deployment answers 429 to any single request estimated above its per-minute limit.
        const tpm = catalog.throughput(d.model, d.sku, 1)?.tpm;
        warnings.push({ path: `${dpath(name)}.capacity`, message: `1 unit in ${r} (${tpm ?? "?"} TPM) rejects any single request estimated above that with 429; use at least a few units` });
      }
    });
  }

  const quota: QuotaUse[] = [];
  for (const region of fleetRegions) {
    const declared = config.regions[region]?.quota ?? {};
    const keys = [...new Set([...Object.keys(declared), ...(used.get(region)?.keys() ?? [])])].sort();
    for (const key of keys) {
      const use = used.get(region)?.get(key);
      const limit = declared[key] ?? null;
      if (use === undefined && limit === null) continue;
      quota.push({ region, key, used: use?.total ?? 0, limit, deployments: use?.by ?? [] });
      if (limit !== null && use !== undefined && use.total > limit) {
        errors.push({
          path: `aoai-fleet:fleet.regions.${region}.quota.${key}`,
          message: `deployments need ${use.total} units (${use.by.join(", ")}) but the declared quota is ${limit}; lower their capacity or raise the quota (request more in the Azure portal first)`,
        });
      }
    }
  }

  const accounts: PlannedAccount[] = [];
  for (const region of fleetRegions) {
    const here = names.filter((n) => regionsOf.get(n)?.includes(region));
    if (here.length > MAX_DEPLOYMENTS_PER_ACCOUNT) {
      errors.push({ path: `aoai-fleet:fleet.regions.${region}`, message: `${here.length} deployments in one account; Azure allows ${MAX_DEPLOYMENTS_PER_ACCOUNT}. Split them across regions with deployments.<name>.regions` });
    }
    const deployments = here.map((name): PlannedDeployment => {
      const d = config.deployments[name] as FleetDeploymentConfig;
      const units = capacity.get(name)?.get(region) ?? 0;
      const rate = usable.has(name) ? catalog.throughput(d.model, d.sku, units) : undefined;
      return {
        name, region, model: d.model, version: d.version, format: d.format, sku: d.sku, capacity: units, upgrade: d.upgrade,
        tpm: rate?.tpm ?? null, rpm: rate?.rpm ?? null,
        ...(d.raiPolicy !== undefined ? { raiPolicy: d.raiPolicy } : {}),
        ...(d.spillover !== undefined ? { spillover: d.spillover } : {}),
        retires: usable.has(name) ? catalog.retirementDate(d.model, d.version, d.sku) : null,
      };
    });
    if (deployments.length > 0) accounts.push({ region, deployments: orderForCreation(deployments) });
  }
  for (const region of fleetRegions) {
    if (!accounts.some((a) => a.region === region)) {
      warnings.push({ path: `aoai-fleet:fleet.regions.${region}`, message: `no deployment is placed in ${region}; its account is not created` });
    }
  }
  errors.push(...fleetRegionProblems(fleetRegions, (region) => names.filter((n) => regionsOf.get(n)?.includes(region)), catalog));

  if (errors.length > 0) throw new FleetConfigError(errors);
  const firstRegion = fleetRegions[0] as string;
  return {
    name: config.name,
    resourceGroup: { name: config.resourceGroup ?? `rg-${config.name}`, create: config.resourceGroup === undefined, location: firstRegion },
    protect: config.protect,
    tags: config.tags,
    kind: config.kind,
    publicNetworkAccess: config.publicNetworkAccess,
    disableLocalAuth: config.disableLocalAuth,
    ...(config.network ? { network: config.network } : {}),
    accounts,
    quota,
    warnings,
  };
}
