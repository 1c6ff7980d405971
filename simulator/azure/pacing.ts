// How fast a simulated deployment answers: time to first token (TTFT) plus an output rate in
// tokens per second, per model and SKU. One figure set drives both a streamed answer (chunks spaced
// by 1 / rate) and a non-streamed one (TTFT + tokens / rate), so the two take the same total time.
// The same functions serve the wall clock (local gateway) and the virtual clock (simulator, bench).
//
// Sources, and where a figure is our assumption:
// - Provisioned (PTU) output rates are Microsoft's published latency targets, "99% > N tokens per
//   second" per model (Learn, "Provisioned throughput onboarding", latency target table, stored copy
//   dated 2026-03-20; reference sheet openai-api-surface.md §2.5). We use the floor itself.
// - Standard (pay-as-you-go) deployments have no latency target ("best-effort with no strict latency
//   SLA", Microsoft Q&A staff answer, 2026). Their rate is the PTU floor × STANDARD_RATE_FACTOR, an
//   assumption chosen so that PTU is faster, as Microsoft positions it; where a third-party figure
//   exists (Artificial Analysis, quoted in Microsoft Q&A 2026-06: gpt-4.1-mini ≈ 79 tokens/s on
//   Azure) it agrees in size (90 × 0.85 ≈ 77).
// - TTFT: Microsoft documents no number ("Time to Response" is the metric to watch, Learn
//   "Performance and latency"); the Q&A answer above says TTFT "is typically < 1 second" when
//   streaming. We use 600 ms for standard and 400 ms for provisioned (assumptions), plus prompt
//   processing at PREFILL_TOKENS_PER_SECOND (assumption) so long prompts start later.
import { isProvisioned } from "../../core/catalog/catalog";
import type { DeploymentSku } from "../../stacks/config/fleet";

export interface Pacing {
  /** Median time from request to the first output token, ms (before prompt processing). */
  ttftMs: number;
  /** Median output rate, tokens per second. */
  tokensPerSecond: number;
  /** Where the figures come from (for reports and docs). */
  source: string;
}

/** Microsoft's PTU latency targets (tokens/s floor, 99th percentile) by model family prefix. */
export const PTU_TOKENS_PER_SECOND: ReadonlyArray<readonly [prefix: string, tokensPerSecond: number]> = [
  // Longest prefix first: "gpt-4.1-nano" must win over "gpt-4.1".
  ["gpt-4.1-nano", 100],
  ["gpt-4.1-mini", 90],
  ["gpt-4.1", 80],
  ["gpt-4o-mini", 33],
  ["gpt-4o", 25],
  ["gpt-5-mini", 80],
  ["gpt-5.5", 100],
  ["gpt-5", 50],
  ["o4-mini", 90],
  ["o3-mini", 66],
  ["o3", 80],
  ["o1", 25],
];

/** Models without a published target: the slowest published floor, so nothing is flattered. */
export const DEFAULT_PTU_TOKENS_PER_SECOND = 25;
export const STANDARD_RATE_FACTOR = 0.85;
export const STANDARD_TTFT_MS = 600;
export const PROVISIONED_TTFT_MS = 400;
export const PREFILL_TOKENS_PER_SECOND = 20_000;

const PTU_SOURCE = "Microsoft Learn, provisioned throughput latency targets (99% > N tokens/s)";

/** Output rate and TTFT for one model on one SKU. */
export function pacingFor(model: string, sku: DeploymentSku | string): Pacing {
  const hit = PTU_TOKENS_PER_SECOND.find(([prefix]) => model.startsWith(prefix));
  const floor = hit ? hit[1] : DEFAULT_PTU_TOKENS_PER_SECOND;
  const provisioned = isProvisioned(sku as DeploymentSku);
  const known = hit ? PTU_SOURCE : `no published target for ${model}; the slowest published floor (${DEFAULT_PTU_TOKENS_PER_SECOND} tokens/s)`;
  return provisioned
    ? { ttftMs: PROVISIONED_TTFT_MS, tokensPerSecond: floor, source: known }
    : { ttftMs: STANDARD_TTFT_MS, tokensPerSecond: Math.round(floor * STANDARD_RATE_FACTOR * 10) / 10, source: `${known} × ${STANDARD_RATE_FACTOR} (standard: assumption)` };
}

/** Time to the first output token for a prompt of `promptTokens`, ms. */
export function timeToFirstTokenMs(p: Pacing, promptTokens: number): number {
  return p.ttftMs + (1000 * promptTokens) / PREFILL_TOKENS_PER_SECOND;
}

/** Gap between two output tokens, ms. */
export function interTokenMs(p: Pacing): number {
  return 1000 / p.tokensPerSecond;
}

/** The deployment latency model these figures give (median TTFT, per-token time, prompt processing). */
export function latencyOf(p: Pacing): { baseMs: number; perOutputTokenMs: number; perPromptTokenMs: number } {
  return { baseMs: p.ttftMs, perOutputTokenMs: interTokenMs(p), perPromptTokenMs: 1000 / PREFILL_TOKENS_PER_SECOND };
}
