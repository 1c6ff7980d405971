/**
 * Azure's public-cloud regions (`azure-regions.json`, from Microsoft Learn's regions list): the names
 * ARM accepts as a location. The model catalog names only the regions it has Azure OpenAI facts for,
 * so "is this a region at all" (a typo is not) and "does the catalog offer models there" are two
 * questions, answered by this list and by `ModelCatalog.knownRegions` respectively. Pure.
 * (Not named `azure-regions.ts`: require() tries `.json` before a ts-node `.ts`, so the policy-pack
 * host would load the data file in place of this module.)
 */
import { z } from "zod";
import rawRegions from "./azure-regions.json";
import type { ModelCatalog } from "./catalog";

const AzureRegionSchema = z
  .object({
    /** ARM location name, e.g. `swedencentral` (the `name` of `az account list-locations`). */
    name: z.string().regex(/^[a-z][a-z0-9]+$/),
    displayName: z.string().min(1),
    geography: z.string().min(1),
    /** `restricted`: access on request (disaster-recovery pairs); `coming-soon`: announced, not yet open. */
    access: z.enum(["open", "restricted", "coming-soon"]),
  })
  .strict();

const AzureRegionsSchema = z
  .object({
    schemaVersion: z.literal(1),
    cloud: z.literal("AzureCloud"),
    /** Date of the source page the list was read from. */
    asOf: z.iso.date(),
    retrieved: z.iso.date(),
    source: z.object({ title: z.string(), url: z.url(), file: z.string() }).strict(),
    note: z.string(),
    regions: z.array(AzureRegionSchema).min(1),
  })
  .strict();

export type AzureRegion = z.infer<typeof AzureRegionSchema>;
export type AzureRegionList = z.infer<typeof AzureRegionsSchema>;

/** Parses region data; a malformed or unsorted file is a maintenance error, reported with its path. */
export function parseAzureRegions(data: unknown): AzureRegionList {
  const parsed = AzureRegionsSchema.safeParse(data);
  if (!parsed.success) {
    const first = parsed.error.issues.slice(0, 5).map((i) => `${i.path.join(".")}: ${i.message}`);
    throw new Error(`core/catalog/azure-regions.json is malformed: ${first.join("; ")}`);
  }
  const names = parsed.data.regions.map((r) => r.name);
  const sorted = [...new Set(names)].sort();
  if (sorted.join() !== names.join()) throw new Error("core/catalog/azure-regions.json is malformed: regions must be sorted by name, each once");
  return parsed.data;
}

let bundled: AzureRegionList | undefined;
/** The list shipped in `core/catalog/azure-regions.json`, parsed on first use. */
export function loadAzureRegions(): AzureRegionList {
  bundled ??= parseAzureRegions(rawRegions);
  return bundled;
}

/** Every Azure region's ARM name in the list, sorted. */
export function azureRegionNames(): readonly string[] {
  return loadAzureRegions().regions.map((r) => r.name);
}

/**
 * The list's names plus any region the model catalog names, sorted: a region ARM answered a catalog
 * refresh for is an Azure region even before this list is updated (test/core/azure-regions.test.ts
 * fails until it is, so the two do not drift for long).
 */
export function azureRegionNamesWith(catalog: ModelCatalog): string[] {
  return [...new Set([...azureRegionNames(), ...catalog.knownRegions()])].sort();
}

/** Levenshtein distance: the few edits that separate a typo from the name it was meant to be. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] as number) + 1, (current[j - 1] as number) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] as number;
}

/** The names nearest to an ARM-spelt `value` (all at the smallest distance, at most three, by name). */
export function closestNames(value: string, names: readonly string[]): string[] {
  const ranked = names.map((name) => ({ name, distance: editDistance(value, name) }));
  const best = Math.min(...ranked.map((r) => r.distance));
  return ranked
    .filter((r) => r.distance === best)
    .map((r) => r.name)
    .sort()
    .slice(0, 3);
}
