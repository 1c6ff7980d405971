// Inputs and outputs of the routing strategies. Inputs map 1:1 from `aoai-fleet:gateway` (issue 5) plus
// the fleet's backend inventory; outputs are the policy AST and the APIM entities it assumes.
import type { PolicyDocument } from "../ast";
import type { BreakerSpec } from "./exhaustion";
import type { AvoidSlowSpec } from "./latency";
import type { SpillSpec } from "./spill";

/** One entry of `routes.<name>.backends`. */
export interface RouteBackendSpec {
  /** Fleet deployment name; must exist in the inventory. */
  deployment: string;
  /** Priority tier, 0–100, lower is preferred. Defaults to the entry's position (1, 2, …) for `priority`, 1 for `weighted`. */
  priority?: number;
  /** Relative weight within the tier, 1–100. Defaults to the deployment's capacity share. */
  weight?: number;
}

/** `routes.<name>.canary`. */
export interface CanarySpec {
  /** Fleet deployment receiving canary traffic. */
  deployment: string;
  /** Initial canary share 0–100; at runtime read from the named value `<route>-canary-percent`. */
  percent: number;
  /** Keep one caller (token `oid`, else subscription) on one side via a hash bucket. Defaults to false (random per request). */
  sticky?: boolean;
  /** Let stable traffic fail over into the canary's backends as a last tier. Defaults to false. */
  failover?: boolean;
}

/** `routes.<name>.blueGreen`. */
export interface BlueGreenSpec {
  /** Deployment of the blue slot. */
  blue: string;
  /** Deployment of the green slot. */
  green: string;
  /** Initial active slot; at runtime read from the named value `<route>-active-slot`. */
  active: "blue" | "green";
}

/** `routes.<name>.abTest`. */
export interface AbTestSpec {
  /** Experiment id, part of the hash input `id + ":" + userId`. */
  id: string;
  /** Variant name → deployment and percent; percents sum to 100. */
  variants: Record<string, { deployment: string; percent: number }>;
}

/** `routes.<name>.shadow`. */
export interface ShadowSpec {
  /** Deployment receiving fire-and-forget copies (through its own pool and breakers, via the shadow relay API). */
  deployment: string;
  /** Sampled share of requests copied, 0–100. */
  percent: number;
  /** Tokens per minute the route's shadow copies may use; above it copies are skipped and counted. Default: no budget. */
  maxTokensPerMinute?: number;
  /** Allow a shadow deployment that also serves this route's production pools (shares their capacity). Default false. */
  allowProductionDeployment?: boolean;
}

/**
 * `routes.<name>.routing`: mechanisms on top of APIM's own pool choice, each off when absent here
 * (the stack config's defaults turn them on: stacks/config/gateway-routing.ts).
 */
export interface RoutingSpec {
  /**
   * When every member of the chosen pool is busy (each breaker open), wait for the earliest
   * reopening, up to this many seconds in total per request, instead of answering 429 at once
   * (wait.ts). 0 or absent: no waiting. Needs the edge's circuit breaker (its reopening records).
   */
  waitBudgetSeconds?: number;
  /**
   * Avoid a slow-but-alive member of the stable pool: measured response times, and a twin pool with
   * the slow member last among its peers (latency.ts). Absent: off.
   */
  avoidSlow?: AvoidSlowSpec;
  /**
   * PTU-first with size-aware spillover: while the first tier is out (and a hold after), large
   * prompts take a twin pool with the first two tiers swapped (spill.ts). Absent: off.
   */
  spill?: SpillSpec;
  /**
   * Refuse (429, `x-should-retry: false`) a request whose token estimate is above every member's
   * tokens per minute instead of forwarding it (oversize.ts). Absent or false: off.
   */
  refuseOversized?: boolean;
}

