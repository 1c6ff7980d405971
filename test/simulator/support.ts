// Shared fixtures for simulator tests: a small world (three regions, PTU + standard tiers), and an
// emulator built from a policy document rendered to XML and parsed back.
import { renderPolicy, type PolicyDocument, type RequiredClaim, type Statement } from "../../gateway-policy/index";
import { entraToken, localIdentity } from "../../simulator/auth/local-identity";
import { UpstreamDirectory } from "../../simulator/azure/account";
import type { FaultWindow } from "../../simulator/azure/faults";
import { VirtualClock, type Clock } from "../../simulator/clock";
import { BackendRegistry, type CircuitBreakerRule } from "../../simulator/emulator/backends";
import { PolicyEmulator } from "../../simulator/emulator/emulator";
import type { GatewayResult } from "../../simulator/gateway-types";
import { completeBody, type SimBody, type SimRequest, type SimResponse } from "../../simulator/http-types";
import { Rng } from "../../simulator/rng";
import { buildWorld, type World, type WorldBackend, type WorldPool } from "../../simulator/world";

export const BREAKER: CircuitBreakerRule = {
  name: "aoai-throttling-and-errors",
  count: 1,
  intervalMs: 60_000,
  statusCodeRanges: [{ min: 408, max: 408 }, { min: 429, max: 429 }, { min: 500, max: 599 }],
  errorReasons: ["BackendConnectionFailure"],
  tripDurationMs: 60_000,
  acceptRetryAfter: true,
};

export const BACKENDS: WorldBackend[] = [
  { backendId: "chat-ptu-eastus2", deployment: "chat-ptu", region: "eastus2", model: "gpt-4o", capacity: 10, tpm: 10_000, rpm: 60, url: "https://contoso-eastus2.openai.azure.com/openai/deployments/chat-ptu" },
  { backendId: "chat-eastus2", deployment: "chat", region: "eastus2", model: "gpt-4o", capacity: 30, tpm: 30_000, rpm: 180, url: "https://contoso-eastus2.openai.azure.com/openai/deployments/chat" },
  { backendId: "chat-swedencentral", deployment: "chat", region: "swedencentral", model: "gpt-4o", capacity: 10, tpm: 10_000, rpm: 60, url: "https://contoso-swedencentral.openai.azure.com/openai/deployments/chat" },
  { backendId: "chat-next-westus", deployment: "chat-next", region: "westus", model: "gpt-4o", capacity: 10, tpm: 10_000, rpm: 60, url: "https://contoso-westus.openai.azure.com/openai/deployments/chat-next" },
];

export const POOL: WorldPool = {
  poolId: "chat-stable",
  members: [
    { backendId: "chat-ptu-eastus2", priority: 1, weight: 100 },
    { backendId: "chat-eastus2", priority: 2, weight: 75 },
    { backendId: "chat-swedencentral", priority: 2, weight: 25 },
  ],
};

export interface Harness {
  clock: VirtualClock;
  world: World;
  emulator: PolicyEmulator;
  xml: string;
  call(request?: Partial<SimRequest>, caller?: string): Promise<GatewayResult>;
  /** Sends requests at the given virtual times; resolves with results in send order. */
  callAt(times: number[], request?: Partial<SimRequest>, caller?: (i: number) => string): Promise<GatewayResult[]>;
}

export function chatRequest(deployment = "chat", overrides: Partial<SimRequest> = {}): SimRequest {
  return {
    method: "POST",
    path: `/openai/deployments/${deployment}/chat/completions`,
    query: { "api-version": "2024-10-21" },
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ messages: [{ role: "user", content: "x".repeat(400) }], max_tokens: 100 }),
    ...overrides,
  };
}

export function harness(
  doc: PolicyDocument,
  opts: { faults?: FaultWindow[]; breaker?: CircuitBreakerRule | null; namedValues?: Record<string, string>; pools?: WorldPool[]; seed?: number } = {},
): Harness {
  const clock = new VirtualClock();
  const rng = new Rng(opts.seed ?? 11);
  const breaker = opts.breaker === null ? undefined : (opts.breaker ?? BREAKER);
  const world = buildWorld({
    backends: BACKENDS,
    pools: opts.pools ?? [POOL],
    ...(breaker ? { breaker } : {}),
    clock,
    rng,
    faults: opts.faults ?? [],
    latency: { baseMs: 200, perOutputTokenMs: 0, sigma: 0, rejectMs: 2 },
    completionTokens: 50,
  });
  const xml = renderPolicy(doc);
  const emulator = new PolicyEmulator({
    policyXml: xml,
    backends: world.registry,
    upstreams: world.directory,
    namedValues: new Map(Object.entries(opts.namedValues ?? {})),
    clock,
    rng: rng.fork("gateway"),
    apiPath: "openai",
    region: "eastus2",
  });
  const send = (request: Partial<SimRequest>, caller: string) =>
    emulator.handle({ request: { ...chatRequest(), ...request }, caller: { subscriptionId: caller, userId: `oid-${caller}`, ip: "10.1.2.3" } });
  return {
    clock,
    world,
    emulator,
    xml,
    async call(request = {}, caller = "sub-1") {
      const p = send(request, caller);
      await clock.run();
      return p;
    },
    async callAt(times, request = {}, caller = () => "sub-1") {
      const out: Array<Promise<GatewayResult>> = [];
      times.forEach((t, i) => clock.schedule(t, () => out.push(send(request, caller(i)))));
      await clock.run();
      return Promise.all(out);
    },
  };
}

