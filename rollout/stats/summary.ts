import * as ss from "simple-statistics";
import { isFailure, type RequestRecord } from "../metrics/records";

/** Aggregates of one arm (stable, canary, a slot, a variant) over a window. */
export interface ArmSummary {
  requests: number;
  failures: number;
  /** failures / requests, 0 when there are no requests. */
  errorRate: number;
  /** Latency percentiles over successful requests only (a fast 500 must not make an arm look quick). */
  latencyP50Ms: number | undefined;
  latencyP95Ms: number | undefined;
  latencyMeanMs: number | undefined;
  promptTokens: number;
  completionTokens: number;
}

export function summarize(records: readonly RequestRecord[]): ArmSummary {
  const failures = records.filter(isFailure).length;
  const okLatencies = records.filter((r) => !isFailure(r)).map((r) => r.latencyMs);
  const hasLatency = okLatencies.length > 0;
  return {
    requests: records.length,
    failures,
    errorRate: records.length === 0 ? 0 : failures / records.length,
    latencyP50Ms: hasLatency ? ss.quantile(okLatencies, 0.5) : undefined,
    latencyP95Ms: hasLatency ? ss.quantile(okLatencies, 0.95) : undefined,
    latencyMeanMs: hasLatency ? ss.mean(okLatencies) : undefined,
    promptTokens: sum(records.map((r) => r.promptTokens)),
    completionTokens: sum(records.map((r) => r.completionTokens)),
  };
}

function sum(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0);
}
