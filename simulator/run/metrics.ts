// Turns a run's records into the numbers the report and the benchmark show.
import { quantileSorted } from "simple-statistics";
import { NAMES } from "../../gateway-policy/strategies/edge";
import type { FaultWindow } from "../azure/faults";
import { costOf, type CostSummary } from "../cost/model";
import { faultWindows } from "../scenario/load";
import type { RequestRecord, RunRecord } from "./runner";
import { deploymentOfUrl } from "./urls";

export { deploymentOfUrl } from "./urls";

export interface SideSpec {
  /** Deployment that receives canary traffic. */
  canaryDeployment?: string;
  /** Expected canary percent. */
  canaryPercent?: number;
  /**
   * `false` when the route's canary is not sticky: callers then change side by design, so the
   * "sticky callers that switched side" count is left out (null) rather than shown as violations.
   * Absent: counted (the benchmark's fleet, whose canary is sticky, builds its sides by hand).
   */
  canarySticky?: boolean;
  /** A/B variants: name → deployment and expected percent. */
  variants?: Record<string, { deployment: string; percent: number }>;
}

export interface BackendUse {
  deployment: string;
  region: string;
  capacityTpm: number;
  /** Request limit per minute (null: provisioned, which has none). */
  capacityRpm: number | null;
  /**
   * Standard: charged (admitted) tokens ÷ (token limit × minutes). Provisioned: tokens worked off ÷
   * (token limit × minutes), the summary's `cost.ptuUtilization` definition — admitted tokens still
   * in the utilisation bucket at the end are not counted, since the PTU has not served that
   * throughput yet (counting them read up to twice the PTU's capacity beside a summary near 100%).
   */
  utilization: number;
  accepted: number;
  throttled: number;
  serverErrors: number;
  refused: number;
  /**
   * Requests Azure spilled over from this provisioned deployment (its 429, 5xx or long-context 400
   * started the call to its standard target); they are also in its `throttled` / `serverErrors`,
   * as in Azure's metrics, though the caller may have been served.
   */
  spilledOut: number;
  /** Of `spilledOut`, those the target failed too (the PTU's answer went back with `x-ms-spillover-error`). */
  spilloverFailed: number;
  /** Spilled-over requests this standard deployment served (also in its `accepted`). */
  spilledIn: number;
}

export interface FaultOutcome {
  fault: string;
  /**
   * From fault start until a 5-s stretch with no client-visible error — for a latency fault, a 30-s
   * stretch with no request served by the slowed deployments (a router that still spreads some load
   * there leaves 5-s gaps by chance) (null: never within the fault).
   */
  failoverMs: number | null;
  /** From fault end until the faulted deployments served a success again (null: never). */
  recoverMs: number | null;
}

export interface RunSummary {
  scenario: string;
  requests: number;
  durationMin: number;
  capacityTpm: number;
  /** Charged tokens offered ÷ the route's token limits over the run. */
  offeredRatio: number;
  /** Sum of the route's request limits, per minute (null: some member is provisioned, which has none). */
  capacityRpm: number | null;
  /**
   * Requests offered ÷ the route's request limits over the run (null with capacityRpm). Scenarios set
   * their load in tokens, so a fleet of small-request deployments can be far over its request limits
   * at a token load under 100%: then requests, not tokens, are what Azure refuses.
   */
  offeredRequestRatio: number | null;
  goodputRatio: number;
  successRate: number;
  /** Share of requests whose final answer (after the client's own retries) was 429, 5xx or none. */
  clientErrorRate: number;
  client429Rate: number;
  client5xxRate: number;
  /** Gateway calls per request (1 + client retries). */
  clientCallsPerRequest: number;
  /** End to end, client retries and their waits included. */
  latencyP50Ms: number;
  latencyP99Ms: number;
  /** Time to first token (first body chunk), successful requests; equals latency when unstreamed. */
  ttftP50Ms: number;
  ttftP99Ms: number;
  /** Time to last token (last body chunk), successful requests. */
  ttltP50Ms: number;
  ttltP99Ms: number;
  /** Share of successful answers that were streamed. */
  streamedShare: number;
  p50AddedMs: number;
  p99AddedMs: number;
  backendAttemptsPerRequest: number;
  backends: BackendUse[];
  faults: FaultOutcome[];
  /**
   * Requests the split assigned to the canary ÷ requests it assigned to any arm (`canaryAssigned` ÷
   * `splitAssigned`). The assignment is the policy's `aoai-target-label`, whichever backend served:
   * a stable request that failed over into the canary stays stable, an exhausted arm's 429 counts
   * on its arm, and requests answered before the split (auth, unknown route) count for neither.
   */
  canaryShare: number | null;
  canaryAssigned: number | null;
  /** Requests the split assigned to an arm (stable, canary, a slot, a variant): the share's denominator. */
  splitAssigned: number | null;
  /** Per variant: requests assigned to it ÷ requests assigned to any variant (`abAssigned`). */
  abShares: Record<string, number> | null;
  abAssigned: number | null;
  stickyCallers: number | null;
  stickyViolations: number | null;
  cost: CostSummary;
  unanswered: number;
  duplicated: number;
  wallMs: number;
  events: number;
}

