// A gateway built the way `pulumi up` builds it — gateway config → designGateway (the component's
// pure design: policies, pools, shadow relay) → emulator with every API — in front of simulated
// deployments on a virtual clock. Tests send requests as callers and inspect what reached upstream.
import { designGateway, type GatewayDesign, type InventoryEntry } from "../../components/gateway/design";
import { UpstreamDirectory } from "../../simulator/azure/account";
import type { FaultWindow } from "../../simulator/azure/faults";
import { VirtualClock } from "../../simulator/clock";
import { PolicyEmulator } from "../../simulator/emulator/emulator";
import { localIdentity } from "../../simulator/auth/local-identity";
import type { GatewayResult } from "../../simulator/gateway-types";
import type { SimRequest } from "../../simulator/http-types";
import { Rng } from "../../simulator/rng";
import { breakerFromConfig, relayNamedValues } from "../../simulator/stack";
import { buildWorld, type World } from "../../simulator/world";
import { INFERENCE_OPERATIONS } from "../../gateway-policy/operations";
import { parseGatewayConfig } from "../../stacks/config/gateway";
import { chatRequest } from "./support";

export const TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47";
export const API_APP = "7d3c1f9e-2b4a-4e6f-9a8b-0c1d2e3f4a5b";
export const BREAKER = { failures: 1, interval: "PT1M", trip: "PT1M", acceptRetryAfter: true };

const account = (region: string) => `https://t-${region}.openai.azure.com/openai`;

export interface DeploymentSpec {
  deployment: string;
  region: string;
  /** Capacity units; 1 unit = 1,000 TPM, 6 RPM. */
  capacity: number;
}

export interface Caller {
  subscriptionId?: string;
  /** Claims of the caller's Entra token (signed by the local identity); absent = no token. */
  claims?: Record<string, string | number | string[]>;
  headers?: Record<string, string>;
  query?: Record<string, string>;
  path?: string;
  body?: string;
}

export interface DesignedGateway {
  design: GatewayDesign;
  /** Every request that reached a simulated account, as it arrived (forwards and shadow copies alike). */
  arrived: SimRequest[];
  world: World;
  clock: VirtualClock;
  emulator: PolicyEmulator;
  call(caller?: Caller): Promise<GatewayResult>;
  /** Sends calls at virtual times (ms); resolves in send order. */
  callAt(times: number[], caller: (i: number) => Caller): Promise<GatewayResult[]>;
}

/** A v2 Entra access token for this API: tenant, audience (the API's client id) and the given claims, signed by the local key set the emulator verifies against. */
export function entraToken(claims: Record<string, string | number | string[]>): string {
  return `Bearer ${localIdentity().sign({ iss: `https://login.microsoftonline.com/${TENANT}/v2.0`, tid: TENANT, aud: API_APP, exp: 4_102_444_800, ...claims })}`;
}

export function designedGateway(
  rawGateway: Record<string, unknown>,
  deployments: DeploymentSpec[],
  /** `operations`: match the API's operations as the local gateway does (surfaces v1/responses; APIM's 404 for no match); off by default. */
  opts: { faults?: FaultWindow[]; latencyMs?: number; seed?: number; operations?: boolean } = {},
): DesignedGateway {
  const config = parseGatewayConfig({ sku: "StandardV2", capacity: 1, publisher: { name: "t", email: "t@example.com" }, circuitBreaker: BREAKER, ...rawGateway });
  const inventory: InventoryEntry[] = deployments.map((d) => ({ deployment: d.deployment, region: d.region, capacity: d.capacity, tokensPerMinute: d.capacity * 1000, sku: "GlobalStandard", embeddings: false, accountOpenAiUrl: account(d.region) }));
  const design = designGateway(config, inventory);
  const clock = new VirtualClock();
  const rng = new Rng(opts.seed ?? 5);
  const world = buildWorld({
    backends: design.singles.map((s) => ({ backendId: s.id, deployment: s.deployment, region: s.region, model: "gpt-4o", capacity: s.capacity, tpm: s.capacity * 1000, rpm: s.capacity * 6, url: `${account(s.region)}/deployments/${s.deployment}` })),
    pools: design.pools.map((p) => ({ poolId: p.id, members: p.members.map((m) => ({ backendId: m.backendId, ...(m.priority !== undefined ? { priority: m.priority } : {}), ...(m.weight !== undefined ? { weight: m.weight } : {}) })) })),
    ...(config.circuitBreaker ? { breaker: breakerFromConfig(config.circuitBreaker) } : {}),
    clock,
    rng,
    faults: opts.faults ?? [],
    latency: { baseMs: opts.latencyMs ?? 100, perOutputTokenMs: 0, sigma: 0, rejectMs: 1 },
    completionTokens: 50,
  });
  // Record what reaches Azure: wrap every account origin of the world.
  const arrived: SimRequest[] = [];
  const upstreams = new UpstreamDirectory();
  for (const origin of world.directory.origins()) {
    const inner = world.directory.resolve(new URL(origin))!;
    upstreams.set(origin, { send: (request, timeoutMs) => (arrived.push(structuredClone(request)), inner.send(request, timeoutMs)) });
  }
  const emulator = new PolicyEmulator({
    policyXml: design.apiPolicy.xml,
    siblingApis: design.shadowRelay ? [{ apiPath: design.shadowRelay.apiPath, policyXml: design.shadowRelay.policy.xml }] : [],
    backends: world.registry,
    upstreams,
    namedValues: new Map([...design.namedValues.map((v) => [v.id, v.value] as [string, string]), ...relayNamedValues(design)]),
    clock,
    rng: rng.fork("gateway"),
    apiPath: "openai",
    region: "eastus2",
    ...(opts.operations ? { operations: INFERENCE_OPERATIONS } : {}),
  });
  const send = (c: Caller = {}) => {
    const base = chatRequest("chat");
    const request: SimRequest = {
      ...base,
      ...(c.path ? { path: c.path } : {}),
      ...(c.body !== undefined ? { body: c.body } : {}),
      query: c.query ?? base.query,
      headers: { ...base.headers, ...(c.claims ? { authorization: entraToken(c.claims) } : {}), ...(c.headers ?? {}) },
    };
    const oid = c.claims?.oid;
    return emulator.handle({ request, caller: { subscriptionId: c.subscriptionId ?? "", userId: typeof oid === "string" ? oid : "", ip: "10.0.0.1" } });
  };
  return {
    design,
    arrived,
    world,
    clock,
    emulator,
    async call(caller) {
      const p = send(caller);
      await clock.run();
      return p;
    },
    async callAt(times, caller) {
      const out: Array<Promise<GatewayResult>> = [];
      times.forEach((t, i) => clock.schedule(t, () => out.push(send(caller(i)))));
      await clock.run();
      return Promise.all(out);
    },
  };
}

/** `deployment@region` of every upstream forward of a result (shadow copies excluded). */
export const forwardedTo = (r: GatewayResult): string[] =>
  r.trace.sent.filter((s) => s.kind === "forward").map((s) => {
    const u = new URL(s.url);
    return `${/\/deployments\/([^/]+)\//.exec(u.pathname)![1]}@${u.host.split(".")[0]!.replace(/^t-/, "")}`;
  });
