// Faults a scenario injects into simulated deployments, by time window and region/deployment.

export type Fault =
  /** The backend refuses connections: the gateway gets no response (BackendConnectionFailure). */
  | { kind: "outage" }
  /** A share of requests fail with a 5xx. */
  | { kind: "errors"; rate: number; status: number }
  /** Every request is throttled with this Retry-After (a 429 storm, e.g. a zero-quota cut). */
  | { kind: "throttle"; retryAfterSeconds: number }
  /** Extra latency on every answer. */
  | { kind: "latency"; addMs: number }
  /** The service's temporary limit adjustment: the effective TPM/RPM is scaled by `factor`. */
  | { kind: "capacity"; factor: number };

export interface FaultWindow {
  /** Start, milliseconds from the start of the run. */
  fromMs: number;
  /** End (exclusive), milliseconds from the start of the run. */
  toMs: number;
  /** Only deployments in this region; every region when absent. */
  region?: string;
  /** Only this deployment name; every deployment when absent. */
  deployment?: string;
  fault: Fault;
}

/** The faults that apply to one deployment, looked up by time. */
export class FaultSchedule {
  private readonly windows: FaultWindow[];
  constructor(all: readonly FaultWindow[], deployment: string, region: string) {
    this.windows = all.filter((w) => (w.region === undefined || w.region === region) && (w.deployment === undefined || w.deployment === deployment));
  }
  /** Faults active at `t`, in scenario order. */
  activeAt(t: number): Fault[] {
    const out: Fault[] = [];
    for (const w of this.windows) if (t >= w.fromMs && t < w.toMs) out.push(w.fault);
    return out;
  }
  /** Adds a window at run time (the gateway's "take a backend down" switch). */
  add(window: FaultWindow): void {
    this.windows.push(window);
  }
  /** Removes every window that holds exactly this fault object. */
  remove(fault: Fault): void {
    for (let i = this.windows.length - 1; i >= 0; i--) if (this.windows[i]!.fault === fault) this.windows.splice(i, 1);
  }
}
