// Quota declarations from the fleet config (`aoai-fleet:fleet.regions.<region>.quota`, keys
// `model/sku` or a provisioned SKU pool name) as entries of the capacity-quota rule's options.
// The offline plan uses the stack's own declarations; a test keeps policies/config/*.json in step.
import { isRecord } from "./rules/inputs";

export interface QuotaDeclaration {
  region: string;
  model?: string;
  sku: string;
  capacity: number;
}

/** Reads `regions.*.quota` from a fleet config object (validated upstream by the fleet schema). */
export function quotasFromFleetConfig(fleet: unknown): QuotaDeclaration[] {
  if (!isRecord(fleet) || !isRecord(fleet.regions)) return [];
  const declarations: QuotaDeclaration[] = [];
  for (const [region, settings] of Object.entries(fleet.regions)) {
    if (!isRecord(settings) || !isRecord(settings.quota)) continue;
    for (const [key, capacity] of Object.entries(settings.quota)) {
      if (typeof capacity !== "number") continue;
      const slash = key.indexOf("/");
      declarations.push(
        slash === -1
          ? { region, sku: key, capacity }
          : { region, model: key.slice(0, slash), sku: key.slice(slash + 1), capacity },
      );
    }
  }
  return declarations;
}
