// Per-consumer token limits: azure-openai-token-limit with a counter key per caller, placed after the
// route is resolved (a request that ends in 404 never reaches it, so it consumes nothing), and with
// response header names of our own — Azure OpenAI already returns x-ratelimit-remaining-tokens for
// the deployment, and a second meaning under the same name would mislead clients and SDKs.
import type { Statement } from "../ast";
import type { Expr } from "../expr/ast";
import { ctx, variable } from "../expr/helpers";
import { NAMES } from "./edge";
import type { EdgeSpec } from "./types";

/** Response headers the token limit adds (never Azure's `x-ratelimit-*`). */
export const TOKEN_LIMIT_HEADERS = {
  /** Tokens left in this consumer's current minute. */
  remaining: "x-aoai-tokens-remaining",
  /** Tokens this request consumed (prompt + completion). */
  consumed: "x-aoai-tokens-consumed",
  /** Tokens left in this consumer's quota period. */
  quotaRemaining: "x-aoai-quota-remaining",
} as const;

/** The counter key: subscription id, the caller (`aoai-caller`: Entra oid, else the client app) or the IP. */
export function counterKeyExpr(counterKey: NonNullable<EdgeSpec["limits"]>["counterKey"]): Expr {
  if (counterKey === "ip") return ctx("ipAddress");
  if (counterKey === "user") return variable(NAMES.callerVar, "string");
  return ctx("subscriptionId");
}

export function tokenLimitStatements(edge: EdgeSpec): Statement[] {
  const l = edge.limits;
  if (!l) return [];
  const quota = l.tokenQuota !== undefined && l.tokenQuotaPeriod !== undefined;
  return [
    {
      kind: "azure-openai-token-limit",
      counterKey: counterKeyExpr(l.counterKey),
      ...(l.tokensPerMinute !== undefined ? { tokensPerMinute: l.tokensPerMinute } : {}),
      ...(quota ? { tokenQuota: l.tokenQuota, tokenQuotaPeriod: l.tokenQuotaPeriod } : {}),
      estimatePromptTokens: true,
      ...(l.tokensPerMinute !== undefined ? { remainingTokensHeaderName: TOKEN_LIMIT_HEADERS.remaining } : {}),
      ...(quota ? { remainingQuotaTokensHeaderName: TOKEN_LIMIT_HEADERS.quotaRemaining } : {}),
      tokensConsumedHeaderName: TOKEN_LIMIT_HEADERS.consumed,
    },
  ];
}
