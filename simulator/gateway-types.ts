// What a gateway (the policy emulator, or a baseline) is to the runners: a function from a client
// request to exactly one response, plus a trace of what it did on the way.
import type { SimRequest, SimResponse } from "./http-types";

export interface CallerIdentity {
  /** APIM subscription id the caller's key belongs to. */
  subscriptionId: string;
  /** Entra object id (`oid`) of the caller, when it authenticates with a token. */
  userId: string;
  /** Client IP address. */
  ip: string;
}

export interface GatewayCall {
  request: SimRequest;
  caller: CallerIdentity;
}

export interface Attempt {
  /** Single backend id that was called. */
  backendId: string;
  url: string;
  startMs: number;
  endMs: number;
  status?: number;
  /** Set when no response came back (BackendConnectionFailure, Timeout). */
  transportReason?: string;
  /**
   * The standard deployment that served the answer when Azure spilled the request over from the
   * provisioned deployment the gateway called (the answer's `x-ms-spillover-from-*` header); absent
   * otherwise. What was billed, and where, follows it.
   */
  spilledTo?: string;
}

/** One request the gateway sent upstream, exactly as it left (URL with query, headers). */
export interface SentRequest {
  kind: "forward" | "one-way";
  url: string;
  headers: Record<string, string>;
}

export interface RequestTrace {
  /** context.RequestId of the request (what `x-aoai-shadow-of` carries on its shadow copy). */
  requestId: string;
  attempts: Attempt[];
  /** forward-request executions, including those that found no pool member to call (exhausted pool). */
  forwards: number;
  /** Every request sent upstream (forwards and fire-and-forget copies), for inspecting what reached Azure. */
  sent: SentRequest[];
  /** The gateway answered itself (e.g. 503 from an exhausted pool, 429 from a token limit). */
  gatewayGenerated: boolean;
  /** Fire-and-forget requests the policy sent (send-one-way-request). */
  oneWay: Array<{ url: string; atMs: number }>;
  /** Policy variables at the end of the pipeline (strings only, for reports). */
  variables: Record<string, string>;
  /** What the policy's `trace` statements wrote into the request's log entry (APIM: TraceRecords), in order. */
  logs: TraceRecord[];
}

/** One `trace` record as APIM logs it with the request (values evaluated). */
export interface TraceRecord {
  source: string;
  severity: "verbose" | "information" | "error";
  message: string;
  metadata: Record<string, string>;
}

export interface GatewayResult {
  response: SimResponse;
  trace: RequestTrace;
}

export type GatewayHandler = (call: GatewayCall) => Promise<GatewayResult>;
