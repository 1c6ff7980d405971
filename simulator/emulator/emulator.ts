// The policy emulator: runs a parsed APIM policy document (gateway-policy AST) against backends
// with APIM's section flow — inbound → backend → outbound, errors jump to on-error, return-response
// ends the pipeline — and answers every request exactly once.
import type { JSONWebKeySet } from "jose";
import type { PolicyDocument, Statement } from "../../gateway-policy/ast";
import { DOTNET_MS_AT_UNIX_EPOCH, unixMsOf, type Clock } from "../clock";
import type { GatewayCall, GatewayResult } from "../gateway-types";
import { warmUp } from "./warm-up";
import type { Rng } from "../rng";
import type { UpstreamDirectory } from "../azure/account";
import type { BackendRegistry } from "./backends";
import { PolicyRuntimeError, gatewayError } from "./errors";
import { runStatements, type Machine } from "./statements";
import { envOf, type EnvDefaults, type RequestState } from "./state";
import type { ExprEnv } from "./expressions";
import { QuotaCounters, SlidingCounters, TokenCounters, VolatileCache } from "./stores";
import type { CustomMetric, UpstreamResolver } from "./statements";
import type { SimRequest, SimResponse, Upstream } from "../http-types";
import { loadPolicyXml } from "./load";
import { checkSupported } from "./support";
import { checkSubscriptionKey, type SubscriptionKeyCheck } from "./subscription";
import { isChunked } from "../http-types";
import { estimateWhileStreaming } from "./stream-usage";
import { OperationMatcher, operationNotFound, type OperationTemplate } from "./operations";

/** The global scope's default document: every section is empty except backend's forward-request. */
export const DEFAULT_GLOBAL_POLICY: PolicyDocument = { inbound: [], backend: [{ kind: "forward-request" }], outbound: [], onError: [] };

export interface EmulatorOptions {
  /** The API-scope policy XML, exactly as it ships. */
  policyXml: string;
  /** Broader scopes' policy XML, broadest first (global, product); `<base/>` splices the next one in. */
  parentsXml?: string[];
  backends: BackendRegistry;
  upstreams: UpstreamDirectory;
  namedValues: ReadonlyMap<string, string>;
  clock: Clock;
  rng: Rng;
  /** API URL suffix (`openai`): the part of the client path not appended to backend URLs. */
  apiPath: string;
  /** Gateway region (context.Deployment.Region). */
  region: string;
  apiId?: string;
  /**
   * The key set validate-jwt / validate-azure-ad-token verify signatures against, standing in for
   * every `openid-config` URL (no Entra offline). Default: the process's local identity
   * (`simulator/auth/local-identity.ts`), which signs the simulator's and `npm run gateway`'s tokens.
   */
  jwks?: JSONWebKeySet;
  /** The API's subscription-key requirement (`subscriptionRequired`), checked before inbound; absent: none. */
  subscriptionKeys?: SubscriptionKeyCheck;
  /**
   * The API's operations: a request matching none is answered 404 by APIM before any policy runs.
   * Absent: every path reaches the policy (unit tests of single policies).
   */
  operations?: readonly OperationTemplate[];
  /**
   * Other APIs of the same gateway (e.g. the shadow relay), each with its own policy. A request the
   * policy sends to `gatewayOrigin` + `/<apiPath>/…` is handled by that API's emulator, which shares
   * this gateway's backends, breakers, counters and metrics, as APIM's scopes share them.
   */
  siblingApis?: ReadonlyArray<{ apiPath: string; policyXml: string }>;
  /** The gateway's own origin (what `{{aoai-shadow-relay-url}}` points at); default EMULATED_GATEWAY_ORIGIN. */
  gatewayOrigin?: string;
}

/** Origin of the emulated gateway itself, for requests a policy sends back to the gateway. */
export const EMULATED_GATEWAY_ORIGIN = "https://apim.emulator.invalid";

/** Gateway-instance state every API of one gateway shares (counters are per key across scopes in APIM). */
interface SharedState {
  cache: VolatileCache;
  tokenCounters: TokenCounters;
  quotaCounters: QuotaCounters;
  rateCounters: SlidingCounters;
  metrics: Array<Record<string, string>>;
  customMetrics: CustomMetric[];
}

export class PolicyEmulator implements Machine {
  readonly cache: VolatileCache;
  readonly tokenCounters: TokenCounters;
  readonly quotaCounters: QuotaCounters;
  readonly rateCounters: SlidingCounters;
  private requestCounter = 0;
  /** Dimensions of every token metric emitted (azure-openai-emit-token-metric), for reports. */
  readonly metrics: Array<Record<string, string>>;
  /** Every emit-metric data point (e.g. ignored steering overrides, skipped shadow copies). */
  readonly customMetrics: CustomMetric[];
  /** Answers of this API by status code (APIM's Requests metric by GatewayResponseCode). */
  readonly answeredByStatus = new Map<number, number>();
  readonly upstreams: UpstreamResolver;

