// Turns a run's records into the numbers the report and the benchmark show.
import { quantileSorted } from "simple-statistics";
import type { FaultWindow } from "../azure/faults";
import { faultWindows } from "../scenario/load";
import type { RequestRecord, RunRecord } from "./runner";

export interface SideSpec {
  /** Deployment that receives canary traffic. */
  canaryDeployment?: string;
  /** Expected canary percent. */
  canaryPercent?: number;
  /** A/B variants: name → deployment and expected percent. */
  variants?: Record<string, { deployment: string; percent: number }>;
}

export interface BackendUse {
  deployment: string;
  region: string;
  capacityTpm: number;
  /** Charged tokens ÷ (token limit × minutes). */
  utilization: number;
  accepted: number;
  throttled: number;
  serverErrors: number;
  refused: number;
}

export interface FaultOutcome {
  fault: string;
  /** From fault start until a 5-s stretch with no client-visible error (null: never within the fault). */
  failoverMs: number | null;
  /** From fault end until the faulted deployments served a success again (null: never). */
  recoverMs: number | null;
}

export interface RunSummary {
  scenario: string;
  requests: number;
  durationMin: number;
  capacityTpm: number;
  offeredRatio: number;
  goodputRatio: number;
  successRate: number;
  clientErrorRate: number;
  client429Rate: number;
  client5xxRate: number;
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
  canaryShare: number | null;
  abShares: Record<string, number> | null;
  stickyCallers: number | null;
  stickyViolations: number | null;
  unanswered: number;
  duplicated: number;
  wallMs: number;
  events: number;
}

/** Deployment name from a forwarded Azure OpenAI URL. */
export function deploymentOfUrl(url: string): string | undefined {
  const m = /\/openai\/deployments\/([^/]+)\//.exec(new URL(url).pathname);
  return m ? decodeURIComponent(m[1]!) : undefined;
}

function q(sorted: number[], p: number): number {
  return sorted.length === 0 ? 0 : quantileSorted(sorted, p);
}

function firstDeployment(r: RequestRecord): string | undefined {
  const a = r.trace.attempts[0];
  return a ? deploymentOfUrl(a.url) : undefined;
}

function describeFault(w: FaultWindow): string {
  const where = [w.deployment, w.region].filter(Boolean).join("@") || "everywhere";
  const f = w.fault;
  const what = f.kind === "throttle" ? `429 storm (Retry-After ${f.retryAfterSeconds}s)` : f.kind === "errors" ? `${Math.round(f.rate * 100)}% ${f.status}` : f.kind === "latency" ? `+${f.addMs} ms` : f.kind === "capacity" ? `capacity ×${f.factor}` : "outage";
  return `${what} on ${where} ${w.fromMs / 1000}s–${w.toMs / 1000}s`;
}

function faultOutcome(run: RunRecord, w: FaultWindow): FaultOutcome {
  const isError = (r: RequestRecord): boolean => r.status === 429 || r.status >= 500 || r.status === 0;
  const inFault = run.requests.filter((r) => r.atMs >= w.fromMs && r.atMs < w.toMs);
  let failoverMs: number | null = null;
  let lastError = w.fromMs;
  for (const r of inFault) {
    if (r.atMs - lastError >= 5000) {
      failoverMs = lastError - w.fromMs;
      break;
    }
    if (isError(r)) lastError = r.atMs;
  }
  if (failoverMs === null && inFault.length > 0 && w.toMs - lastError >= 5000) failoverMs = lastError - w.fromMs;
  const faulted = new Set(run.deployments.filter((d) => (w.region === undefined || d.spec.region === w.region) && (w.deployment === undefined || d.spec.deployment === w.deployment)));
  const hit = (url: string): boolean => {
    const dep = deploymentOfUrl(url);
    return [...faulted].some((d) => d.spec.deployment === dep && url.includes(d.spec.region));
  };
  const back = run.requests.find((r) => r.atMs >= w.toMs && r.status === 200 && r.trace.attempts.some((a) => a.status === 200 && hit(a.url)));
  return { fault: describeFault(w), failoverMs, recoverMs: back ? back.atMs - w.toMs : null };
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
    return {
      deployment: d.spec.deployment,
      region: d.spec.region,
      capacityTpm: tpm,
      utilization: tpm > 0 ? d.stats.acceptedTokens / (tpm * minutes) : 0,
      accepted: d.stats.accepted,
      throttled: d.stats.throttled,
      serverErrors: d.stats.serverErrors,
      refused: d.stats.refused,
    };
  });
  let canaryShare: number | null = null;
  let stickyCallers: number | null = null;
  let stickyViolations: number | null = null;
  if (sides.canaryDeployment) {
    const onCanary = run.requests.filter((r) => firstDeployment(r) === sides.canaryDeployment).length;
    canaryShare = n ? onCanary / n : 0;
    const seen = new Map<string, Set<boolean>>();
    for (const r of run.requests) {
      const d = firstDeployment(r);
      if (d === undefined) continue;
      const set = seen.get(r.caller) ?? new Set<boolean>();
      set.add(d === sides.canaryDeployment);
      seen.set(r.caller, set);
    }
    stickyCallers = seen.size;
    stickyViolations = [...seen.values()].filter((s) => s.size > 1).length;
  }
  let abShares: Record<string, number> | null = null;
  if (sides.variants) {
    abShares = {};
    for (const [name, v] of Object.entries(sides.variants)) abShares[name] = n ? run.requests.filter((r) => firstDeployment(r) === v.deployment).length / n : 0;
  }
  return {
    scenario: run.scenario.name,
    requests: n,
    durationMin: minutes,
    capacityTpm: run.capacityTpm,
    offeredRatio: capacityTokens ? run.requests.reduce((s, r) => s + r.chargedTokens, 0) / capacityTokens : 0,
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
    backendAttemptsPerRequest: n ? run.requests.reduce((s, r) => s + r.trace.attempts.length, 0) / n : 0,
    backends,
    faults: faultWindows(run.scenario).map((w) => faultOutcome(run, w)),
    canaryShare,
    abShares,
    stickyCallers,
    stickyViolations,
    unanswered: run.unanswered,
    duplicated: run.duplicated,
    wallMs: run.wallMs,
    events: run.events,
  };
}
