// The A/B bucket function H, shared by the C# policy (hashBucket) and TypeScript tooling:
// bucket = uint32_le(SHA-256(UTF-8(experimentId + ":" + userId))[0..4]) mod buckets.
// C# BitConverter.ToUInt32 reads little-endian on APIM's x64 hosts, which this mirrors.
import { createHash } from "node:crypto";

export function hashBucketOf(key: string, buckets = 100): number {
  return createHash("sha256").update(key, "utf8").digest().readUInt32LE(0) % buckets;
}

/** A/B bucket 0–99 of a caller in an experiment. */
export function abBucket(experimentId: string, userId: string): number {
  return hashBucketOf(`${experimentId}:${userId}`);
}

/** Variant owning `bucket` when variants take consecutive ranges in the given order. */
export function variantForBucket(variants: Array<{ name: string; percent: number }>, bucket: number): string {
  let upper = 0;
  for (const v of variants) {
    upper += v.percent;
    if (bucket < upper) return v.name;
  }
  throw new Error(`bucket ${bucket} is outside the variants' ${upper}%`);
}
