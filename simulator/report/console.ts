// Console tables for a run summary.
import { consoleTable } from "../../core/console/table";
import type { RunSummary } from "../run/metrics";

const pct = (x: number, digits = 2): string => `${(100 * x).toFixed(digits)}%`;
const ms = (x: number): string => `${x < 10 ? x.toFixed(2) : Math.round(x)} ms`;

/**
 * Offered load by tokens, and by requests where every member has a request limit. Scenarios set their
 * load in tokens; when the requests are the tighter limit the line says so, since that is what the
 * 429s then come from.
 */
function offeredLoad(s: RunSummary): string {
  const tokens = pct(s.offeredRatio, 1);
  if (s.offeredRequestRatio === null || s.capacityRpm === null) return `${tokens} of ${s.capacityTpm} TPM`;
  const requests = pct(s.offeredRequestRatio, 1);
  const binding = s.offeredRequestRatio > s.offeredRatio ? "; requests are the tighter limit" : "";
  return `${tokens} of ${s.capacityTpm} TPM, ${requests} of ${s.capacityRpm} RPM${binding}`;
}

/** `out 12 (2 failed)` on a PTU that spilled, `in 10` on the standard deployment that served them. */
function spilloverCell(b: RunSummary["backends"][number]): string {
  const parts: string[] = [];
  if (b.spilledOut > 0) parts.push(`out ${b.spilledOut}${b.spilloverFailed > 0 ? ` (${b.spilloverFailed} failed)` : ""}`);
  if (b.spilledIn > 0) parts.push(`in ${b.spilledIn}`);
  return parts.join(", ") || "-";
}

export function formatSummary(s: RunSummary, label: string): string {
  const head = consoleTable([label, "value"], { lines: "rows" });
  head.push(
    ["requests", String(s.requests)],
    ["offered load / aggregate capacity", offeredLoad(s)],
    ["goodput / aggregate capacity", pct(s.goodputRatio, 2)],
    ["client-visible 429", pct(s.client429Rate, 3)],
    ["client-visible 5xx", pct(s.client5xxRate, 3)],
    ["latency p50 / p99 (end to end)", `${ms(s.latencyP50Ms)} / ${ms(s.latencyP99Ms)}`],
    ["time to first / last token p50", `${ms(s.ttftP50Ms)} / ${ms(s.ttltP50Ms)}${s.streamedShare > 0 ? ` (${Math.round(s.streamedShare * 100)}% streamed)` : " (unstreamed: both are the latency)"}`],
    ["time to first / last token p99", `${ms(s.ttftP99Ms)} / ${ms(s.ttltP99Ms)}`],
    ["added latency p50 / p99", `${ms(s.p50AddedMs)} / ${ms(s.p99AddedMs)}`],
    ["backend attempts per request", s.backendAttemptsPerRequest.toFixed(3)],
    ["gateway calls per request (client retries)", s.clientCallsPerRequest.toFixed(3)],
    ["PAYG $ per million tokens served", `$${s.cost.paygCostPerMillionTokens.toFixed(2)} (PTU reservation included: $${s.cost.totalCostPerMillionTokens.toFixed(2)})`],
  );
  if (s.cost.ptuUtilization !== null) head.push(["PTU utilisation", pct(s.cost.ptuUtilization, 1)]);
  // The dollar figures leave these tokens out: say how many, and where a price goes.
  if (s.cost.unpriced.length > 0) {
    const share = s.cost.servedTokens > 0 ? s.cost.unpricedTokens / s.cost.servedTokens : 0;
    head.push(["no price for", `${s.cost.unpriced.join(", ")}: ${pct(share, 1)} of the tokens served are in no dollar figure (set one under the scenario's cost.prices)`]);
  }
  // The denominator is said on the line: requests the gateway answered before the split (or outside
  // it) are in "requests" but in neither arm, so the share is not canary ÷ requests.
  if (s.canaryShare !== null) head.push(["canary share", `${pct(s.canaryShare, 2)} (${s.canaryAssigned} of ${s.splitAssigned} requests the split assigned to an arm)`]);
  if (s.stickyViolations !== null) head.push(["sticky callers that switched side", `${s.stickyViolations} of ${s.stickyCallers}`]);
  if (s.abShares) head.push(["A/B split", `${Object.entries(s.abShares).map(([k, v]) => `${k} ${pct(v, 2)}`).join(", ")} of ${s.abAssigned} requests assigned to a variant`]);
  head.push(["unanswered / duplicated", `${s.unanswered} / ${s.duplicated}`], ["simulated in", `${Math.round(s.wallMs)} ms wall (${s.events} events)`]);

  // Azure's spillover (only when some request spilled): a PTU's 429s and 5xx include the requests it
  // handed to its standard deployment, so the column says how many callers were served elsewhere.
  const spilled = s.backends.some((b) => b.spilledOut > 0 || b.spilledIn > 0);
  const backends = consoleTable(["backend", "TPM limit", "RPM limit", "utilization", "accepted", "429", "5xx", "refused", ...(spilled ? ["spillover"] : [])], { lines: "rows" });
  for (const b of s.backends) {
    const row = [`${b.deployment}@${b.region}`, String(b.capacityTpm), b.capacityRpm === null ? "none (PTU)" : String(b.capacityRpm), pct(b.utilization, 1), String(b.accepted), String(b.throttled), String(b.serverErrors), String(b.refused)];
    backends.push(spilled ? [...row, spilloverCell(b)] : row);
  }

  let out = `${head.toString()}\n${backends.toString()}\n`;
  if (s.faults.length > 0) {
    const faults = consoleTable(["fault", "time to fail over", "time to recover"], { lines: "rows" });
    for (const f of s.faults) faults.push([f.fault, f.failoverMs === null ? "never" : ms(f.failoverMs), f.recoverMs === null ? "never" : ms(f.recoverMs)]);
    out += `${faults.toString()}\n`;
  }
  return out;
}