function q(sorted: number[], p: number): number {
  return sorted.length === 0 ? 0 : quantileSorted(sorted, p);
}

/**
 * The arm the policy's split assigned the request's final gateway call to (its `aoai-target-label`),
 * not the deployment that answered: with `canary.failover` a stable request may be served by the
 * canary deployment. Undefined when the gateway answered before the split, or outside it (a stored
 * response's follow-up, labelled `affinity`).
 */
function armOf(r: RequestRecord): string | undefined {
  const label = r.trace.variables[NAMES.labelVar];
  if (label === undefined) return undefined;
  return label === "stable" || label === "canary" || label === "blue" || label === "green" || label.startsWith("ab-") ? label : undefined;
}

function describeFault(w: FaultWindow): string {
  const where = [w.deployment, w.region].filter(Boolean).join("@") || "everywhere";
  const f = w.fault;
  const what = f.kind === "throttle" ? `429 storm (Retry-After ${f.retryAfterSeconds}s)` : f.kind === "errors" ? `${Math.round(f.rate * 100)}% ${f.status}` : f.kind === "latency" ? `+${f.addMs} ms` : f.kind === "capacity" ? `capacity ×${f.factor}` : "outage";
  return `${what} on ${where} ${w.fromMs / 1000}s–${w.toMs / 1000}s`;
}

function faultOutcome(run: RunRecord, w: FaultWindow): FaultOutcome {
  const faulted = new Set(run.deployments.filter((d) => (w.region === undefined || d.spec.region === w.region) && (w.deployment === undefined || d.spec.deployment === w.deployment)));
  const hit = (url: string): boolean => {
    const dep = deploymentOfUrl(url);
    return [...faulted].some((d) => d.spec.deployment === dep && url.includes(d.spec.region));
  };
  const isError = (r: RequestRecord): boolean => r.status === 429 || r.status >= 500 || r.status === 0;
  // A slow backend produces no errors: the router has failed over once it stops serving from it.
  const isBad = w.fault.kind === "latency" ? (r: RequestRecord): boolean => r.trace.attempts.some((a) => a.status === 200 && hit(a.url)) : isError;
  const stretch = w.fault.kind === "latency" ? 30_000 : 5_000;
  const inFault = run.requests.filter((r) => r.atMs >= w.fromMs && r.atMs < w.toMs);
  let failoverMs: number | null = null;
  let lastBad = w.fromMs;
  for (const r of inFault) {
    if (r.atMs - lastBad >= stretch) {
      failoverMs = lastBad - w.fromMs;
      break;
    }
    if (isBad(r)) lastBad = r.atMs;
  }
  if (failoverMs === null && inFault.length > 0 && w.toMs - lastBad >= stretch) failoverMs = lastBad - w.fromMs;
  const served = (r: RequestRecord) => [...r.earlierTraces, r.trace].some((t) => t.attempts.some((a) => a.status === 200 && a.startMs >= w.toMs && hit(a.url)));
  const back = run.requests.filter((r) => r.atMs + r.latencyMs >= w.toMs && r.status === 200 && served(r));
  const firstBack = back.length > 0 ? Math.min(...back.map((r) => Math.min(...[...r.earlierTraces, r.trace].flatMap((t) => t.attempts.filter((a) => a.status === 200 && a.startMs >= w.toMs && hit(a.url)).map((a) => a.startMs))))) : null;
  return { fault: describeFault(w), failoverMs, recoverMs: firstBack === null ? null : firstBack - w.toMs };
}

/** A backend row's utilization (BackendUse.utilization); a PTU's over the same limit the cost model divides by. */
function utilizationOf(d: RunRecord["deployments"][number], member: RunRecord["backends"][number] | undefined, minutes: number, durationMs: number): number {
  const tpm = d.spec.capacity * d.spec.tpmPerUnit;
  if (d.spec.provisioned) {
    const limit = member?.tpm ?? tpm;
    return limit > 0 ? d.workedOffTokens(durationMs) / (limit * minutes) : 0;
  }
  return tpm > 0 ? d.stats.acceptedTokens / (tpm * minutes) : 0;
}

