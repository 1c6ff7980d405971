import { consoleTable, type ConsoleTable } from "../../core/console/table";
import { decidingTest, fmt, fmtInterval, fmtP, pClause, type AbReport, type UnitTest } from "../ab/report";
import type { SmokeVerdict } from "../bluegreen/smoke";
import type { CanaryEvaluation } from "../canary/evaluate";
import type { ActionResult } from "../engine";
import type { ShadowReport } from "../shadow/report";
import type { ArmSummary } from "../stats/summary";

function table(head: string[]): ConsoleTable {
  return consoleTable(head, { lines: "rows" });
}

const pct = (rate: number): string => `${(rate * 100).toFixed(2)}%`;
const ms = (v: number | undefined): string => (v === undefined ? "–" : `${Math.round(v)}`);

export function renderAction(result: ActionResult, file: string): string {
  const lines = [result.message];
  if (result.changes.length > 0) {
    const t = table(["config path", "from", "to"]);
    for (const c of result.changes) t.push([c.path, JSON.stringify(c.from) ?? "(absent)", JSON.stringify(c.to)]);
    lines.push(t.toString());
  }
  const applied = result.applied;
  if (applied?.kind === "pulumi-up") lines.push(`applied: ${applied.summary}`);
  if (applied?.kind === "written") {
    lines.push(`written to ${file} — NOT applied: ${applied.reason}.`, `to apply, run: ${applied.command}`);
  }
  if (!applied) lines.push(`no change: ${file} already has this state`);
  for (const warning of result.warnings ?? []) lines.push(`warning: ${warning}`);
  return lines.join("\n");
}

function armRow(arm: string, deployment: string, s: ArmSummary): string[] {
  return [arm, deployment, String(s.requests), String(s.failures), pct(s.errorRate), ms(s.latencyP50Ms), ms(s.latencyP95Ms), String(s.promptTokens + s.completionTokens)];
}

export function renderCanaryEvaluation(ev: CanaryEvaluation, percent: number, stableDeployments: string, canaryDeployment: string): string {
  const t = table(["arm", "deployment", "requests", "errors", "error rate", "p50 ms", "p95 ms", "tokens"]);
  t.push(armRow("stable", stableDeployments, ev.stable), armRow(`canary ${percent}%`, canaryDeployment, ev.canary));
  return `${t.toString()}\ndecision: ${ev.decision.verdict.toUpperCase()} — ${ev.decision.reason}`;
}

export function renderSmoke(v: SmokeVerdict & { slot: string; deployment: string }, target: string): string {
  const t = table(["slot", "deployment", "requests", "success rate", "p50 ms", "p95 ms"]);
  t.push([v.slot, v.deployment, String(v.summary.requests), pct(v.successRate), ms(v.summary.latencyP50Ms), ms(v.summary.latencyP95Ms)]);
  return `smoke test via ${target}\n${t.toString()}\nsmoke: ${v.passed ? "PASSED" : "FAILED"} — ${v.reason}${v.passed ? "" : "\nbluegreen switch is blocked until a smoke test of this slot passes"}`;
}

export function renderAbReport(r: AbReport): string {
  const outcomeNames = [...new Set(r.variants.flatMap((v) => Object.keys(v.outcomes)))].sort();
  const withCallers = r.variants.some((v) => v.callers !== undefined);
  const variants = table(["variant", "deployment", "requests", ...(withCallers ? ["callers"] : []), "success", "mean ms", "p95 ms", "tokens/req", ...outcomeNames]);
  for (const v of r.variants) {
    variants.push([
      v.variant, v.deployments.join(", "), String(v.requests), ...(withCallers ? [String(v.callers ?? "–")] : []), pct(v.successRate), ms(v.latencyMeanMs), ms(v.latencyP95Ms),
      v.tokensMean === undefined ? "–" : v.tokensMean.toFixed(1),
      ...outcomeNames.map((n) => (v.outcomes[n] ? `${fmt(v.outcomes[n].mean)} (n=${v.outcomes[n].n})` : "–")),
    ]);
  }
  const level = `${Math.round(r.confidence * 100)}% CI`;
  const head = withCallers
    ? ["metric", "per caller: n", "difference", level, "statistic", "p-value", "verdict", "per request: test, difference, p"]
    : ["metric", "test", "n", "difference", level, "statistic", "p-value", "verdict"];
  const tests = table(head);
  for (const c of r.comparisons) {
    const name = `${c.metric} (${c.variant} − ${c.baseline})`;
    const deciding = decidingTest(c);
    const cells = [`${deciding.n[0]} / ${deciding.n[1]}`, ...resultCells(deciding), deciding.tooSmall ? `too small: ${deciding.tooSmall}` : deciding.significant ? "significant" : "not significant"];
    if (withCallers) {
      const req = c.perRequest;
      const beside = req.result ? `${req.test}, ${fmt(req.result.difference)}, ${pClause(req.result.pValue)}` : `${req.test}, too small`;
      tests.push([name, ...cells, beside]);
    } else {
      tests.push([name, deciding.test, ...cells]);
    }
  }
  return `experiment ${r.experiment} (baseline ${r.baseline})\n${variants.toString()}\n${tests.toString()}\nconclusion: ${r.conclusion}`;
}

function resultCells(t: UnitTest): string[] {
  const res = t.result;
  if (!res) return ["–", "–", "–", "–"];
  return [fmt(res.difference), fmtInterval(res.ciLow, res.ciHigh), statistic(res.statistic, res.degreesOfFreedom), fmtP(res.pValue)];
}

function statistic(value: number, df: number | undefined): string {
  const shown = Number.isFinite(value) ? value.toFixed(2) : `${value < 0 ? "-" : ""}∞ (no variance)`;
  return df === undefined ? shown : `${shown} (df ${df.toFixed(0)})`;
}

export function renderShadowReport(r: ShadowReport): string {
  const t = table(["side", "deployment", "requests", "errors", "error rate", "p50 ms", "p95 ms", "tokens"]);
  t.push(armRow("primary", r.primaryDeployments.join(", "), r.primary), armRow("shadow", r.shadowDeployments.join(", "), r.shadow));
  const match = r.matchRate === undefined ? "n/a (no pair where both succeeded with a response hash)" : `${pct(r.matchRate)} of ${r.comparablePairs} comparable pairs`;
  const delta = r.latencyDeltaMeanMs === undefined ? "n/a" : `${r.latencyDeltaMeanMs >= 0 ? "+" : ""}${Math.round(r.latencyDeltaMeanMs)} ms`;
  return [
    t.toString(),
    `pairs: ${r.pairs} (shadow records without their primary: ${r.orphanShadows})`,
    `response match rate: ${match}`,
    `shadow − primary latency (mean over pairs where both succeeded): ${delta}`,
    `shadow error rate ${pct(r.shadow.errorRate)} vs primary ${pct(r.primary.errorRate)}`,
  ].join("\n");
}
