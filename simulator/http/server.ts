// `npm run gateway`: a real HTTP server on 127.0.0.1 speaking the Azure OpenAI REST surface,
// running the stack's generated policy in the emulator on a real clock, in front of simulated
// deployments or real HTTP endpoints (backends file). Every request gets exactly one response.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { randomBytes } from "node:crypto";
import type { AddressInfo } from "node:net";
import { entraToken, localIdentity, type LocalIdentity } from "../auth/local-identity";
import { UpstreamDirectory } from "../azure/account";
import type { Fault } from "../azure/faults";
import { RealClock, type Clock } from "../clock";
import { BackendRegistry, type BackendEntity } from "../emulator/backends";
import { PolicyEmulator } from "../emulator/emulator";
import { decodeJwtClaims } from "../emulator/guards";
import type { CallerIdentity } from "../gateway-types";
import { lowerCaseHeaders, openAiError, type SimRequest, type SimResponse } from "../http-types";
import { Rng } from "../rng";
import type { SimSetup } from "../stack";
import { warmUpCalls } from "../emulator/warm-up";
import { buildWorld, type World } from "../world";
import type { LatencySpec } from "../azure/deployment";
import { HttpUpstream } from "./upstream";
import { INFERENCE_OPERATIONS } from "../../gateway-policy/operations";
import { writeSimResponse } from "./write";

export interface GatewayServerOptions {
  port?: number;
  seed?: number;
  /** Real endpoints per backend id (origin); absent = simulated deployments. */
  realBackends?: Map<string, string>;
  realBackendHeaders?: Record<string, string>;
  latency?: LatencySpec;
  completionTokens?: number;
  /** Clock for breakers, windows and latencies (default: the real clock). */
  clock?: Clock;
  /**
   * Subscription keys accepted when the stack's API requires them (`auth: { subscriptionKeys: true }`);
   * default: one random key, in `RunningGateway.subscriptionKeys`. Ignored for Entra stacks.
   */
  subscriptionKeys?: readonly string[];
  /** The key set standing in for Entra's (default: the process's local identity). */
  identity?: LocalIdentity;
}

export interface GatewayStats {
  received: number;
  answered: number;
  /** Responses produced by the last-resort handler (an emulator bug or unsupported input). */
  internalErrors: number;
}

export interface RunningGateway {
  url: string;
  server: Server;
  world: World | undefined;
  emulator: PolicyEmulator;
  stats: GatewayStats;
  /** Keys the gateway accepts (empty when the stack authenticates with Entra ID). */
  subscriptionKeys: readonly string[];
  /**
   * For Entra stacks: a token for the stack's tenant and first audience, carrying the first allowed
   * client app, required role and required scope (what the API's token check asks for), signed by
   * the gateway's local key set, valid for `ttlSeconds` (default 3600). Undefined for subscription-key stacks.
   */
  localToken?: (ttlSeconds?: number) => string;
  /**
   * Takes a simulated deployment down until `bringUp`: "unavailable" answers every request with 503
   * (a regional outage behind Azure's front end), "refused" refuses connections (the process is gone).
   */
  takeDown(deployment: string, region: string, mode?: "unavailable" | "refused"): void;
  bringUp(deployment: string, region: string): void;
  close(): Promise<void>;
}

/**
 * Request bodies above this are refused with 413 (APIM's own limits are far higher; this guards the
 * emulator). The body is still read to its end, so the client receives the 413 rather than a reset.
 */
export const MAX_BODY_BYTES = 16 * 1024 * 1024;
/** Past this much, a refused body is no longer drained: the 413 is sent and the connection closed. */
const MAX_DRAIN_BYTES = 256 * 1024 * 1024;

type BodyRead = { kind: "body"; text: string } | { kind: "too-large"; bytes: number; drained: boolean };

function readBody(req: IncomingMessage): Promise<BodyRead> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const settle = (read: BodyRead): void => {
      if (!settled) resolve(read);
      settled = true;
    };
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size <= MAX_BODY_BYTES) chunks.push(c);
      else if (chunks.length > 0) chunks.length = 0; // drop what was buffered; keep reading to the end
      if (size > MAX_DRAIN_BYTES) {
        req.pause();
        settle({ kind: "too-large", bytes: size, drained: false });
      }
    });
    req.on("end", () => settle(size > MAX_BODY_BYTES ? { kind: "too-large", bytes: size, drained: true } : { kind: "body", text: Buffer.concat(chunks).toString("utf8") }));
    req.on("error", (error) => {
      if (!settled) reject(error);
      settled = true;
    });
  });
}

/** Who is calling: the subscription key (api-key / Ocp-Apim-Subscription-Key) or the token's oid. */
export function callerOf(headers: Record<string, string>, ip: string): CallerIdentity {
  const key = headers["api-key"] ?? headers["ocp-apim-subscription-key"] ?? "";
  const bearer = /^Bearer\s+(.+)$/i.exec(headers["authorization"] ?? "")?.[1];
  const claims = bearer ? decodeJwtClaims(bearer) : undefined;
  return { subscriptionId: key ? `sub-${key}` : "", userId: claims?.oid ?? "", ip };
}

