import { isClientAnswer, isFailure, type RequestRecord } from "../metrics/records";
import { summarize, type ArmSummary } from "../stats/summary";

export interface ShadowReport {
  primaryDeployments: string[];
  shadowDeployments: string[];
  /** Requests that have both a primary and a shadow record with the same correlation id. */
  pairs: number;
  /** Shadow records whose primary is missing from the data (and the reverse is normal: sampling). */
  orphanShadows: number;
  primary: ArmSummary;
  shadow: ArmSummary;
  /** Pairs where both succeeded and carried a response hash. */
  comparablePairs: number;
  /** Share of comparable pairs whose response hashes are equal; undefined with none. */
  matchRate: number | undefined;
  /** Mean of shadow − primary latency over pairs where both succeeded, ms. */
  latencyDeltaMeanMs: number | undefined;
}

/** Primary vs shadow over the correlated pairs only, so both sides saw the same requests. */
export function shadowReport(records: readonly RequestRecord[]): ShadowReport {
  const primaries = new Map<string, RequestRecord>();
  for (const r of records) if (isClientAnswer(r) && r.correlationId) primaries.set(r.correlationId, r);
  const pairs: Array<[RequestRecord, RequestRecord]> = [];
  let orphanShadows = 0;
  for (const r of records) {
    if (r.role !== "shadow") continue;
    const primary = r.correlationId ? primaries.get(r.correlationId) : undefined;
    if (primary) pairs.push([primary, r]);
    else orphanShadows++;
  }
  const bothOk = pairs.filter(([p, s]) => !isFailure(p) && !isFailure(s));
  const comparable = bothOk.filter(([p, s]) => p.responseHash !== undefined && s.responseHash !== undefined);
  const matches = comparable.filter(([p, s]) => p.responseHash === s.responseHash).length;
  return {
    primaryDeployments: [...new Set(pairs.map(([p]) => p.deployment))].sort(),
    shadowDeployments: [...new Set(pairs.map(([, s]) => s.deployment))].sort(),
    pairs: pairs.length,
    orphanShadows,
    primary: summarize(pairs.map(([p]) => p)),
    shadow: summarize(pairs.map(([, s]) => s)),
    comparablePairs: comparable.length,
    matchRate: comparable.length > 0 ? matches / comparable.length : undefined,
    latencyDeltaMeanMs: bothOk.length > 0 ? bothOk.reduce((sum, [p, s]) => sum + (s.latencyMs - p.latencyMs), 0) / bothOk.length : undefined,
  };
}
