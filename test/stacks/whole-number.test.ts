// The whole numbers a schema allows, as the config error for a fraction words them.
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { wholeNumbersAllowed } from "../../stacks/config/whole-number";

describe("wholeNumbersAllowed", () => {
  const schema = z.strictObject({
    inclusive: z.number().int().min(2).max(30).optional(),
    exclusive: z.number().int().gt(0).lt(10),
    positive: z.number().int().positive().default(1),
    unbounded: z.number().int(),
    list: z.array(z.strictObject({ weight: z.number().int().min(1).max(100) })),
    map: z.record(z.string(), z.union([z.number().int().max(5), z.strictObject({ total: z.number().int().min(3) })])),
  });

  it("reads inclusive and exclusive bounds through optionals, defaults, arrays, records and unions", () => {
    expect(wholeNumbersAllowed(schema, ["inclusive"])).toBe("whole numbers 2–30");
    expect(wholeNumbersAllowed(schema, ["exclusive"])).toBe("whole numbers 1–9");
    expect(wholeNumbersAllowed(schema, ["positive"])).toBe("whole numbers ≥ 1");
    expect(wholeNumbersAllowed(schema, ["unbounded"])).toBe("whole numbers");
    expect(wholeNumbersAllowed(schema, ["list", 3, "weight"])).toBe("whole numbers 1–100");
    expect(wholeNumbersAllowed(schema, ["map", "eastus2"])).toBe("whole numbers ≤ 5");
    expect(wholeNumbersAllowed(schema, ["map", "eastus2", "total"])).toBe("whole numbers ≥ 3");
  });

  it("says only 'whole numbers' where the path leads to no number schema", () => {
    expect(wholeNumbersAllowed(schema, ["missing"])).toBe("whole numbers");
    expect(wholeNumbersAllowed(schema, ["list"])).toBe("whole numbers");
  });
});
