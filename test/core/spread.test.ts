import { describe, expect, it } from "vitest";
import { spreadTotal } from "../../core/plan/spread";

const slots = (...caps: (number | undefined)[]) => caps.map((cap, i) => ({ region: `r${i}`, cap }));

describe("spreadTotal (largest remainder, capped)", () => {
  it("splits evenly and gives leftovers to the earliest regions", () => {
    expect([...spreadTotal(100, slots(undefined, undefined, undefined)).allocation]).toEqual([["r0", 34], ["r1", 33], ["r2", 33]]);
  });
  it("never exceeds a cap and re-spreads the excess", () => {
    const result = spreadTotal(300, slots(50, undefined, undefined));
    expect([...result.allocation]).toEqual([["r0", 50], ["r1", 125], ["r2", 125]]);
    expect(result.unplaced).toBe(0);
  });
  it("reports what fits nowhere", () => {
    const result = spreadTotal(300, slots(100, 100));
    expect([...result.allocation]).toEqual([["r0", 100], ["r1", 100]]);
    expect(result.unplaced).toBe(100);
  });
  it("allocates in whole increments (PTU steps)", () => {
    expect([...spreadTotal(45, slots(undefined, undefined), 5).allocation]).toEqual([["r0", 25], ["r1", 20]]);
    expect([...spreadTotal(45, slots(22, undefined), 5).allocation]).toEqual([["r0", 20], ["r1", 25]]);
  });
  it("a zero cap takes nothing", () => {
    expect([...spreadTotal(10, slots(0, undefined)).allocation]).toEqual([["r0", 0], ["r1", 10]]);
  });
});