  private readonly policy: PolicyDocument;
  private readonly parents: PolicyDocument[];
  private readonly operations: OperationMatcher | undefined;
  /** Each section's statements with every <base/> spliced, computed once (the documents never change). */
  private readonly sections = new Map<keyof PolicyDocument, Statement[]>();
  private readonly siblings = new Map<string, PolicyEmulator>();

  constructor(readonly options: EmulatorOptions, shared?: SharedState) {
    this.envDefaults = { region: options.region, apiId: options.apiId ?? "azure-openai", namedValues: options.namedValues, rng: options.rng, nowMs: () => DOTNET_MS_AT_UNIX_EPOCH + unixMsOf(options.clock) };
    this.policy = loadPolicyXml(options.policyXml, options.namedValues);
    this.parents = (options.parentsXml ?? []).map((xml) => loadPolicyXml(xml, options.namedValues));
    for (const doc of [...this.parents, this.policy]) checkSupported(doc, options.namedValues);
    this.operations = options.operations ? new OperationMatcher(options.operations) : undefined;
    const state = shared ?? { cache: new VolatileCache(), tokenCounters: new TokenCounters(), quotaCounters: new QuotaCounters(), rateCounters: new SlidingCounters(), metrics: [], customMetrics: [] };
    ({ cache: this.cache, tokenCounters: this.tokenCounters, quotaCounters: this.quotaCounters, rateCounters: this.rateCounters, metrics: this.metrics, customMetrics: this.customMetrics } = state);
    for (const api of options.siblingApis ?? []) {
      // A sibling API has its own subscription requirement (the shadow relay's key is not emulated).
      const { siblingApis: _none, subscriptionKeys: _own, ...rest } = options;
      this.siblings.set(api.apiPath.replace(/^\/|\/$/g, ""), new PolicyEmulator({ ...rest, policyXml: api.policyXml, apiPath: api.apiPath, apiId: api.apiPath }, state));
    }
    const origin = (options.gatewayOrigin ?? EMULATED_GATEWAY_ORIGIN).toLowerCase();
    this.upstreams = {
      resolve: (url) => {
        if (url.origin.toLowerCase() === origin) {
          const sibling = this.siblings.get(url.pathname.split("/")[1] ?? "");
          if (sibling) return sibling.asUpstream();
        }
        return options.upstreams.resolve(url);
      },
    };
  }

  /** Another API of this gateway (e.g. `openai-shadow`), for inspection. */
  sibling(apiPath: string): PolicyEmulator | undefined {
    return this.siblings.get(apiPath);
  }

  /** This API as an upstream: what a policy of the same gateway reaches by calling the gateway's URL. */
  private asUpstream(): Upstream {
    return {
      send: async (request: SimRequest): Promise<SimResponse> => {
        const { response } = await this.handle({ request, caller: { subscriptionId: "", userId: "", ip: "127.0.0.1" } });
        return response;
      },
    };
  }

  get clock(): Clock {
    return this.options.clock;
  }

  /** The global scope's on-error alone (the first of parentsXml), for errors raised before the API is entered. */
  private globalOnError(): Statement[] {
    const global = this.parents[0];
    return (global?.onError ?? DEFAULT_GLOBAL_POLICY.onError).filter((s) => s.kind !== "base");
  }

  /** The effective statements of one section: `<base/>` replaced by the parent scope's section. */
  effective(section: keyof PolicyDocument): Statement[] {
    const cached = this.sections.get(section);
    if (cached) return cached;
    const scopes = [DEFAULT_GLOBAL_POLICY, ...this.parents, this.policy];
    let inherited: Statement[] = [];
    for (const scope of scopes) {
      const own = scope[section];
      inherited = own.flatMap((s) => (s.kind === "base" ? inherited : [s]));
    }
    this.sections.set(section, inherited);
    return inherited;
  }

  /** What every request's expression environment shares, built once (env() runs per expression). */
  private readonly envDefaults: EnvDefaults;

  env(state: RequestState): ExprEnv {
    return state.env ?? envOf(state, this.envDefaults);
  }

