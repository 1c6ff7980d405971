// One simulated Azure OpenAI deployment in one region: enforces its token and request limits the
// way a Standard-type deployment does, answers 429 with retry-after / retry-after-ms, and plays
// the scenario's faults. It speaks the REST surface (paths, bodies, headers) so the same object
// backs the discrete-event runner and the local HTTP gateway.
import { loadCatalog, type RequestLimits } from "../../core/catalog/catalog";
import type { FleetPlan } from "../../core/plan/types";
import type { Clock } from "../clock";
import { TransportError, openAiError, type SimRequest, type SimResponse, type Upstream } from "../http-types";
import type { Rng } from "../rng";
import { DeploymentAnswers, type ResponsesContext } from "./answers";
import { FaultSchedule, type Fault, type FaultWindow } from "./faults";
import { operationNotSupported, parseAzureRequest, supports, type InferenceOperation, type ParsedRequest } from "./request";
import { validateRequest } from "./validate-request";
import { LeakyBucket, StandardLimiter } from "./windows";

export type InferenceCall = Extract<ParsedRequest, { kind: "inference" }>;

export interface LatencySpec {
  /** Median time before the first token, ms. */
  baseMs: number;
  /** Generation time per output token, ms. */
  perOutputTokenMs: number;
  /** Log-normal sigma applied to the whole latency (0 = fixed). */
  sigma: number;
  /** Time to answer a throttled (429) request, ms. */
  rejectMs: number;
  /** Prompt processing time per prompt token, ms (0 when absent). */
  perPromptTokenMs?: number;
}

export const DEFAULT_LATENCY: LatencySpec = { baseMs: 350, perOutputTokenMs: 12, sigma: 0.3, rejectMs: 3 };

export interface SimDeploymentSpec {
  /** Deployment name (identical in every region it is in). */
  deployment: string;
  /** Azure region of the account holding it. */
  region: string;
  /** Model name, for response bodies and 429 messages. */
  model: string;
  /** Model family from the catalog (chat, reasoning, embeddings, …); decides which operations it runs. Looked up by model when absent. */
  family?: string;
  /** Capacity units (`sku.capacity`). */
  capacity: number;
  /** Tokens per minute granted by one capacity unit (from the model catalog). */
  tpmPerUnit: number;
  /** Requests per minute granted by one capacity unit (from the model catalog). */
  rpmPerUnit: number;
  /** Latency model; defaults to DEFAULT_LATENCY. */
  latency?: LatencySpec;
  /** Completion length the simulated model generates (capped by max_tokens). */
  completionTokens?: number;
  /** Per-request completion length (a scenario's size mix); overrides `completionTokens` when set. */
  completionFor?: (shape: { promptTokens: number; maxTokens: number | undefined }) => number;
  /** Estimate charged for the completion when the request sets no max_tokens. */
  defaultMaxTokens?: number;
  /** Provisioned (PTU): metered by a utilisation leaky bucket at tpm, with no request limit. */
  provisioned?: boolean;
  /** Per-request token limits of the model version and deployment type (catalog); absent: types only. */
  requestLimits?: RequestLimits;
  /**
   * `spilloverDeploymentName` (provisioned only): the standard deployment of the same account the
   * service calls when this one answers 429, 500, 503 or a long-context 400 (spillover.ts). The
   * account does the spilling; `send` on the deployment itself never spills.
   */
  spillover?: string;
  /**
   * Kind of the account holding it (`aoai-fleet:fleet.kind`): the 429 body names the account's
   * pricing tier, "OpenAI S0" or "AIServices S0" (reference sheet §7.3). Absent: OpenAI, the
   * fleet's default.
   */
  accountKind?: FleetPlan["kind"];
}

export interface DeploymentStats {
  accepted: number;
  acceptedTokens: number;
  throttled: number;
  serverErrors: number;
  refused: number;
  /** Requests whose answer here started spillover (a provisioned deployment handed them to its target). */
  spilledOut: number;
  /** Of those, the ones the target failed too: this deployment's answer went back with `x-ms-spillover-error`. */
  spilloverFailed: number;
  /** Spilled requests this (standard) deployment served. */
  spilledIn: number;
  /** Accepted (charged) tokens per 10-second bucket of run time. */
  tokensByBucket: Map<number, number>;
}

