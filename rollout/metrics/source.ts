import type { RequestRecord } from "./records";

/** What a rollout step asks a metric source for. */
export interface MetricQuery {
  stack: string;
  /** Gateway route name. */
  route: string;
  /** Length of the window ending now, in seconds. */
  windowSeconds: number;
}

/**
 * Where request records come from. Sources return records rather than aggregates so that every
 * decision and test statistic is computed by the same pure code whatever the source.
 */
export interface MetricSource {
  /** Human description for the console ("simulator (seed 42, scenario healthy)", "file x.csv"). */
  readonly description: string;
  /** What one fetch covers when it is not the requested window (a file is read whole), for the console. */
  readonly span?: string;
  /** True when `nextWindow` waits in wall-clock time (the console then says it is waiting). */
  readonly realTime: boolean;
  /** Records of the route over the window ending now. */
  fetch(query: MetricQuery): Promise<RequestRecord[]>;
  /**
   * Lets time pass before the next evaluation: the simulator advances its virtual clock, live
   * sources wait in real time. Sources that cannot produce new data (a file) say so by returning false.
   */
  nextWindow(seconds: number): Promise<boolean>;
}
