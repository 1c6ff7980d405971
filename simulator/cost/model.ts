// What a run cost: pay-as-you-go tokens billed at the model's price on the SKU that served them,
// provisioned deployments billed for their PTUs over the run whatever they served. A request Azure
// spilled over from a PTU to a standard deployment was served (and is billed) by the standard one,
// though the gateway called the PTU: the attempt's `spilledTo` says which.
import type { RunRecord } from "../run/runner";
import { deploymentOfUrl } from "../run/urls";
import { paygPrice, ptuHourlyRate, type CostSpec } from "./prices";

export interface CostSummary {
  /** Tokens (prompt + completion, as billed) of every successful answer. */
  servedTokens: number;
  /** Share of the served tokens answered by pay-as-you-go deployments (spilled-over answers included). */
  paygTokenShare: number;
  /** Dollars billed for pay-as-you-go tokens during the run. */
  paygDollars: number;
  /** Dollars of PTU reservation for the run's duration (paid whatever was used). */
  ptuDollars: number;
  paygCostPerMillionTokens: number;
  totalCostPerMillionTokens: number;
  /**
   * Tokens the provisioned deployments worked off during the run (admitted minus what was still in
   * their utilisation bucket at the end) ÷ their capacity over the run (null: no PTU). A request a PTU
   * refused and spilled over was never admitted there, so it is not in this figure.
   */
  ptuUtilization: number | null;
  /** Deployments without a known price (their tokens cost nothing here): `<model>/<sku>`. */
  unpriced: string[];
  /** Served tokens answered by pay-as-you-go deployments without a known price (in no dollar figure). */
  unpricedTokens: number;
}

export function costOf(run: RunRecord, spec: CostSpec): CostSummary {
  const minutes = run.scenario.duration / 60_000;
  const unpriced = new Set<string>();
  let served = 0;
  let paygTokens = 0;
  let paygDollars = 0;
  let unpricedTokens = 0;
  for (const r of run.requests) {
    if (!r.usage) continue;
    const tokens = r.usage.promptTokens + r.usage.completionTokens;
    served += tokens;
    const last = r.trace.attempts[r.trace.attempts.length - 1];
    if (!last) continue;
    const host = new URL(last.url).host;
    const inAccount = (deployment: string | undefined) => run.backends.find((b) => b.deployment === deployment && new URL(b.url).host === host);
    // Pool members are recorded by backend id; a base-url backend only by its URL.
    const backend = last.spilledTo !== undefined ? inAccount(last.spilledTo) : (run.backends.find((b) => b.backendId === last.backendId) ?? inAccount(deploymentOfUrl(last.url)));
    if (!backend && last.spilledTo !== undefined) {
      // Spillover targets are standard deployments: pay-as-you-go, at a price this run cannot name.
      paygTokens += tokens;
      unpriced.add(`${last.spilledTo} at ${host} (spillover target outside the run)`);
      unpricedTokens += tokens;
      continue;
    }
    if (!backend || backend.rpm === null) continue;
    paygTokens += tokens;
    const price = paygPrice(spec, backend.model, backend.sku ?? "GlobalStandard");
    if (!price) {
      unpriced.add(`${backend.model}/${backend.sku ?? "?"}`);
      unpricedTokens += tokens;
      continue;
    }
    paygDollars += (r.usage.promptTokens / 1000) * price.inputPer1K + (r.usage.completionTokens / 1000) * price.outputPer1K;
  }
  let ptuDollars = 0;
  let ptuAdmitted = 0;
  let ptuCapacity = 0;
  for (const b of run.backends.filter((x) => x.rpm === null)) {
    const rate = ptuHourlyRate(spec, b.model, b.sku ?? "ProvisionedManaged");
    if (rate === undefined) unpriced.add(`${b.model}/${b.sku ?? "?"}`);
    else ptuDollars += b.capacity * rate * (minutes / 60);
    const d = run.deployments.find((x) => x.spec.deployment === b.deployment && x.spec.region === b.region);
    if (d) {
      ptuAdmitted += d.workedOffTokens(run.scenario.duration);
      ptuCapacity += b.tpm * minutes;
    }
  }
  const perMillion = (dollars: number) => (served > 0 ? (dollars / served) * 1_000_000 : 0);
  return {
    servedTokens: served,
    paygTokenShare: served > 0 ? paygTokens / served : 0,
    paygDollars,
    ptuDollars,
    paygCostPerMillionTokens: perMillion(paygDollars),
    totalCostPerMillionTokens: perMillion(paygDollars + ptuDollars),
    ptuUtilization: ptuCapacity > 0 ? ptuAdmitted / ptuCapacity : null,
    unpriced: [...unpriced].sort(),
    unpricedTokens,
  };
}
