// The exhaustion records are keyed by Azure deployment: a deployment-path pool and its Responses
// (account-level) twin read the same records, once each, and every record is one lookup + one statement.
import { describe, expect, it } from "vitest";
import type { Statement } from "../../gateway-policy/ast";
import { str } from "../../gateway-policy/expr/helpers";
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

  it("are read once per deployment for a pool and its Responses twin, one statement each", () => {
    const statements = earliestFreeStatements(
      breaker,
      [
        { poolId: "chat-stable", family: "deployment", members },
        { poolId: "chat-stable-resp", family: "account", members },
      ],
      str("chat-stable"),
      [],
    );
    const kinds = (s: readonly Statement[]) => s.map((x) => x.kind);
    const lookups = statements.filter((s): s is Extract<Statement, { kind: "cache-lookup-value" }> => s.kind === "cache-lookup-value");
    expect(lookups.map((l) => l.key)).toEqual(["aoai-free-at|acct-eastus.openai.azure.com:443|chat", "aoai-free-at|acct-westus.openai.azure.com:443|chat"]);
    // pool-of, now, (lookup, record) × 2, default earliest, the per-pool choose, the wait.
    expect(kinds(statements)).toEqual(["set-variable", "set-variable", "cache-lookup-value", "set-variable", "cache-lookup-value", "set-variable", "set-variable", "choose", "set-variable"]);
    const choose = statements.find((s): s is Extract<Statement, { kind: "choose" }> => s.kind === "choose");
    // Both pools read the same two records, so they share one branch.
    expect(choose?.when).toHaveLength(1);
  });
});