/** One `routes.<name>` entry. */
export interface RouteSpec {
  /** Route key = the deployment name clients put in `/openai/deployments/<name>/…`. */
  name: string;
  /** `priority` failover tiers or `weighted` active-active. */
  strategy: "priority" | "weighted";
  /** Stable backends of the route. */
  backends: RouteBackendSpec[];
  canary?: CanarySpec;
  blueGreen?: BlueGreenSpec;
  abTest?: AbTestSpec;
  shadow?: ShadowSpec;
  /** Retries after the first attempt, 1–50. Defaults to (largest pool's members − 1), at least 1. */
  retryCount?: number;
  /** Seconds to wait for response headers per attempt (for streams: the first byte). Defaults to 240. */
  timeoutSeconds?: number;
  /** Routing mechanisms (wait within a budget, …); absent = none. */
  routing?: RoutingSpec;
}

/** `auth.entra`: which Microsoft Entra tokens the gateway accepts. */
export interface EntraAuthSpec {
  tenantId: string;
  /** Accepted `aud` values: the App ID URI (`api://…`, v1 tokens) and/or the API's client id GUID (v2 tokens). */
  audiences: string[];
  /** Only tokens issued to these client apps (`azp` / `appid`); switches validation to validate-azure-ad-token. */
  clientApplicationIds?: string[];
  /** The token must carry at least one of these app roles (`roles`) and at least one of these scopes (`scp`). */
  requiredClaims?: { roles?: string[]; scopes?: string[] };
}

/** Who may send the traffic-steering headers (`x-aoai-canary`, `x-aoai-slot`, `x-aoai-variant`). */
export interface OverridesSpec {
  /** Entra client app ids (`azp` / `appid`). */
  clientApplicationIds?: string[];
  /** Entra app roles (`roles`). */
  roles?: string[];
  /** APIM subscription ids (`context.Subscription.Id`). */
  subscriptionIds?: string[];
}

export type TokenQuotaPeriod = "Hourly" | "Daily" | "Weekly" | "Monthly" | "Yearly";

/** Per-consumer token limits (`azure-openai-token-limit`). */
export interface TokenLimitSpec {
  /** Tokens per minute per consumer (429 + Retry-After above it). */
  tokensPerMinute?: number;
  /** Whose bucket: the APIM subscription, the Entra user/app (`oid`, else `azp`/`appid`), or the client IP. */
  counterKey: "subscription" | "user" | "ip";
  /** Tokens per `tokenQuotaPeriod` per consumer (403 above it). */
  tokenQuota?: number;
  tokenQuotaPeriod?: TokenQuotaPeriod;
}

/** Debugging response headers; everything is hidden unless turned on. */
export interface ExposeSpec {
  /** Keep Azure OpenAI's `x-ms-region` (the region of the member that served). */
  region?: boolean;
  /** Add `x-aoai-route`, `x-aoai-target` (and `x-aoai-variant` with A/B). */
  target?: boolean;
}

/** Edge settings shared by every route (`auth`, `limits`, metrics). */
export interface EdgeSpec {
  /**
   * The circuit-breaker rule every Single backend carries (as deployed). With it the policy keeps the
   * per-backend reopening times that make the exhaustion answer (429 + Retry-After); without it pools
   * never trip and there is nothing to keep.
   */
  circuitBreaker?: BreakerSpec;
  /**
   * Whether the policy serves the Responses API (affinity to stored responses, account twins).
   * Absent: served. `{ served: false, reason }` answers every Responses call 400 with the reason
   * (e.g. the Consumption tier's 16 KiB policy limit).
   */
  responsesApi?: { served: false; reason: string };
  /**
   * Whether a body `model` that is not text (`model: 5`) gets Azure's 400 invalid_type. Absent: it
   * does. `false` (the Consumption tier, whose 16 KiB must hold three plain routes) leaves the check
   * out, and such a model gets the 404 its text form gets.
   */
  modelTypeCheck?: false;
  /** Entra token validation or APIM subscription keys. */
  auth?: { entra: EntraAuthSpec } | { subscriptionKeys: true };
  /** Per-consumer token limit and quota. */
  limits?: TokenLimitSpec;
  /** Traffic-steering overrides; absent = nobody may steer. */
  overrides?: OverridesSpec;
  /** Opt-in debugging headers. */
  expose?: ExposeSpec;
  /** Token metrics; dimensions beyond the built-in ones (API ID, Subscription ID, Route, Target[, Variant]). */
  metrics?: { namespace?: string; extraDimensions?: Array<{ name: string; header: string }> };
  /** Default `api-version` query parameter when the client sends none. Defaults to "2024-10-21". */
  defaultApiVersion?: string;
}

