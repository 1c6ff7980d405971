// The table-shaped expressions of wide-fleet policies, with their C# semantics: `lookup` is
// Dictionary<string, string>.TryGetValue on a constant table, `earliestFresh` is the exhaustion
// records' fold, a LINQ Min over numbered slot variables (gateway-policy/expr/render.ts).
import type { Expr } from "../../gateway-policy/expr/ast";
import type { ExprEnv, PolicyValue } from "./expressions";
import { tryParseLong } from "./expressions";

type Table = Extract<Expr, { kind: "lookup" | "earliestFresh" }>;

export function evaluateTable(
  e: Table,
  env: ExprEnv,
  evaluate: (e: Expr, env: ExprEnv) => PolicyValue,
  fail: (message: string) => never,
  typeName: (v: PolicyValue) => string,
): PolicyValue {
  if (e.kind === "lookup") {
    const key = evaluate(e.key, env);
    // Dictionary<string, string>.TryGetValue throws on a null key; keys here are strings.
    if (typeof key !== "string") return fail(`TryGetValue needs a string key, got ${typeName(key)}.`);
    return e.entries.find((x) => x.key === key)?.value ?? e.fallback;
  }
  // C# evaluates now and stale once per slot; both are side-effect free, so once here.
  const now = evaluate(e.now, env);
  const stale = evaluate(e.stale, env);
  const count = evaluate(e.count, env);
  if (typeof count !== "number") return fail(`Enumerable.Range needs an int count, got ${typeName(count)}.`);
  if (typeof now !== "number" || typeof stale !== "number") return fail(`earliestFresh needs numbers, got ${typeName(now)} and ${typeName(stale)}.`);
  let earliest = Number.POSITIVE_INFINITY;
  for (let slot = 0; slot < count; slot += 1) {
    // Each slot is read as GetValueOrDefault<string>(name, ""): another type throws as in C#.
    const text = evaluate({ kind: "variable", name: `${e.prefix}${slot}`, type: "string", fallback: "" }, env) as string;
    const at = tryParseLong(text);
    earliest = Math.min(earliest, at !== undefined && at > now ? at : stale);
  }
  // Enumerable.Min of an empty sequence throws (every reader sets at least one slot).
  return count > 0 ? earliest : fail("Sequence contains no elements.");
}
