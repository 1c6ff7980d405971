// Per-request state the pipeline mutates: the outgoing request, the chosen backend, the response,
// variables, LastError and the trace the runners report on.
import type { ContextProperty } from "../../gateway-policy/expr/ast";
import type { GatewayCall, RequestTrace } from "../gateway-types";
import { completeBody, type SimRequest, type SimResponse } from "../http-types";
import type { Rng } from "../rng";
import type { ExprEnv, PolicyValue } from "./expressions";

export interface LastError {
  source: string;
  reason: string;
  message: string;
  section: string;
  /** The `id` attribute of the policy that failed, when it has one. */
  policyId?: string;
}

export interface RequestState {
  call: GatewayCall;
  /** The request as it will be forwarded (headers/query/path changed by inbound policies). */
  request: SimRequest;
  /** Path below the API suffix that is appended to the backend URL (e.g. `/deployments/chat/chat/completions`). */
  operationPath: string;
  backend: { kind: "id"; id: string } | { kind: "url"; url: string } | undefined;
  response: SimResponse | null;
  variables: Map<string, PolicyValue>;
  lastError: LastError | undefined;
  /** Host of the last forwarded URL (context.Request.Url.Host after forward-request). */
  backendHost: string;
  /** The last forwarded URL (context.Request.Url after forward-request). */
  forwardedUrl?: URL;
  section: string;
  trace: RequestTrace;
  /** Set by return-response and by throttling policies: the pipeline ends with this response. */
  ended: boolean;
  /** Forward attempts so far inside the current retry (for body replay). */
  forwardsInRetry: number;
  inRetry: boolean;
  /** Work done once the response has passed outbound (token-limit settlement, rate-limit increments). */
  afterResponse: Array<() => void>;
  /** Work done when a streamed answer has fully passed, with its estimated completion tokens. */
  onStreamEnd: Array<(completionTokens: number) => void>;
  /** The failing policy's own answer, used when on-error does not answer. */
  pendingErrorResponse: SimResponse | undefined;
  requestId: string;
  /** The matched API operation's id (context.Operation.Id); absent when none was matched. */
  operationId?: string;
  /** URL template parameters of the matched operation (context.Request.MatchedParameters). */
  matchedParameters?: Record<string, string>;
  /** Memoised expression environment (envOf). */
  env?: ExprEnv;
}

export interface EnvDefaults {
  region: string;
  apiId: string;
  namedValues: ReadonlyMap<string, string>;
  rng: Rng;
  nowMs: () => number;
}

/** The port of a URL as C#'s Uri.Port gives it (the scheme's default when the URL has none). */
export function portOf(url: URL): string {
  return url.port !== "" ? url.port : url.protocol === "https:" ? "443" : "80";
}

const OPERATION_IDS: Record<string, string> = {
  "chat/completions": "ChatCompletions_Create",
  completions: "Completions_Create",
  embeddings: "Embeddings_Create",
  responses: "Create_Response",
};

export function operationIdOf(path: string): string {
  const m = /\/deployments\/[^/]+\/(.+)$/.exec(path);
  return (m && OPERATION_IDS[m[1]!]) ?? "unknown";
}

/**
 * The expression environment of one request, built once and read live: the fields that policies
 * change along the way (request headers, response, backend host, LastError) are getters.
 */
export function envOf(state: RequestState, d: EnvDefaults): ExprEnv {
  if (state.env) return state.env;
  const original = state.call.request;
  const deployment = /\/deployments\/([^/]+)/.exec(original.path);
  const query = new URLSearchParams(original.query).toString();
  const context = {
    requestId: state.requestId,
    subscriptionId: state.call.caller.subscriptionId,
    userId: state.call.caller.userId,
    ipAddress: state.call.caller.ip,
    get backendHost() {
      return state.backendHost;
    },
    originalQueryString: query ? `?${query}` : "",
    get queryString() {
      const current = new URLSearchParams(state.request.query).toString();
      return current ? `?${current}` : "";
    },
    region: d.region,
    apiId: d.apiId,
    get operationId() {
      return state.operationId ?? operationIdOf(original.path);
    },
    get lastErrorReason() {
      return state.lastError?.reason ?? "";
    },
    get lastErrorMessage() {
      return state.lastError?.message ?? "";
    },
    get lastErrorSource() {
      return state.lastError?.source ?? "";
    },
    get lastErrorPolicyId() {
      return state.lastError?.policyId ?? "";
    },
    get backendPort() {
      return state.forwardedUrl ? portOf(state.forwardedUrl) : "";
    },
  } satisfies Record<ContextProperty, string>;
  const env: ExprEnv = {
    get requestHeaders() {
      return state.request.headers;
    },
    matchedParameters: state.matchedParameters ?? (deployment ? { "deployment-id": decodeURIComponent(deployment[1]!) } : {}),
    variables: state.variables,
    context,
    get responseStatus() {
      return state.response ? state.response.status : null;
    },
    get responseHeaders() {
      return state.response ? state.response.headers : null;
    },
    originalPath: original.path,
    namedValues: d.namedValues,
    rng: d.rng,
    get requestBody() {
      return state.request.body;
    },
    get responseBody() {
      return state.response ? completeBody(state.response.body) : "";
    },
    get forwardedPath() {
      return state.forwardedUrl?.pathname ?? "";
    },
    nowMs: d.nowMs,
  };
  state.env = env;
  return env;
}
