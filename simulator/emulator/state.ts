// Per-request state the pipeline mutates: the outgoing request, the chosen backend, the response,
// variables, LastError and the trace the runners report on.
import type { ContextProperty } from "../../gateway-policy/expr/ast";
import type { GatewayCall, RequestTrace } from "../gateway-types";
import type { SimRequest, SimResponse } from "../http-types";
import type { Rng } from "../rng";
import type { ExprEnv, PolicyValue } from "./expressions";

export interface LastError {
  source: string;
  reason: string;
  message: string;
  section: string;
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
  /** Memoised expression environment (envOf). */
  env?: ExprEnv;
}

export interface EnvDefaults {
  region: string;
  apiId: string;
  namedValues: ReadonlyMap<string, string>;
  rng: Rng;
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
    region: d.region,
    apiId: d.apiId,
    operationId: operationIdOf(original.path),
    get lastErrorReason() {
      return state.lastError?.reason ?? "";
    },
  } satisfies Record<ContextProperty, string>;
  const env: ExprEnv = {
    get requestHeaders() {
      return state.request.headers;
    },
    matchedParameters: deployment ? { "deployment-id": decodeURIComponent(deployment[1]!) } : {},
    variables: state.variables,
    context,
    get responseStatus() {
      return state.response ? state.response.status : null;
    },
    originalPath: original.path,
    namedValues: d.namedValues,
    rng: d.rng,
  };
  state.env = env;
  return env;
}