/** A complete (non-streamed) response body; fails the test when the body is a stream. */
export function textOf(response: { body: SimBody }): string {
  const text = completeBody(response.body);
  if (text === undefined) throw new Error("expected a complete body, got a stream");
  return text;
}

/**
 * A clock that moves only when told: `now()` stands still and every sleep waits until `step()` wakes
 * the earliest sleeper. Streaming tests step one token at a time and only after the client has the
 * previous one, so a stream that reaches the client is proven to arrive before its later chunks exist,
 * with no assumption about how fast the machine is (a buffered stream would never complete).
 */
export class ManualClock implements Clock {
  private time = 0;
  private waiters: Array<{ at: number; wake: () => void }> = [];

  now(): number {
    return this.time;
  }

  sleep(ms: number): Promise<void> {
    if (ms <= 0) return Promise.resolve();
    return new Promise((wake) => this.waiters.push({ at: this.time + ms, wake }));
  }

  get pending(): number {
    return this.waiters.length;
  }

  /** Wakes the earliest sleeper (and any due at the same time); false when nobody sleeps. */
  step(): boolean {
    if (this.waiters.length === 0) return false;
    this.waiters.sort((a, b) => a.at - b.at);
    this.time = this.waiters[0]!.at;
    const due = this.waiters.filter((w) => w.at <= this.time);
    this.waiters = this.waiters.filter((w) => w.at > this.time);
    for (const w of due) w.wake();
    return true;
  }
}

/**
 * Steps `clock` whenever a sleeper is waiting and `allowed()` says so, until `stop()` is called;
 * returns how many steps it took.
 */
export function lockstep(clock: ManualClock, allowed: (steps: number) => boolean): { stop(): Promise<number> } {
  let running = true;
  let steps = 0;
  const loop = (async () => {
    while (running) {
      await new Promise((resolve) => setImmediate(resolve));
      if (clock.pending > 0 && allowed(steps) && clock.step()) steps++;
    }
    return steps;
  })();
  return {
    stop: async () => {
      running = false;
      return loop;
    },
  };
}

/**
 * An emulator for checks of inbound policies alone: `inbound` runs, then a 200 is returned; `onError`
 * runs after base on failure. No backends. `subscription` turns on the built-in key check (header and
 * query `api-key`, accepted key "k"); `globalOnError` is a parent (global) scope's on-error.
 */
export function inboundEmulator(inbound: Statement[], onError: Statement[] = [], subscription = false, globalOnError?: Statement[]): PolicyEmulator {
  const doc: PolicyDocument = { inbound: [{ kind: "base" }, ...inbound, { kind: "return-response", status: { code: 200 }, headers: [] }], backend: [{ kind: "base" }], outbound: [{ kind: "base" }], onError: [{ kind: "base" }, ...onError] };
  return new PolicyEmulator({
    policyXml: renderPolicy(doc),
    backends: new BackendRegistry(new Map(), new Rng(1)),
    upstreams: new UpstreamDirectory(),
    namedValues: new Map(),
    clock: new VirtualClock(),
    rng: new Rng(1),
    apiPath: "openai",
    region: "local",
    ...(subscription ? { subscriptionKeys: { header: "api-key", query: "api-key", accepted: new Set(["k"]) } } : {}),
    ...(globalOnError ? { parentsXml: [renderPolicy({ inbound: [], backend: [{ kind: "forward-request" }], outbound: [], onError: globalOnError })] } : {}),
  });
}

/** The Entra tenant of the inbound token tests (tokens signed by the local identity, audience api://x). */
export const TEST_TENANT = "11111111-2222-3333-4444-555555555555";

/** An `Authorization` value: a local-identity token of TEST_TENANT for api://x with these claims (and client app). */
export function testBearer(claims: Record<string, unknown>, app?: string): string {
  return `Bearer ${entraToken(localIdentity(), { tenantId: TEST_TENANT, audience: "api://x", claims, ...(app ? { clientAppId: app } : {}) })}`;
}

/** validate-jwt of TEST_TENANT's v2.0 issuer for api://x, with these required claims. */
export function testValidateJwt(requiredClaims: RequiredClaim[]): Statement {
  return {
    kind: "validate-jwt",
    headerName: "Authorization",
    requireScheme: "Bearer",
    openidConfigUrls: [`https://login.microsoftonline.com/${TEST_TENANT}/v2.0/.well-known/openid-configuration`],
    audiences: ["api://x"],
    issuers: [`https://login.microsoftonline.com/${TEST_TENANT}/v2.0`],
    requiredClaims,
  };
}

/** The response to a chat completion with `headers` and body `{}`, from an anonymous caller. */
export async function inboundCall(e: PolicyEmulator, headers: Record<string, string>): Promise<SimResponse> {
  return (await e.handle({ request: { method: "POST", path: "/openai/deployments/chat/chat/completions", query: {}, headers, body: "{}" }, caller: { subscriptionId: "", userId: "", ip: "" } })).response;
}
