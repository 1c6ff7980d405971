// Names the generator makes up for APIM entities (backend ids of pools and members, named values),
// kept within ARM's limits: a name that would be too long keeps its readable start and ends in a
// stable hash of the full name, so the same config always yields the same id.
import { createHash } from "node:crypto";
import { NAMED_VALUE_NAME } from "../expr/render";
import { PolicyLimitError } from "../limits";

/** ARM name limits of the entities the gateway creates (Microsoft.ApiManagement/service/…). */
export const ARM_NAME_LIMITS = {
  /** `backends/{backendId}`: 1–80 characters. */
  backendId: 80,
  /** `namedValues/{namedValueId}` and its displayName: 1–256 characters. */
  namedValue: 256,
} as const;

const HASH_CHARS = 8;

/** `raw` when it fits `max`, else its first characters, `-`, and 8 hex characters of SHA-256(raw). */
export function armName(raw: string, max: number): string {
  if (raw.length <= max) return raw;
  const hash = createHash("sha256").update(raw, "utf8").digest("hex").slice(0, HASH_CHARS);
  return `${raw.slice(0, max - HASH_CHARS - 1)}-${hash}`;
}

/** Backend id of a route's pool: `<route>-<side>` (side: stable, canary, blue, green, ab-<variant>, shadow). */
export const poolIdOf = (route: string, side: string): string => armName(`${route}-${side}`, ARM_NAME_LIMITS.backendId);

/** Backend id of one deployment in one region: `<deployment>-<region>`. */
export const singleBackendIdOf = (deployment: string, region: string): string => armName(`${deployment}-${region}`, ARM_NAME_LIMITS.backendId);

/** Backend id of the shadow-only twin of a deployment in a region: `<deployment>-<region>-shadow`. */
export const shadowBackendIdOf = (deployment: string, region: string): string => armName(`${deployment}-${region}-shadow`, ARM_NAME_LIMITS.backendId);

/**
 * Checks every generated backend id and named value against ARM's limits and for duplicates;
 * throws a PolicyLimitError naming `path` and the offending name.
 */
export function checkGeneratedNames(names: { backendIds: readonly string[]; namedValues: readonly string[] }, path: string): void {
  const seen = new Map<string, string>();
  for (const id of names.backendIds) {
    if (id.length === 0 || id.length > ARM_NAME_LIMITS.backendId)
      throw new PolicyLimitError(path, `backend id ${JSON.stringify(id)} is ${id.length} characters; ARM allows 1–${ARM_NAME_LIMITS.backendId}`);
    // APIM compares entity ids case-insensitively.
    const key = id.toLowerCase();
    const earlier = seen.get(key);
    if (earlier !== undefined) {
      const spelling = earlier === id ? "" : ` (${JSON.stringify(earlier)} and ${JSON.stringify(id)} differ only in case, and APIM ids are case-insensitive)`;
      throw new PolicyLimitError(path, `two generated backends share the id ${JSON.stringify(id)}${spelling}; rename a route, variant or deployment so their ids differ`);
    }
    seen.set(key, id);
  }
  for (const name of names.namedValues) {
    if (name.length > ARM_NAME_LIMITS.namedValue || !NAMED_VALUE_NAME.test(name))
      throw new PolicyLimitError(path, `named value ${JSON.stringify(name)} must be 1–${ARM_NAME_LIMITS.namedValue} letters, digits, ".", "-" or "_" (ARM's rule for named values)`);
  }
}
