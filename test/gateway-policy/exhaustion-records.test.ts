// The exhaustion records are keyed by Azure deployment: a deployment-path pool and its Responses
// (account-level) twin read the same records, once each; a record costs one lookup, read only in the
// chosen pool's branch, and one expression folds them (wide fleets must fit APIM's 256 KiB).
import { describe, expect, it } from "vitest";
import type { Statement } from "../../gateway-policy/ast";
import type { Expr } from "../../gateway-policy/expr/ast";
import { int, str } from "../../gateway-policy/expr/helpers";
import { renderExpr } from "../../gateway-policy/expr/render";
import { earliestFreeStatements, freeAtKey } from "../../gateway-policy/strategies/exhaustion";

const breaker = { tripSeconds: 60, acceptRetryAfter: true, statusRanges: [{ min: 429, max: 429 }], errorReasons: [] };
const members = [
  { authority: "acct-eastus.openai.azure.com:443", deployment: "chat" },
  { authority: "acct-westus.openai.azure.com:443", deployment: "chat" },
];

describe("exhaustion records", () => {
  it("key a member by its account and deployment, whatever the backend family", () => {
    expect(freeAtKey(members[0]!)).toBe("aoai-free-at|acct-eastus.openai.azure.com:443|chat");
    expect(freeAtKey({ authority: undefined, deployment: "chat" })).toBeUndefined();
  });

  it("are read once per deployment for a pool and its Responses twin, in the chosen pool's branch, and folded by one expression", () => {
    const statements = earliestFreeStatements(
      breaker,
      [
        { poolId: "chat-stable", family: "deployment", members },
        { poolId: "chat-stable-resp", family: "account", members },
        { poolId: "chat-canary", family: "deployment", members: [{ authority: undefined, deployment: "chat-next" }] },
      ],
      str("chat-stable"),
      [],
    );
    const kinds = (s: readonly Statement[]) => s.map((x) => x.kind);
    // pool-of, now, the per-pool choose, the fold, the wait.
    expect(kinds(statements)).toEqual(["set-variable", "set-variable", "choose", "set-variable", "set-variable"]);
    const choose = statements[2] as Extract<Statement, { kind: "choose" }>;
    // Both pools read the same two records, so they share one branch; the canary's unknown member is one empty slot.
    expect(choose.when.map((w) => renderExpr(w.condition as Expr))).toEqual([
      '(context.Variables.GetValueOrDefault<string>("aoai-pool-of", "") == "chat-stable") || (context.Variables.GetValueOrDefault<string>("aoai-pool-of", "") == "chat-stable-resp")',
      'context.Variables.GetValueOrDefault<string>("aoai-pool-of", "") == "chat-canary"',
    ]);
    expect(choose.when[0]?.policies).toEqual([
      { kind: "cache-lookup-value", key: "aoai-free-at|acct-eastus.openai.azure.com:443|chat", variableName: "aoai-free-at-0", defaultValue: "" },
      { kind: "cache-lookup-value", key: "aoai-free-at|acct-westus.openai.azure.com:443|chat", variableName: "aoai-free-at-1", defaultValue: "" },
      { kind: "set-variable", name: "aoai-free-slots", value: int(2) },
    ]);
    expect(choose.when[1]?.policies).toEqual([
      { kind: "set-variable", name: "aoai-free-at-0", value: str("") },
      { kind: "set-variable", name: "aoai-free-slots", value: int(1) },
    ]);
    // A pool not listed (none in practice) is one empty slot: the trip duration.
    expect(choose.otherwise).toEqual(choose.when[1]?.policies);
    expect(renderExpr((statements[3] as Extract<Statement, { kind: "set-variable" }>).value as Expr)).toBe(
      'System.Linq.Enumerable.Range(0, context.Variables.GetValueOrDefault<int>("aoai-free-slots", 0)).Min(slot => long.TryParse(context.Variables.GetValueOrDefault<string>("aoai-free-at-" + slot, ""), out var freeAt) && freeAt > context.Variables.GetValueOrDefault<long>("aoai-now", 0) ? freeAt : (context.Variables.GetValueOrDefault<long>("aoai-now", 0) + 60000))',
    );
  });
});