  async handle(call: GatewayCall): Promise<GatewayResult> {
    const apiPrefix = `/${this.options.apiPath.replace(/^\/|\/$/g, "")}`;
    const path = call.request.path;
    const below = path.startsWith(apiPrefix) ? path.slice(apiPrefix.length) : path;
    const operation = this.operations?.match(call.request.method, below);
    if (this.operations && !operation) {
      this.answeredByStatus.set(404, (this.answeredByStatus.get(404) ?? 0) + 1);
      return { response: operationNotFound(), trace: { requestId: "", attempts: [], forwards: 0, sent: [], gatewayGenerated: true, oneWay: [], logs: [], variables: {} } };
    }
    const state: RequestState = {
      call,
      request: { ...call.request, headers: { ...call.request.headers }, query: { ...call.request.query } },
      operationPath: below,
      backend: undefined,
      response: null,
      variables: new Map(),
      lastError: undefined,
      backendHost: "",
      section: "inbound",
      trace: { requestId: "", attempts: [], forwards: 0, sent: [], gatewayGenerated: false, oneWay: [], logs: [], variables: {} },
      ended: false,
      forwardsInRetry: 0,
      inRetry: false,
      afterResponse: [],
      onStreamEnd: [],
      pendingErrorResponse: undefined,
      requestId: `00000000-0000-4000-8000-${(++this.requestCounter).toString(16).padStart(12, "0")}`,
      ...(operation ? { operationId: operation.id, matchedParameters: operation.parameters } : {}),
    };
    // APIM's built-in subscription check runs before any policy. Its failure is a built-in step's
    // error (LastError Source `authorization`); it reaches the global scope's on-error only — the API
    // (and product) policies never run for it, so the client gets APIM's own 401 unless a global
    // on-error reshapes it (docs/simulator.md, "Authentication, as APIM does it").
    const denied = this.options.subscriptionKeys ? checkSubscriptionKey(this.options.subscriptionKeys, state.request) : undefined;
    if (denied) {
      state.lastError = { source: denied.source, reason: denied.reason, message: denied.message, section: "inbound" };
      state.pendingErrorResponse = denied.response;
      // As for a policy's own failure: on-error sees APIM's 401 as context.Response.
      state.response = denied.response;
    }
    let failed = denied !== undefined;
    for (const [section, key] of denied ? [] : ([["inbound", "inbound"], ["backend", "backend"], ["outbound", "outbound"]] as const)) {
      state.section = section;
      try {
        await runStatements(this, state, this.effective(key));
      } catch (error) {
        if (!(error instanceof PolicyRuntimeError)) throw error;
        state.lastError = { source: error.source, reason: error.reason, message: error.message, section, ...(error.policyId !== undefined ? { policyId: error.policyId } : {}) };
        state.pendingErrorResponse = error.response;
        // The gateway's own answer to the failure is what on-error sees as context.Response
        // (e.g. an exhausted pool's 503, a rejected token's 401).
        if (error.response) state.response = error.response;
        failed = true;
        break;
      }
      if (state.ended) break;
      if (section === "outbound") for (const hook of state.afterResponse) hook();
    }
    if (failed) await this.runOnError(state, denied !== undefined);
    if (!state.response) {
      // Nothing answered (e.g. no forward-request ran): APIM returns an empty 200.
      state.response = { status: 200, headers: {}, body: "" };
    }
    const streamed = state.response.body;
    if (isChunked(streamed) && state.onStreamEnd.length > 0) {
      const hooks = state.onStreamEnd;
      state.response = { ...state.response, body: estimateWhileStreaming(streamed, (n) => hooks.forEach((hook) => hook(n))) };
    }
    for (const [k, v] of state.variables) if (typeof v !== "object" || v === null) state.trace.variables[k] = String(v);
    state.trace.requestId = state.requestId;
    this.answeredByStatus.set(state.response.status, (this.answeredByStatus.get(state.response.status) ?? 0) + 1);
    return { response: state.response, trace: state.trace };
  }

  private async runOnError(state: RequestState, globalOnly = false): Promise<void> {
    state.section = "on-error";
    const err = state.lastError!;
    try {
      await runStatements(this, state, globalOnly ? this.globalOnError() : this.effective("onError"));
    } catch (error) {
      if (!(error instanceof PolicyRuntimeError)) throw error;
      state.lastError = { source: error.source, reason: error.reason, message: error.message, section: "on-error" };
    }
    if (state.ended) return;
    // Without a response from on-error the gateway answers itself: with the failing policy's own
    // answer (an exhausted pool's 503, a token validation's 401), a 504 for a timeout, else a 500.
    state.response = state.pendingErrorResponse ?? gatewayError(err.reason === "Timeout" ? 504 : 500, err.reason, err.message);
    state.trace.gatewayGenerated = true;
  }

  /**
   * Runs sample calls through a throwaway twin (warm-up.ts) so the first real request is not the one
   * that pays for compiling the emulator's code; this emulator's own state is not touched.
   */
  warmUp(calls: readonly GatewayCall[]): Promise<void> {
    return warmUp(this.options, (o) => new PolicyEmulator(o), calls);
  }

  nextRng(): Rng {
    return this.options.rng;
  }
}
