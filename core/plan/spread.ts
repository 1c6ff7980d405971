/**
 * Spreads `{ total: N }` capacity over regions: largest-remainder (Hamilton) apportionment with equal
 * weights, in whole steps (PTU increments), never above a region's cap; what a capped region cannot
 * take is re-spread over the others. Ties go to the earlier region, so results are deterministic.
 */

export interface SpreadSlot {
  readonly region: string;
  /** Most units this region can take (remaining quota); undefined = no declared limit. */
  readonly cap: number | undefined;
}

export interface SpreadResult {
  /** Units per region, in slot order. */
  readonly allocation: ReadonlyMap<string, number>;
  /** Units that fit nowhere (0 when the total was fully placed). */
  readonly unplaced: number;
}

/** `total` and the result are in units; `step` is the increment every allocation must be a multiple of. */
export function spreadTotal(total: number, slots: readonly SpreadSlot[], step = 1): SpreadResult {
  const stepsTotal = Math.floor(total / step);
  const capSteps = slots.map((s) => (s.cap === undefined ? Number.POSITIVE_INFINITY : Math.max(0, Math.floor(s.cap / step))));
  const given = slots.map(() => 0);
  let remaining = stepsTotal;
  let open = slots.map((_, i) => i).filter((i) => (capSteps[i] ?? 0) > 0);
  while (remaining > 0 && open.length > 0) {
    const exact = remaining / open.length;
    const share = open.map(() => Math.floor(exact));
    let leftover = remaining - share.reduce((a, b) => a + b, 0);
    // Equal weights: every fractional part is the same, so the earliest regions take the leftovers.
    for (let k = 0; k < share.length && leftover > 0; k++, leftover--) share[k] = (share[k] ?? 0) + 1;
    let placed = 0;
    open.forEach((i, k) => {
      const room = (capSteps[i] ?? 0) - (given[i] ?? 0);
      const take = Math.min(room, share[k] ?? 0);
      given[i] = (given[i] ?? 0) + take;
      placed += take;
    });
    remaining -= placed;
    if (placed === 0) break;
    open = open.filter((i) => (given[i] ?? 0) < (capSteps[i] ?? 0));
  }
  const allocation = new Map(slots.map((s, i) => [s.region, (given[i] ?? 0) * step]));
  return { allocation, unplaced: remaining * step + (total - stepsTotal * step) };
}
