// The emulator evaluates the two table-shaped expressions the wide-fleet policy relies on exactly as
// their C# does: earliestFresh (LINQ Min over the record slots) and lookup (Dictionary.TryGetValue).
import { describe, expect, it } from "vitest";
import { expr as x } from "../../gateway-policy/index";
import { evaluate, type ExprEnv, type PolicyValue } from "../../simulator/emulator/expressions";
import { PolicyRuntimeError } from "../../simulator/emulator/errors";
import { Rng } from "../../simulator/rng";

function env(variables: Record<string, PolicyValue>): ExprEnv {
  return { requestHeaders: {}, matchedParameters: {}, variables: new Map(Object.entries(variables)), context: {}, responseStatus: null, responseHeaders: null, originalPath: "/", namedValues: new Map(), rng: new Rng(1) } as unknown as ExprEnv;
}

const now = x.variable("now", "long");
const stale = x.plus(now, x.int(60000));
const earliest = (count: number) => x.earliestFresh("slot-", x.int(count), now, stale);

describe("earliestFresh", () => {
  it("takes the earliest record after now; missing, unparsable and past records count as stale", () => {
    const vars = { now: 1000, "slot-0": "5000", "slot-1": "3000", "slot-2": "999", "slot-3": "abc", "slot-4": "" };
    expect(evaluate(earliest(2), env(vars))).toBe(3000);
    // Only stale slots (a past record, text, empty, missing): now + 60 s.
    expect(evaluate(x.earliestFresh("slot-", x.int(4), now, stale), env({ now: 1000, "slot-0": "999", "slot-1": "abc", "slot-2": "", "slot-3": "1000" }))).toBe(61000);
    expect(evaluate(earliest(1), env({ now: 1000 }))).toBe(61000);
    // A record beyond stale (a Retry-After longer than the trip) still counts as itself.
    expect(evaluate(earliest(1), env({ now: 1000, "slot-0": "90000" }))).toBe(90000);
    expect(evaluate(earliest(5), env(vars))).toBe(3000);
  });

  it("reads its count from an int variable, and fails as LINQ does on an empty sequence", () => {
    expect(evaluate(x.earliestFresh("slot-", x.variable("n", "int"), now, stale), env({ now: 0, n: 2, "slot-0": "7", "slot-1": "4" }))).toBe(4);
    expect(() => evaluate(x.earliestFresh("slot-", x.variable("n", "int"), now, stale), env({ now: 0 }))).toThrow(PolicyRuntimeError);
  });

  it("fails like GetValueOrDefault<string> when a slot holds another type", () => {
    expect(() => evaluate(earliest(1), env({ now: 0, "slot-0": 5 }))).toThrow("specified cast is not valid");
  });
});

describe("lookup", () => {
  const table = x.lookup(x.variable("key", "string"), [{ key: "a:443|chat", value: "chat-stable-avoid-a" }, { key: "b:443|chat", value: "chat-stable-avoid-b" }], "");
  it("answers the entry of its key (ordinal), else the fallback", () => {
    expect(evaluate(table, env({ key: "b:443|chat" }))).toBe("chat-stable-avoid-b");
    expect(evaluate(table, env({ key: "A:443|chat" }))).toBe("");
    expect(evaluate(table, env({}))).toBe("");
  });
});
