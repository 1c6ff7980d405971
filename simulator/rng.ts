// Seeded randomness for the simulator. Every random choice (arrivals, latencies, fault draws,
// weighted backend choice) goes through an Rng forked from the run's seed, so one seed gives one
// run, byte for byte, whatever else is added to the scenario later.
import { createHash } from "node:crypto";
import { xoroshiro128plus } from "pure-rand/generator/xoroshiro128plus";
import { uniformFloat64 } from "pure-rand/distribution/uniformFloat64";
import type { RandomGenerator } from "pure-rand/types/RandomGenerator";

/** Derives a 32-bit seed from a parent seed and a label (stable across platforms). */
function deriveSeed(seed: number, label: string): number {
  const digest = createHash("sha256").update(`${seed}:${label}`).digest();
  return digest.readInt32LE(0);
}

export class Rng {
  private readonly gen: RandomGenerator;

  constructor(readonly seed: number) {
    this.gen = xoroshiro128plus(seed | 0);
  }

  /** An independent stream for one named consumer (a deployment, a caller, the gateway). */
  fork(label: string): Rng {
    return new Rng(deriveSeed(this.seed, label));
  }

  /** Uniform in [0, 1). */
  float(): number {
    return uniformFloat64(this.gen);
  }

  /** Uniform integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.float() * (max - min + 1));
  }

  /** Standard normal draw (Box–Muller). */
  normal(): number {
    const u = 1 - this.float();
    const v = this.float();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** Log-normal draw with the given median and log-space sigma. */
  logNormal(median: number, sigma: number): number {
    return median * Math.exp(sigma * this.normal());
  }

  /** Exponential draw with the given mean (Poisson inter-arrival times). */
  exponential(mean: number): number {
    return -mean * Math.log(1 - this.float());
  }
}
