import { RolloutError } from "../errors";

/** The default canary schedule from the issue: percent of traffic at each step. */
export const defaultSchedule: readonly number[] = [5, 25, 50, 100];

/**
 * Parse `--schedule 5,25,50,100`. Steps must be whole percents, strictly increasing, within 1–100,
 * and end at 100 so that stepping through the schedule always reaches full promotion.
 */
export function parseSchedule(text: string): number[] {
  const parts = text.split(",").map((p) => p.trim());
  const steps = parts.map((p) => Number(p));
  const fix = "use whole percents, strictly increasing, ending at 100, e.g. --schedule 5,25,50,100";
  steps.forEach((s, i) => {
    // Digits only: Number() also reads "0x10", "1e1" and " " (16, 10, 0) as whole numbers.
    if (!/^\d+$/.test(parts[i] ?? "") || s < 1 || s > 100) {
      throw new RolloutError(`--schedule: "${parts[i]}" is not a whole percent between 1 and 100; ${fix}`, 2);
    }
    const previous = steps[i - 1];
    if (previous !== undefined && s <= previous) {
      throw new RolloutError(`--schedule: ${s} does not increase on ${previous}; ${fix}`, 2);
    }
  });
  if (steps[steps.length - 1] !== 100) {
    throw new RolloutError(`--schedule: last step is ${steps[steps.length - 1]}, not 100; ${fix}`, 2);
  }
  return steps;
}

/** Index of the step a percent sits on, or undefined when the percent is not in the schedule. */
export function stepIndexOf(schedule: readonly number[], percent: number): number | undefined {
  const i = schedule.indexOf(percent);
  return i < 0 ? undefined : i;
}

/** The next percent after `percent`: the first schedule step strictly above it (100 stays 100). */
export function nextStep(schedule: readonly number[], percent: number): number {
  return schedule.find((s) => s > percent) ?? 100;
}
