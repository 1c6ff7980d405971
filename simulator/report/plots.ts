// SVG plots of a run, rendered headless by vega-lite → vega (`View.toSVG`). vega is ESM with
// top-level await, so it is loaded with a dynamic import.
import type { RunRecord } from "../run/runner";

type Spec = Record<string, unknown>;

async function render(spec: Spec): Promise<string> {
  const vega = await import("vega");
  const vl = await import("vega-lite");
  const compiled = vl.compile(spec as never).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: "none" });
  const svg = await view.toSVG();
  view.finalize();
  return svg;
}

const BUCKET_MS = 10_000;

/** What every plot of a run shares: the vega-lite schema, title, size and inline data. */
function frame(title: string, values: readonly object[], height = 220): Spec {
  return { $schema: "https://vega.github.io/schema/vega-lite/v6.json", title, width: 640, height, data: { values } };
}

function outcomeOf(status: number): string {
  if (status >= 200 && status < 300) return "success";
  if (status === 429) return "429";
  if (status >= 500 || status === 0) return "5xx";
  return "other 4xx";
}

const OUTCOMES = ["success", "429", "5xx", "other 4xx"] as const;

/**
 * Client-visible outcomes per 10-s bucket (requests per second), stacked. Every bucket of the run has
 * a row for every outcome that occurs (0 where it did not), and one more row at the run's end repeats
 * the last bucket: a step-after area draws each row up to the next one, so without the zeros a lone
 * burst of 429s would have no width, and without the end row the last bucket would not be drawn.
 */
export function outcomeRows(run: RunRecord): Array<{ t: number; outcome: string; rps: number }> {
  const counts = new Map<string, number>();
  for (const r of run.requests) {
    const key = `${Math.floor(r.atMs / BUCKET_MS)}|${outcomeOf(r.status)}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  const seen = OUTCOMES.filter((o) => run.requests.some((r) => outcomeOf(r.status) === o));
  const lastRequest = run.requests.reduce((latest, r) => Math.max(latest, r.atMs), 0);
  const buckets = Math.max(Math.ceil(run.scenario.duration / BUCKET_MS), Math.floor(lastRequest / BUCKET_MS) + 1);
  const rps = (b: number, outcome: string) => (counts.get(`${b}|${outcome}`) ?? 0) / (BUCKET_MS / 1000);
  const rows: Array<{ t: number; outcome: string; rps: number }> = [];
  for (let b = 0; b <= buckets; b++) for (const outcome of seen) rows.push({ t: (b * BUCKET_MS) / 1000, outcome, rps: rps(Math.min(b, buckets - 1), outcome) });
  return rows;
}

/** Client-visible outcomes per 10-s bucket (requests per second), stacked. */
export function outcomesSpec(run: RunRecord, title: string): Spec {
  const values = outcomeRows(run);
  return {
    ...frame(title, values),
    mark: { type: "area", interpolate: "step-after" },
    encoding: {
      x: { field: "t", type: "quantitative", title: "time (s)" },
      y: { field: "rps", type: "quantitative", stack: "zero", title: "client requests / s" },
      color: { field: "outcome", type: "nominal", scale: { domain: [...OUTCOMES], range: ["#4c78a8", "#f58518", "#e45756", "#bab0ac"] } },
    },
  };
}

/** Each backend's charged tokens per minute as a percent of its token limit, over time. */
export function utilizationSpec(run: RunRecord, title: string): Spec {
  const values: Array<{ t: number; backend: string; utilization: number }> = [];
  const buckets = Math.ceil(run.scenario.duration / BUCKET_MS);
  for (const d of run.deployments) {
    const tpm = d.spec.capacity * d.spec.tpmPerUnit;
    for (let b = 0; b < buckets; b++) {
      const tokens = d.stats.tokensByBucket.get(b) ?? 0;
      values.push({ t: (b * BUCKET_MS) / 1000, backend: `${d.spec.deployment}@${d.spec.region}`, utilization: tpm ? (100 * tokens * (60_000 / BUCKET_MS)) / tpm : 0 });
    }
  }
  return {
    ...frame(title, values),
    mark: { type: "line", interpolate: "step-after" },
    encoding: {
      x: { field: "t", type: "quantitative", title: "time (s)" },
      y: { field: "utilization", type: "quantitative", title: "% of token limit (per-minute rate)" },
      color: { field: "backend", type: "nominal" },
    },
  };
}

/** Distribution of the latency the gateway added (failed attempts and waits), log-binned. */
export function addedLatencySpec(run: RunRecord, title: string): Spec {
  const values = run.requests.map((r) => ({ added: Math.max(r.addedMs, 0.1) }));
  return {
    ...frame(title, values, 200),
    transform: [{ calculate: "floor(log(datum.added) / log(10) * 4) / 4", as: "log10" }, { aggregate: [{ op: "count", as: "requests" }], groupby: ["log10"] }],
    mark: "bar",
    encoding: {
      x: { field: "log10", type: "quantitative", title: "added latency, log10(ms)" },
      y: { field: "requests", type: "quantitative", scale: { type: "symlog" } },
    },
  };
}

export async function renderRunPlots(run: RunRecord, label: string): Promise<Record<string, string>> {
  return {
    "outcomes.svg": await render(outcomesSpec(run, `${label}: client-visible outcomes`)),
    "utilization.svg": await render(utilizationSpec(run, `${label}: backend utilization`)),
    "added-latency.svg": await render(addedLatencySpec(run, `${label}: latency added by the gateway`)),
  };
}
