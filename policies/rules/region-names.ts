// Region names in pack options. A misspelt allowed region ("swedencentrl") would never match an
// account's location, so the rule would report every account while the config looked right; names
// are normalised the way the rules read locations and checked against the regions the model catalog
// knows (the same list the fleet plan checks its regions against: core/catalog knownRegions).
import { z } from "zod";
import { loadCatalog } from "../../core/catalog/catalog";
import { normalizeRegion } from "./inputs";

let known: readonly string[] | undefined;

/**
 * Every region a catalog fact names (data zones and per-version availability), ARM short names,
 * sorted; read on first use, so loading the pack does not parse the catalog for configs without regions.
 */
export function knownRegions(): readonly string[] {
  known ??= loadCatalog().knownRegions();
  return known;
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

/** The known names nearest to `value` (all at the smallest distance, at most three, by name). */
export function closestRegions(value: string, names: readonly string[] = knownRegions()): string[] {
  const normalized = normalizeRegion(value);
  const ranked = names.map((name) => ({ name, distance: editDistance(normalized, name) }));
  const best = Math.min(...ranked.map((r) => r.distance));
  return ranked
    .filter((r) => r.distance === best)
    .map((r) => r.name)
    .sort()
    .slice(0, 3);
}

/**
 * One region name as an option value: an ARM short name or display name (`swedencentral`,
 * `Sweden Central`), stored normalised; a name the catalog does not know is an option error naming
 * the value and the closest known names.
 */
export const regionNameOption = z
  .string()
  .min(1)
  .superRefine((value, ctx) => {
    if (value === "" || knownRegions().includes(normalizeRegion(value))) return;
    ctx.addIssue({
      code: "custom",
      message:
        `${JSON.stringify(value)} is not an Azure region the model catalog knows; closest known names: ${closestRegions(value).join(", ")} ` +
        `(an ARM name such as swedencentral or a display name such as "Sweden Central"; if it is a new region, refresh the catalog: npm run catalog -- refresh)`,
    });
  })
  .transform(normalizeRegion);