const OPERATION_NAMES: Record<InferenceOperation, string> = {
  chat: "ChatCompletions_Create",
  completions: "Completions_Create",
  embeddings: "Embeddings_Create",
  responses: "Responses_Create",
};

/** The catalog's family of a model; names the catalog does not know are embeddings models by name, else chat. */
export function familyOf(model: string): string {
  return loadCatalog().model(model)?.family ?? (model.startsWith("text-embedding") ? "embeddings" : "chat");
}

export function limitsOf(spec: Pick<SimDeploymentSpec, "capacity" | "tpmPerUnit" | "rpmPerUnit">): { tokensPerMinute: number; requestsPer10s: number } {
  return { tokensPerMinute: spec.capacity * spec.tpmPerUnit, requestsPer10s: Math.floor((spec.capacity * spec.rpmPerUnit) / 6) };
}

export class SimulatedDeployment implements Upstream {
  /** Standard-type limits: sliding 60-s token and 10-s request windows (windows.ts). */
  readonly limits = new StandardLimiter();
  readonly faults: FaultSchedule;
  readonly utilisation: LeakyBucket;
  readonly stats: DeploymentStats = { accepted: 0, acceptedTokens: 0, throttled: 0, serverErrors: 0, refused: 0, spilledOut: 0, spilloverFailed: 0, spilledIn: 0, tokensByBucket: new Map() };
  /** The run's end, when a runner set it (markRunEnd), and what was admitted after it. */
  private runEndMs: number | undefined;
  private acceptedTokensAfterEnd = 0;
  private readonly latency: LatencySpec;
  private readonly answers: DeploymentAnswers;
  readonly family: string;

  constructor(
    readonly spec: SimDeploymentSpec,
    /** The clock the deployment runs on (its account paces replayed streams with it). */
    readonly clock: Clock,
    private readonly rng: Rng,
    faults: readonly FaultWindow[] = [],
  ) {
    this.faults = new FaultSchedule(faults, spec.deployment, spec.region);
    this.utilisation = new LeakyBucket(limitsOf(spec).tokensPerMinute);
    this.latency = spec.latency ?? DEFAULT_LATENCY;
    this.family = spec.family ?? familyOf(spec.model);
    this.answers = new DeploymentAnswers(spec, clock);
  }

  /** The deployment's clock time, ms. */
  now(): number {
    return this.clock.now();
  }

  /**
   * Tokens a provisioned deployment worked off by `t`: admitted minus what its utilisation bucket
   * still holds. The summary's PTU utilisation and the per-backend table's PTU rows both use it, so
   * the two read the same. The bucket never moves back in time: after admissions later than `t`
   * (the gateway still retrying requests that arrived before the run's end) it holds less, and the
   * figure includes what was worked off after `t`.
   */
  workedOffTokens(t: number): number {
    if (this.runEndMs !== undefined && t === this.runEndMs) {
      const level = this.utilisation.tokensAtMark();
      if (level !== undefined) return this.stats.acceptedTokens - this.acceptedTokensAfterEnd - level;
    }
    return this.stats.acceptedTokens - this.utilisation.tokensAt(t);
  }

  /**
   * The run's end (the runner sets it before the first request): worked-off tokens at that moment
   * then count only what was admitted by it and what the bucket held then, not the gateway's
   * retries of late requests after it (those made a 60-s run's PTU read 113.8%).
   */
  markRunEnd(t: number): void {
    this.runEndMs = t;
    this.acceptedTokensAfterEnd = 0;
    this.utilisation.markAt(t);
  }

  get name(): string {
    return `${this.spec.deployment}@${this.spec.region}`;
  }

