// Builds a simulated world from the backend inventory: one simulated account per backend origin
// (one per region), its deployments with their limits, APIM backend entities (Singles with the
// circuit-breaker rule, pools from the strategy's pool definitions) and the URL directory.
import type { RequestLimits } from "../core/catalog/catalog";
import type { FleetPlan } from "../core/plan/types";
import { SimulatedAccount, UpstreamDirectory } from "./azure/account";
import { SimulatedDeployment, type LatencySpec } from "./azure/deployment";
import type { FaultWindow } from "./azure/faults";
import { latencyOf, pacingFor } from "./azure/pacing";
import { NetworkLink, latencyFor, roundTripMs, type RegionLatency } from "./azure/regions";
import type { Clock } from "./clock";
import { BackendRegistry, type BackendEntity, type CircuitBreakerRule, type WeightedChoice } from "./emulator/backends";
import type { Rng } from "./rng";

export interface WorldBackend {
  /** APIM backend id (`<deployment>-<region>`). */
  backendId: string;
  deployment: string;
  region: string;
  model: string;
  capacity: number;
  /** Token limit, tokens per minute. */
  tpm: number;
  /** Request limit, requests per minute (null: provisioned, metered by tokens only). */
  rpm: number | null;
  /** Backend base URL, e.g. `https://contoso-eastus2.openai.azure.com/openai`. */
  url: string;
  /** Per-request token limits from the model catalog (context window, output maximum). */
  limits?: RequestLimits;
  /** Deployment SKU (`GlobalStandard`, `ProvisionedManaged`, …): pacing (provisioned answers faster) and the cost model. */
  sku?: string;
  /** `account`: the Responses API's account-level twin of a deployment backend (URL without `/deployments/…`). */
  family?: "deployment" | "account";
  /** Provisioned only: the standard deployment of the same account Azure spills over to (`spilloverDeploymentName`). */
  spillover?: string;
  /** Kind of the account holding it (`aoai-fleet:fleet.kind`; names the pricing tier in 429 bodies). Absent: OpenAI. */
  accountKind?: FleetPlan["kind"];
}

export interface WorldPool {
  poolId: string;
  members: Array<{ backendId: string; priority?: number; weight?: number }>;
}

export interface WorldOptions {
  backends: WorldBackend[];
  pools: WorldPool[];
  /** Circuit-breaker rule put on every Single backend (none: no breaker). */
  breaker?: CircuitBreakerRule;
  clock: Clock;
  rng: Rng;
  faults?: FaultWindow[];
  /**
   * One latency model for every deployment; `"paced"`: each deployment's own from pacing.ts (model ×
   * SKU); absent: the deployment default (DEFAULT_LATENCY), which the benchmark and rollout runs use.
   */
  latency?: LatencySpec | "paced";
  completionTokens?: number;
  /** Per-request completion length (the scenario's size model); overrides completionTokens. */
  completionFor?: (shape: { promptTokens: number; maxTokens: number | undefined }) => number;
  /** Gateway region: each account is reached over a link with the round trip from it (none when absent). */
  gatewayRegion?: string;
  /** Per-region round trips and service-time overrides. */
  regions?: Record<string, RegionLatency>;
  weightedChoice?: WeightedChoice;
}

export interface World {
  deployments: SimulatedDeployment[];
  accounts: SimulatedAccount[];
  directory: UpstreamDirectory;
  registry: BackendRegistry;
  entities: Map<string, BackendEntity>;
}

/** A deployment's latency from its model and SKU's documented pacing (pacing.ts), with some spread. */
export function pacedLatency(b: Pick<WorldBackend, "model" | "sku">): LatencySpec {
  return { ...latencyOf(pacingFor(b.model, b.sku ?? "GlobalStandard")), sigma: 0.2, rejectMs: 3 };
}

export function buildWorld(o: WorldOptions): World {
  const directory = new UpstreamDirectory();
  const accounts = new Map<string, SimulatedAccount>();
  const deployments: SimulatedDeployment[] = [];
  const entities = new Map<string, BackendEntity>();
  for (const b of o.backends) {
    const origin = new URL(b.url).origin;
    let account = accounts.get(origin);
    if (!account) {
      account = new SimulatedAccount(origin, b.region);
      accounts.set(origin, account);
      const rtt = o.regions?.[b.region]?.rttMs ?? (o.gatewayRegion !== undefined ? roundTripMs(o.gatewayRegion, b.region) : 0);
      directory.set(origin, rtt > 0 ? new NetworkLink(account, o.clock, rtt) : account);
    }
    if (!account.get(b.deployment)) {
      const d = new SimulatedDeployment(
        {
          deployment: b.deployment,
          region: b.region,
          model: b.model,
          capacity: b.capacity,
          tpmPerUnit: b.tpm / b.capacity,
          // Provisioned deployments have no request rate of their own; tokens are what limit them.
          rpmPerUnit: b.rpm === null ? Number.MAX_SAFE_INTEGER / Math.max(1, b.capacity) : b.rpm / b.capacity,
          ...(o.latency === "paced" ? { latency: latencyFor(pacedLatency(b), o.regions?.[b.region]) } : o.latency ? { latency: latencyFor(o.latency, o.regions?.[b.region]) } : {}),
          ...(o.completionTokens !== undefined ? { completionTokens: o.completionTokens } : {}),
          ...(o.completionFor ? { completionFor: o.completionFor } : {}),
          provisioned: b.rpm === null,
          ...(b.limits ? { requestLimits: b.limits } : {}),
          ...(b.spillover !== undefined ? { spillover: b.spillover } : {}),
          ...(b.accountKind !== undefined ? { accountKind: b.accountKind } : {}),
        },
        o.clock,
        o.rng.fork(`deployment:${b.deployment}@${b.region}`),
        o.faults ?? [],
      );
      account.add(d);
      deployments.push(d);
    }
    entities.set(b.backendId, { type: "Single", url: b.url, ...(o.breaker ? { circuitBreaker: o.breaker } : {}) });
  }
  // Every deployment is in its account by now, so each spillover target can be checked.
  for (const account of accounts.values()) account.checkSpillover();
  for (const p of o.pools) {
    entities.set(p.poolId, { type: "Pool", members: p.members.map((m) => ({ id: m.backendId, ...(m.priority !== undefined ? { priority: m.priority } : {}), ...(m.weight !== undefined ? { weight: m.weight } : {}) })) });
  }
  const registry = new BackendRegistry(entities, o.rng.fork("pool-choice"), o.weightedChoice ?? "random");
  return { deployments, accounts: [...accounts.values()], directory, registry, entities };
}