/** One APIM backend: one deployment in one region. */
export interface InventoryBackend {
  /** APIM backend entity id (name), e.g. `chat-eastus2`. */
  backendId: string;
  /** Fleet deployment name (also the Azure OpenAI deployment name in that account). */
  deployment: string;
  region: string;
  /** Provisioned capacity units; weights are proportional to it. */
  capacity: number;
  /**
   * The deployment's model answers embeddings (the catalog's `embeddings` family), not chat-style
   * calls. A route is one kind only (the fleet check refuses mixes), so an embeddings route never
   * serves the Responses API: it gets no account twins or `-resp` pools, and its Responses creates
   * are refused (responses-refusals.ts).
   */
  embeddings: boolean;
  /** Tokens per minute the deployment allows. */
  tpm: number;
  /**
   * A provisioned (PTU) deployment: its tokens per minute are a throughput, not a cap on one request
   * (it admits a request of any size while its utilisation is under 100%).
   */
  provisioned?: boolean;
  /**
   * Account endpoint `https://<subdomain>.openai.azure.com/openai`: shadow targets, the Responses
   * API's account backends and response-id lookups, and the exhaustion records' backend identity.
   */
  url?: string;
}

export interface BackendInventory {
  backends: InventoryBackend[];
}

/** A load-balanced pool the policy references; the gateway component creates exactly these. */
export interface PoolDefinition {
  /** APIM backend id of the pool, `<route>-<side>` (e.g. `chat-stable`, `chat-canary`, `chat-ab-b`). */
  poolId: string;
  route: string;
  /** What the pool serves: stable, canary, blue, green, ab-<variant>. */
  side: string;
  /** Members with APIM priority (0–100, lower first) and weight (1–100, ∝ capacity within a priority). */
  members: Array<{ backendId: string; deployment: string; region: string; priority: number; weight: number }>;
  /**
   * `deployment` (default): members are deployment-path Singles (`…/openai/deployments/<d>`), for chat
   * completions, completions and embeddings; `account`: members are account-level Singles
   * (`…/openai`), for the Responses API, whose body names the deployment.
   */
  family?: "deployment" | "account";
}

/** A named value the policy reads at runtime; create it with `value` as the initial value. */
export interface NamedValueDefinition {
  name: string;
  value: string;
  /** Allowed values, for the component and rollout tooling to validate updates. */
  allowed: string;
  description: string;
}

/** A `Single` backend only shadow traffic uses: same URL as `of`, its own breaker state. */
export interface ShadowBackendDefinition {
  backendId: string;
  /** The inventory backend (same deployment and region) whose URL it shares. */
  of: string;
  deployment: string;
  region: string;
}

/** The shadow relay API: where shadow copies land and are forwarded through their own pools. */
export interface ShadowRelayResult {
  /** Policy of the relay API (`openai-shadow`). */
  document: PolicyDocument;
  /** `<route>-shadow` pools, one per route with a shadow. */
  pools: PoolDefinition[];
  backends: ShadowBackendDefinition[];
}

/** Config that deploys but deserves a look: where (`aoai-fleet:gateway.routes.chat`) and why. */
export interface PolicyWarning {
  path: string;
  message: string;
}

export interface StrategyResult {
  document: PolicyDocument;
  /** `document` rendered (renderPolicy): what the size check measured and what gets deployed. */
  xml: string;
  pools: PoolDefinition[];
  namedValues: NamedValueDefinition[];
  /** Present when a route has a shadow. */
  shadow?: ShadowRelayResult;
  /** Non-fatal notes (e.g. policy above 64 KiB), each with the config path it is about. */
  warnings: PolicyWarning[];
}