  /** Serves a request addressed to this deployment (the path or body names it). */
  send(request: SimRequest, timeoutMs: number): Promise<SimResponse> {
    const parsed = parseAzureRequest(request);
    if (parsed.kind === "error") return Promise.resolve(parsed.response);
    if (parsed.kind !== "inference" || parsed.deployment !== this.spec.deployment) {
      return Promise.resolve(openAiError(404, "DeploymentNotFound", `The API deployment for this resource does not exist: ${request.path}`));
    }
    return this.serve(parsed, request, timeoutMs);
  }

  /**
   * Serves one parsed inference call: faults, admission against the limits, then the answer after
   * its latency. A streamed answer returns when its first chunk is ready (time to first token);
   * the rest follows on the clock. `responses` holds the account's store for the Responses API.
   */
  async serve(call: InferenceCall, request: SimRequest, timeoutMs: number, responses?: ResponsesContext): Promise<SimResponse> {
    const t = this.clock.now();
    const faults = this.faults.activeAt(t);
    if (faults.some((f) => f.kind === "outage")) {
      this.stats.refused++;
      await this.clock.sleep(1);
      throw new TransportError("BackendConnectionFailure", `${this.name} refused the connection (simulated outage).`);
    }
    const addMs = faults.reduce((s, f) => s + (f.kind === "latency" ? f.addMs : 0), 0);
    const answer = this.decide(call, request, t, faults, responses);
    const delay = answer.delayMs + addMs;
    if (delay > timeoutMs) {
      await this.clock.sleep(timeoutMs);
      throw new TransportError("Timeout", `${this.name} did not answer within ${timeoutMs} ms.`);
    }
    await this.clock.sleep(delay);
    return answer.response();
  }

  private decide(call: InferenceCall, request: SimRequest, t: number, faults: Fault[], responses: ResponsesContext | undefined): { delayMs: number; response: () => SimResponse } {
    const now = (response: SimResponse) => ({ delayMs: 2, response: () => response });
    if (!supports(this.family, call.operation, this.spec.model)) return now(operationNotSupported(call.operation, this.spec.model));
    // Azure's 400s come before admission: an invalid request is never charged (validate-request.ts).
    const shape = validateRequest(call, request.body, this.spec.model, this.spec.requestLimits, responses?.previousTokens ?? 0);
    if (!shape.ok) return now(shape.response);
    const factor = faults.reduce((f, x) => (x.kind === "capacity" ? f * x.factor : f), 1);
    const limits = limitsOf(this.spec);
    const tpm = Math.floor(limits.tokensPerMinute * factor);
    const rp10 = Math.floor(limits.requestsPer10s * factor);
    const estimate = shape.promptTokens + (shape.maxTokens ?? this.spec.defaultMaxTokens ?? 4096);
    const storm = faults.find((f): f is Extract<Fault, { kind: "throttle" }> => f.kind === "throttle");
    const rejected = this.spec.provisioned ? this.admitProvisioned(t, tpm, estimate, storm) : this.admitStandard(t, tpm, rp10, estimate, storm);
    const rateHeaders = (): Record<string, string> =>
      this.spec.provisioned
        ? {
            "x-ratelimit-limit-tokens": String(tpm),
            "x-ratelimit-remaining-tokens": String(Math.max(0, Math.round(tpm * (1 - this.utilisation.utilisation(t, tpm))))),
            "x-ms-region": this.spec.region,
          }
        : {
            "x-ratelimit-limit-requests": String(rp10),
            "x-ratelimit-limit-tokens": String(tpm),
            "x-ratelimit-remaining-requests": String(this.limits.remaining(t, tpm, rp10).requests),
            "x-ratelimit-remaining-tokens": String(this.limits.remaining(t, tpm, rp10).tokens),
            "x-ms-region": this.spec.region,
          };
    if (rejected) {
      const response = this.throttled(call.operation, request, rejected.waitMs, rejected.limit, rateHeaders());
      return { delayMs: this.latency.rejectMs, response: () => response };
    }
    const errors = faults.find((f): f is Extract<Fault, { kind: "errors" }> => f.kind === "errors" && this.rng.float() < f.rate);
    if (errors) {
      this.stats.serverErrors++;
      const response = openAiError(errors.status, "InternalServerError", "The server had an error while processing your request. Sorry about that!", rateHeaders());
      return { delayMs: this.latency.baseMs / 4, response: () => response };
    }
    this.stats.accepted++;
    this.stats.acceptedTokens += estimate;
    if (this.runEndMs !== undefined && t > this.runEndMs) this.acceptedTokensAfterEnd += estimate;
    const bucket = Math.floor(t / 10_000);
    this.stats.tokensByBucket.set(bucket, (this.stats.tokensByBucket.get(bucket) ?? 0) + estimate);
    const completion = call.operation === "embeddings" ? 0 : Math.min(shape.maxTokens ?? Number.POSITIVE_INFINITY, this.spec.completionFor ? this.spec.completionFor(shape) : (this.spec.completionTokens ?? 200));
    const headers = { ...rateHeaders(), "x-ms-deployment-name": this.spec.deployment };
    const prefill = (this.latency.perPromptTokenMs ?? 0) * shape.promptTokens;
    if (call.stream && call.operation !== "embeddings") {
      // One draw scales both the time to first token and the token gaps, so a streamed answer
      // takes as long in total as the same answer unstreamed would.
      const f = this.latency.sigma > 0 ? this.rng.logNormal(1, this.latency.sigma) : 1;
      const pacing = { clock: this.clock, gapMs: f * this.latency.perOutputTokenMs };
      return { delayMs: f * (this.latency.baseMs + prefill), response: () => this.answers.stream(call, shape, completion, pacing, headers, responses) };
    }
    const median = call.operation === "embeddings" ? this.latency.baseMs / 4 : this.latency.baseMs + prefill + completion * this.latency.perOutputTokenMs;
    const delayMs = this.latency.sigma > 0 ? this.rng.logNormal(median, this.latency.sigma) : median;
    if (call.operation === "responses" && call.body.background === true) {
      // Background: the create answers `queued` at once; the answer is ready when a synchronous
      // call would have returned it (responses-lifecycle.ts).
      return { delayMs: 2, response: () => this.answers.complete(call, shape, completion, headers, responses, t + delayMs) };
    }
    return { delayMs, response: () => this.answers.complete(call, shape, completion, headers, responses) };
  }

