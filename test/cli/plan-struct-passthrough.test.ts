// The offline plan replaces google-protobuf's Struct conversions with plain snapshots while the
// program runs (they were about a fifth of a large plan's program time). The snapshot must give
// exactly what protobuf's round trip gives (key order included, since plan.json keeps it), every
// Pulumi registration must take it, and the original must come back.
import fc from "fast-check";
import { afterEach, describe, expect, it } from "vitest";
import { runOfflinePlan } from "../../cli/plan/runner";
import { pulumiStructClass, structRoundTrip, suspendStructConversions } from "../../cli/plan/struct-passthrough";
import { callsDuringOfflineRun } from "../support/offline-run";
import { TODAY } from "../support/plan";

const STACKS_ENV = "AOAI_FLEET_PLAN_STACKS";

afterEach(() => {
  delete process.env[STACKS_ENV];
});

/** JSON text that keeps key order and tells NaN, ±Infinity and -0 apart. */
function exactText(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    typeof v === "number" && (!Number.isFinite(v) || Object.is(v, -0)) ? `number:${Object.is(v, -0) ? "-0" : String(v)}` : v,
  );
}

const protobufRoundTrip = (value: Record<string, unknown>): unknown => pulumiStructClass().fromJavaScript(value).toJavaScript();

const structValue: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: "small" },
    fc.constant(null),
    fc.boolean(),
    fc.double(),
    fc.string(),
    fc.array(tie("value"), { maxLength: 4 }),
    tie("object"),
  ),
  object: fc.dictionary(fc.string(), tie("value"), { maxKeys: 5 }),
})).value;

describe("the snapshot that stands in for a protobuf Struct", () => {
  it("gives what google-protobuf's own round trip gives, key order included", () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), structValue, { maxKeys: 6 }), (value) => {
        expect(exactText(structRoundTrip(value))).toBe(exactText(protobufRoundTrip(value)));
      }),
      { numRuns: 300 },
    );
  });

  it("sorts keys at every level, as a protobuf map iterates", () => {
    const value = { b: 1, a: { z: [{ y: 1, x: 2 }], c: null }, "10": "ten", "9": true };
    expect(exactText(structRoundTrip(value))).toBe(exactText(protobufRoundTrip(value)));
    expect(Object.keys(structRoundTrip(value) as object)).toEqual(["9", "10", "a", "b"]);
  });

  it("refuses what protobuf refuses, with the same error", () => {
    for (const bad of [{ a: undefined }, { a: () => 1 }, { a: [1, undefined] }, { a: 1n }, { a: Symbol("s") }, { a: [, 1] }]) {
      expect(() => protobufRoundTrip(bad)).toThrow("Unexpected struct type.");
      expect(() => structRoundTrip(bad)).toThrow("Unexpected struct type.");
    }
  });

  it("answers any other use with a real Struct built from the same value", () => {
    const value = { name: "d01", sku: { capacity: 50, name: "GlobalStandard" }, tags: ["a", "b"] };
    const restore = suspendStructConversions();
    try {
      const Struct = pulumiStructClass();
      const snapshot = Struct.fromJavaScript(value);
      expect(snapshot).toBeInstanceOf(Struct);
      const decoded = (Struct as unknown as { deserializeBinary(bytes: Uint8Array): { toJavaScript(): unknown } }).deserializeBinary(snapshot.serializeBinary());
      expect(exactText(decoded.toJavaScript())).toBe(exactText(structRoundTrip(value)));
      const fields = snapshot.getFieldsMap() as { get(key: string): { toJavaScript(): unknown } };
      expect(fields.get("sku").toJavaScript()).toEqual({ capacity: 50, name: "GlobalStandard" });
    } finally {
      restore();
    }
  });
});

/** Counts Pulumi's calls of google-protobuf's Struct.fromJavaScript during a two-resource offline run. */
function conversions(): Promise<{ calls: number; restored: boolean }> {
  const Struct = pulumiStructClass();
  return callsDuringOfflineRun({ get: () => Struct.fromJavaScript, set: (f) => (Struct.fromJavaScript = f) });
}

describe("google-protobuf's Struct conversions in offline runs", () => {
  it("are bypassed for every registration while the program runs, and put back afterwards", async () => {
    expect(await conversions()).toEqual({ calls: 0, restored: true });
  });

  it("stay with AOAI_FLEET_PLAN_STACKS=1, and Pulumi's runtime calls them through the replaced export", async () => {
    process.env[STACKS_ENV] = "1";
    const { calls, restored } = await conversions();
    // Two registrations and their answers, plus the components' outputs.
    expect(calls).toBeGreaterThanOrEqual(4);
    expect(restored).toBe(true);
  });

  it("plans the dev stack to byte-identical JSON with and without the snapshots", async () => {
    const fast = await runOfflinePlan("dev", { today: TODAY });
    process.env[STACKS_ENV] = "1";
    const converted = await runOfflinePlan("dev", { today: TODAY });
    expect(fast.resources.length).toBeGreaterThan(40);
    expect(JSON.stringify(fast)).toBe(JSON.stringify(converted));
  });
});