export function summarize(run: RunRecord, sides: SideSpec = {}): RunSummary {
  const n = run.requests.length;
  const minutes = run.scenario.duration / 60_000;
  const ok = run.requests.filter((r) => r.status >= 200 && r.status < 300);
  const e429 = run.requests.filter((r) => r.status === 429).length;
  const e5xx = run.requests.filter((r) => r.status >= 500 || r.status === 0).length;
  const lat = run.requests.map((r) => r.latencyMs).sort((a, b) => a - b);
  const added = run.requests.map((r) => r.addedMs).sort((a, b) => a - b);
  const ttft = ok.map((r) => r.ttftMs).sort((a, b) => a - b);
  const ttlt = ok.map((r) => r.ttltMs).sort((a, b) => a - b);
  const capacityTokens = run.capacityTpm * minutes;
  const backends: BackendUse[] = run.deployments.map((d) => {
    const tpm = d.spec.capacity * d.spec.tpmPerUnit;
    const member = run.backends.find((b) => b.deployment === d.spec.deployment && b.region === d.spec.region);
    return {
      deployment: d.spec.deployment,
      region: d.spec.region,
      capacityTpm: tpm,
      capacityRpm: member?.rpm ?? null,
      utilization: utilizationOf(d, member, minutes, run.scenario.duration),
      accepted: d.stats.accepted,
      throttled: d.stats.throttled,
      serverErrors: d.stats.serverErrors,
      refused: d.stats.refused,
      spilledOut: d.stats.spilledOut,
      spilloverFailed: d.stats.spilloverFailed,
      spilledIn: d.stats.spilledIn,
    };
  });
  let canaryShare: number | null = null;
  let canaryAssigned: number | null = null;
  let splitAssigned: number | null = null;
  let stickyCallers: number | null = null;
  let stickyViolations: number | null = null;
  const assigned = run.requests.flatMap((r) => {
    const arm = armOf(r);
    return arm === undefined ? [] : [{ caller: r.caller, arm }];
  });
  if (sides.canaryDeployment) {
    canaryAssigned = assigned.filter((a) => a.arm === "canary").length;
    splitAssigned = assigned.length;
    canaryShare = splitAssigned ? canaryAssigned / splitAssigned : 0;
    const seen = new Map<string, Set<boolean>>();
    for (const a of assigned) seen.set(a.caller, (seen.get(a.caller) ?? new Set<boolean>()).add(a.arm === "canary"));
    if (sides.canarySticky !== false) {
      stickyCallers = seen.size;
      stickyViolations = [...seen.values()].filter((s) => s.size > 1).length;
    }
  }
  let abShares: Record<string, number> | null = null;
  let abAssigned: number | null = null;
  if (sides.variants) {
    const toVariants = assigned.filter((a) => a.arm.startsWith("ab-"));
    abAssigned = toVariants.length;
    abShares = {};
    for (const name of Object.keys(sides.variants)) abShares[name] = abAssigned ? toVariants.filter((a) => a.arm === `ab-${name}`).length / abAssigned : 0;
  }
  const capacityRpm = run.backends.length > 0 && run.backends.every((b) => b.rpm !== null) ? run.backends.reduce((sum, b) => sum + (b.rpm ?? 0), 0) : null;
  return {
    scenario: run.scenario.name,
    requests: n,
    durationMin: minutes,
    capacityTpm: run.capacityTpm,
    offeredRatio: capacityTokens ? run.requests.reduce((s, r) => s + r.chargedTokens, 0) / capacityTokens : 0,
    capacityRpm,
    offeredRequestRatio: capacityRpm ? n / (capacityRpm * minutes) : null,
    goodputRatio: capacityTokens ? ok.reduce((s, r) => s + r.chargedTokens, 0) / capacityTokens : 0,
    successRate: n ? ok.length / n : 0,
    clientErrorRate: n ? (e429 + e5xx) / n : 0,
    client429Rate: n ? e429 / n : 0,
    client5xxRate: n ? e5xx / n : 0,
    latencyP50Ms: q(lat, 0.5),
    latencyP99Ms: q(lat, 0.99),
    ttftP50Ms: q(ttft, 0.5),
    ttftP99Ms: q(ttft, 0.99),
    ttltP50Ms: q(ttlt, 0.5),
    ttltP99Ms: q(ttlt, 0.99),
    streamedShare: ok.length ? ok.filter((r) => r.streamed).length / ok.length : 0,
    p50AddedMs: q(added, 0.5),
    p99AddedMs: q(added, 0.99),
    backendAttemptsPerRequest: n ? run.requests.reduce((s, r) => s + r.trace.attempts.length + r.earlierTraces.reduce((a, t) => a + t.attempts.length, 0), 0) / n : 0,
    clientCallsPerRequest: n ? run.requests.reduce((s, r) => s + r.clientCalls, 0) / n : 0,
    backends,
    faults: faultWindows(run.scenario).map((w) => faultOutcome(run, w)),
    canaryShare,
    canaryAssigned,
    splitAssigned,
    abShares,
    abAssigned,
    stickyCallers,
    stickyViolations,
    cost: costOf(run, run.scenario.cost),
    unanswered: run.unanswered,
    duplicated: run.duplicated,
    wallMs: run.wallMs,
    events: run.events,
  };
}
