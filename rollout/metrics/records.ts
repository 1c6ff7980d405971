import { z } from "zod";
import { NAMES } from "../../gateway-policy/strategies/edge";
import { numberField, timestampField } from "./recordFields";

/**
 * One request as the gateway saw it: the common currency of every metric source (Azure Monitor,
 * file exports, the simulator). Rollout decisions and reports are pure functions of these records.
 */
export interface RequestRecord {
  /** ISO-8601 time the request finished. */
  timestamp: string;
  /** Gateway route (`aoai-fleet:gateway.routes.<route>`). */
  route: string;
  /** Fleet deployment that served the request (the canary, a slot's deployment, a variant's). */
  deployment: string;
  /**
   * The side the gateway's split assigned the request to (the policy's `aoai-target-label`:
   * `stable`, `canary`, `blue`, `green`, `ab-<variant>`), whichever backend finally served it. With
   * `canary.failover`, stable requests may be served by the canary deployment: canary statistics
   * judge by this field, not by `deployment`. Absent when the source cannot tell.
   */
  arm?: string;
  /** HTTP status the backend answered; 0 when the request never got a response (transport error). */
  status: number;
  /** End-to-end latency in milliseconds. */
  latencyMs: number;
  /** Prompt tokens reported by the backend (0 when unknown). */
  promptTokens: number;
  /** Completion tokens reported by the backend (0 when unknown). */
  completionTokens: number;
  /** A/B experiment id (`abTest.id`) when the request was assigned to one. */
  experiment?: string;
  /** A/B variant key (`a`, `b`, …) when the request was assigned to one. */
  variant?: string;
  /**
   * `primary`: the answer the client got (absent means primary). `retried`: a backend attempt whose
   * failure the gateway hid by retrying elsewhere. `shadow`: the mirrored copy.
   */
  role?: "primary" | "retried" | "shadow";
  /** Id shared by a primary request and its shadow copy. */
  correlationId?: string;
  /** Hash (or text) of the response body, compared between primary and shadow. */
  responseHash?: string;
  /**
   * Who sent the request (subscription, user or client id): A/B variants are assigned per caller,
   * so `ab report` tests significance per caller when records carry it.
   */
  caller?: string;
  /** Named business outcomes recorded for the request (e.g. `thumbsUp: 1`, `resolved: 0`). */
  outcomes?: Record<string, number>;
}

/**
 * A request counts as failed when the client-facing contract broke: no response, timeout,
 * throttling, or a server error. 4xx other than 408/429 are the caller's fault (bad request,
 * content filter) and are not held against a deployment.
 */
export function isFailure(record: Pick<RequestRecord, "status">): boolean {
  const s = record.status;
  return s === 0 || s === 408 || s === 429 || s >= 500;
}

/** zod schema for one record in a file export; numbers may arrive as decimal text from CSV. */
export const requestRecordSchema = z.object({
  timestamp: timestampField,
  route: z.string().min(1),
  deployment: z.string().min(1),
  arm: z.string().min(1).optional(),
  status: numberField("a whole number 0–599 (0 = no response)", (n) => Number.isInteger(n) && n >= 0 && n <= 599),
  latencyMs: numberField("a number of milliseconds ≥ 0", (n) => n >= 0),
  promptTokens: numberField("a whole number ≥ 0", (n) => Number.isInteger(n) && n >= 0).default(0),
  completionTokens: numberField("a whole number ≥ 0", (n) => Number.isInteger(n) && n >= 0).default(0),
  experiment: z.string().min(1).optional(),
  variant: z.string().min(1).optional(),
  role: z.enum(["primary", "retried", "shadow"]).optional(),
  correlationId: z.string().min(1).optional(),
  caller: z.string().min(1).optional(),
  responseHash: z.string().optional(),
  outcomes: z.record(z.string(), numberField("a number")).optional(),
});

export function isShadow(record: RequestRecord): boolean {
  return record.role === "shadow";
}

/** The answer a client got: what A/B, shadow and smoke reports judge (retries and copies excluded). */
export function isClientAnswer(record: RequestRecord): boolean {
  return record.role === undefined || record.role === "primary";
}

// Route names: Azure OpenAI's deployment-name characters (stacks/config/gateway.ts ROUTE_NAME).
const ARM_IN_TRACE = new RegExp(`^${NAMES.armTracePrefix}([a-z0-9-]+)(?:${NAMES.routeTracePrefix}[A-Za-z0-9._-]+)?$`);

/**
 * The arm a canary route's policy logged for a request (its `trace` record's message
 * `aoai-arm=<side> aoai-route=<route>`; records written before the route was added end after the
 * side), or undefined for any other message: how every source learns the assignment.
 */
export function armOfTraceMessage(message: string): string | undefined {
  return ARM_IN_TRACE.exec(message)?.[1];
}
