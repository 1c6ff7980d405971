// Per-region latency: the network round trip from the gateway's region to each backend region, and
// optional per-region service-time overrides. A simulated answer takes
//   round trip + time to first token (`baseMs`) + completion tokens × `perOutputTokenMs`,
// log-normally spread by `sigma`. These two service-time numbers are the time-to-first-token and
// tokens-per-second seam for streaming: a pacing module for SSE answers takes TTFT from `baseMs` and
// its token interval from `perOutputTokenMs` of the deployment's resolved LatencySpec.
import type { Clock } from "../clock";
import type { SimRequest, SimResponse, Upstream } from "../http-types";
import type { LatencySpec } from "./deployment";

export interface RegionLatency {
  /** Round trip between the gateway's region and this region, ms (default: ROUND_TRIP_MS). */
  rttMs?: number;
  /** Overrides of the scenario-wide service time for deployments in this region. */
  baseMs?: number;
  perOutputTokenMs?: number;
  sigma?: number;
}

/**
 * Approximate round trips between Azure regions, ms, rounded from Azure's published inter-region
 * latency statistics (learn.microsoft.com/azure/networking/azure-network-latency; figures vary month
 * to month — treat them as approximate). Same region: 2 ms. Unknown pairs: 80 ms.
 */
const ROUND_TRIP_MS: Record<string, number> = {
  "eastus|eastus2": 7,
  "eastus|westus3": 62,
  "eastus|swedencentral": 95,
  "eastus|westeurope": 80,
  "eastus|northcentralus": 22,
  "eastus|southcentralus": 33,
  "eastus2|westus3": 58,
  "eastus2|swedencentral": 100,
  "eastus2|westeurope": 85,
  "eastus2|northcentralus": 25,
  "eastus2|southcentralus": 30,
  "eastus2|westus": 65,
  "westus3|swedencentral": 150,
  "westus3|westeurope": 140,
  "westus3|westus": 18,
  "swedencentral|westeurope": 25,
  "swedencentral|francecentral": 35,
  "westeurope|francecentral": 12,
};

export const UNKNOWN_ROUND_TRIP_MS = 80;

export function roundTripMs(from: string, to: string): number {
  if (from === to) return 2;
  return ROUND_TRIP_MS[`${from}|${to}`] ?? ROUND_TRIP_MS[`${to}|${from}`] ?? UNKNOWN_ROUND_TRIP_MS;
}

/** The service-time spec for a region: scenario-wide values with the region's overrides. */
export function latencyFor(base: LatencySpec, region: RegionLatency | undefined): LatencySpec {
  return {
    ...base,
    ...(region?.baseMs !== undefined ? { baseMs: region.baseMs } : {}),
    ...(region?.perOutputTokenMs !== undefined ? { perOutputTokenMs: region.perOutputTokenMs } : {}),
    ...(region?.sigma !== undefined ? { sigma: region.sigma } : {}),
  };
}

/** An account reached over the network: half the round trip out, half back, on every call. */
export class NetworkLink implements Upstream {
  constructor(
    private readonly inner: Upstream,
    private readonly clock: Clock,
    readonly rttMs: number,
  ) {}

  async send(request: SimRequest, timeoutMs: number): Promise<SimResponse> {
    const half = this.rttMs / 2;
    await this.clock.sleep(half);
    try {
      return await this.inner.send(request, Math.max(0, timeoutMs - this.rttMs));
    } finally {
      await this.clock.sleep(half);
    }
  }
}