export async function startGateway(setup: SimSetup, options: GatewayServerOptions = {}): Promise<RunningGateway> {
  const clock = options.clock ?? new RealClock();
  const rng = new Rng(options.seed ?? 1);
  const downFaults = new Map<string, Fault>();
  let world: World | undefined;
  let registry: BackendRegistry;
  let directory: UpstreamDirectory;
  if (options.realBackends) {
    directory = new UpstreamDirectory();
    const entities = new Map<string, BackendEntity>();
    for (const b of setup.backends) {
      const origin = options.realBackends.get(b.backendId);
      // Deployments no pool routes to need no endpoint; selecting one would fail loudly anyway.
      if (origin === undefined) continue;
      directory.set(origin, new HttpUpstream(origin, options.realBackendHeaders ?? {}));
      const url = b.family === "account" ? `${origin}/openai` : `${origin}/openai/deployments/${encodeURIComponent(b.deployment)}`;
      entities.set(b.backendId, { type: "Single", url, ...(setup.breaker ? { circuitBreaker: setup.breaker } : {}) });
    }
    for (const p of setup.pools) entities.set(p.poolId, { type: "Pool", members: p.members.map((m) => ({ id: m.backendId, priority: m.priority, weight: m.weight })) });
    registry = new BackendRegistry(entities, rng.fork("pool-choice"));
  } else {
    world = buildWorld({
      backends: setup.backends,
      pools: setup.pools,
      ...(setup.breaker ? { breaker: setup.breaker } : {}),
      clock,
      rng: rng.fork("world"),
      // A person talking to the local gateway sees each model's documented pacing unless told otherwise.
      latency: options.latency ?? "paced",
      ...(options.completionTokens !== undefined ? { completionTokens: options.completionTokens } : {}),
    });
    registry = world.registry;
    directory = world.directory;
  }
  const identity = options.identity ?? localIdentity();
  const auth = setup.auth;
  const keys = auth?.kind === "subscription-keys" ? [...(options.subscriptionKeys ?? [randomBytes(16).toString("hex")])] : [];
  const emulator = new PolicyEmulator({
    policyXml: setup.policyXml,
    siblingApis: setup.siblingApis,
    backends: registry,
    upstreams: directory,
    namedValues: setup.namedValues,
    clock,
    rng: rng.fork("gateway"),
    apiPath: "openai",
    region: "local",
    operations: INFERENCE_OPERATIONS,
    jwks: identity.jwks,
    ...(auth?.kind === "subscription-keys" ? { subscriptionKeys: { header: auth.header, query: auth.query, accepted: new Set(keys) } } : {}),
  });
  await emulator.warmUp(warmUpCalls(setup));
  const stats: GatewayStats = { received: 0, answered: 0, internalErrors: 0 };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    stats.received++;
    let answered = false;
    const answer = async (response: SimResponse): Promise<void> => {
      if (answered) return;
      answered = true;
      stats.answered++;
      await writeSimResponse(res, response);
    };
    try {
      const url = new URL(req.url ?? "/", "http://127.0.0.1");
      const headers = lowerCaseHeaders(req.headers);
      const read = await readBody(req);
      if (read.kind === "too-large") {
        if (!read.drained) res.once("finish", () => req.destroy());
        await answer(openAiError(413, "RequestEntityTooLarge", `The request body is ${read.drained ? "" : "more than "}${read.bytes} bytes; this gateway accepts at most ${MAX_BODY_BYTES} bytes (16 MiB).`, read.drained ? {} : { connection: "close" }));
        return;
      }
      const request: SimRequest = { method: req.method ?? "GET", path: url.pathname, query: Object.fromEntries(url.searchParams), headers, body: read.text };
      const { response } = await emulator.handle({ request, caller: callerOf(headers, req.socket.remoteAddress ?? "127.0.0.1") });
      await answer(response);
    } catch (error) {
      if (answered) return;
      if (req.destroyed && !req.complete) return; // the client went away mid-body: nobody to answer
      stats.internalErrors++;
      await answer(openAiError(500, "InternalServerError", `Emulator error: ${(error as Error).message}`));
    }
  };

  const server = createServer((req, res) => void handle(req, res));
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const findDeployment = (deployment: string, region: string) => {
    const d = world?.deployments.find((x) => x.spec.deployment === deployment && x.spec.region === region);
    if (!d) throw new Error(`No simulated deployment ${deployment} in ${region}${world ? "" : " (the gateway fronts real backends)"}.`);
    return d;
  };
  return {
    url: `http://127.0.0.1:${port}`,
    server,
    world,
    emulator,
    stats,
    subscriptionKeys: keys,
    ...(auth?.kind === "entra"
      ? {
          localToken: (ttlSeconds = 3600) =>
            entraToken(identity, { tenantId: auth.tenantId, audience: auth.audience, ttlSeconds, claims: { ...auth.claims } }),
        }
      : {}),
    takeDown(deployment, region, mode = "unavailable") {
      const d = findDeployment(deployment, region);
      const fault: Fault = mode === "refused" ? { kind: "outage" } : { kind: "errors", rate: 1, status: 503 };
      downFaults.set(`${deployment}@${region}`, fault);
      d.faults.add({ fromMs: 0, toMs: Number.POSITIVE_INFINITY, fault });
    },
    bringUp(deployment, region) {
      const d = findDeployment(deployment, region);
      const fault = downFaults.get(`${deployment}@${region}`);
      if (fault) d.faults.remove(fault);
      downFaults.delete(`${deployment}@${region}`);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