  /** Standard: sliding 60-s token and 10-s request windows; Retry-After = when the request would fit (windows.ts). */
  private admitStandard(t: number, tpm: number, rp10: number, estimate: number, storm: { retryAfterSeconds: number } | undefined): { waitMs: number; limit: "token" | "call" } | undefined {
    if (storm) return { waitMs: storm.retryAfterSeconds * 1000, limit: "token" };
    return this.limits.admit(t, estimate, tpm, rp10);
  }

  /** Provisioned: refused only while utilisation is above 100%, with the time until it is not (§7.2). */
  private admitProvisioned(t: number, tpm: number, estimate: number, storm: { retryAfterSeconds: number } | undefined): { waitMs: number; limit: "token" | "call" } | undefined {
    if (storm) return { waitMs: storm.retryAfterSeconds * 1000, limit: "token" };
    if (this.utilisation.utilisation(t, tpm) > 1) return { waitMs: this.utilisation.msUntilBelowFull(t, tpm), limit: "token" };
    // At most one minute of throughput per request: the bucket is back under 100% within a window.
    this.utilisation.add(t, Math.min(estimate, tpm), tpm);
    return undefined;
  }

  private throttled(operation: InferenceOperation, request: SimRequest, waitMs: number, limit: "token" | "call", headers: Record<string, string>): SimResponse {
    this.stats.throttled++;
    const seconds = Math.max(1, Math.ceil(waitMs / 1000));
    const message =
      `Requests to the ${OPERATION_NAMES[operation]} Operation under Azure OpenAI API version ${request.query["api-version"] ?? "v1"} have exceeded ` +
      `${limit} rate limit of your current ${this.spec.accountKind ?? "OpenAI"} S0 pricing tier. Please retry after ${seconds} seconds.`;
    return openAiError(429, "429", message, { ...headers, "retry-after": String(seconds), "retry-after-ms": String(Math.max(1, Math.round(waitMs))) });
  }
}
