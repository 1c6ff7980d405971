// A request no member of its pool can ever admit. A standard deployment meters each request on
// arrival by an estimate (prompt characters ÷ 4 plus its max_tokens) against its tokens per minute,
// and answers one whose estimate alone is above that limit with 429 and a Retry-After
// (../shared/reference azure-openai-models.md §7.1, observed). Behind a pool whose breaker trips on
// one 429 and honours Retry-After, such a request trips the member it reaches, the retry carries it
// to the next, and so on: one oversized request takes the route away from every caller for the
// Retry-After (found by exploratory QA: a 300 KB prompt against 50 K TPM deployments).
//
// So, right after the route's pool is chosen: when the request's estimate is above the largest
// tokens-per-minute among that pool's members, the gateway answers 429 itself, with
// `x-should-retry: false` (the openai SDKs then raise at once instead of retrying) and no
// Retry-After, since waiting cannot help. Nothing is forwarded and no breaker moves. A pool with a
// provisioned member (no per-minute cap: a PTU admits a large request whenever its utilisation is
// below 100%) is never refused. The estimate counts the body's characters (JSON included, a \uXXXX
// escape as one, inline base64 images, files and audio left out), slightly more than the service's
// prompt-only count, and the first max_tokens / max_completion_tokens / max_output_tokens in the body
// (absent: 0, where the service would assume more). It errs towards forwarding: a request it
// under-counts is forwarded as before the guard existed.
import type { Statement } from "../ast";
import type { Expr } from "../expr/ast";
import { and, compare, concat, divide, int, jsonObject, jsonText, lookup, minus, plus, requestBodyLength, requestMaxTokens, requestTextLength, requestUnicodeEscapes, str, times, tryParseLong, variable } from "../expr/helpers";
import { NAMES } from "./edge";
import { jsonAnswer } from "./surface";
import type { BackendInventory, PoolDefinition, RouteSpec } from "./types";

export const OVERSIZE_VARS = {
  /** The chosen pool's largest tokens per minute (0: no cap known, never refused). */
  limit: "aoai-oversize-limit",
  /** The request's token estimate. */
  estimate: "aoai-token-estimate",
} as const;

/** One pool that refuses oversized requests, with its largest member's tokens per minute. */
export interface OversizeLimit {
  poolId: string;
  tokensPerMinute: number;
}

/** The pools of a route (with `refuseOversized`) whose members all have a per-minute token limit. */
export function planOversize(route: RouteSpec, pools: readonly PoolDefinition[], inventory: BackendInventory): OversizeLimit[] {
  if (route.routing?.refuseOversized !== true) return [];
  // 0 = no cap on one request's size: provisioned, or no figure known.
  const cap = new Map(inventory.backends.map((b) => [b.backendId, b.provisioned === true ? 0 : b.tpm]));
  return pools.flatMap((pool) => {
    const limits = pool.members.map((m) => cap.get(m.backendId) ?? 0);
    return limits.length > 0 && limits.every((l) => l > 0) ? [{ poolId: pool.poolId, tokensPerMinute: Math.max(...limits) }] : [];
  });
}

const CHARS_PER_TOKEN = 4;
/** A `\\uXXXX` escape counts as one character: five more than its text. */
const UNICODE_ESCAPE_EXTRA = 5;

/**
 * Inbound, right after the route's pool is chosen (every surface that forwards a body to a pool):
 * a request whose estimate is above the chosen pool's largest per-minute limit is answered 429.
 */
export function oversizeStatements(limits: readonly OversizeLimit[]): Statement[] {
  if (limits.length === 0) return [];
  const limit = variable(OVERSIZE_VARS.limit, "long", 0);
  const estimate = variable(OVERSIZE_VARS.estimate, "long", 0);
  const poolLimit: Expr = tryParseLong(lookup(variable(NAMES.targetVar, "string", ""), limits.map((l) => ({ key: l.poolId, value: String(l.tokensPerMinute) })), ""), 0);
  const characters = requestBodyLength();
  const body = jsonText({
    error: jsonObject({
      code: str("TokenEstimateExceedsLimit"),
      message: concat(
        str("This request's token estimate ("),
        estimate,
        str(": its text characters ÷ 4 plus the output tokens it asks for) is above the "),
        limit,
        str(" tokens per minute of every backend of route "),
        variable(NAMES.routeVar, "string", ""),
        str(", so no backend can ever admit it and retrying cannot help. Shorten the prompt or lower max_tokens."),
      ),
    }),
  });
  return [
    { kind: "set-variable", name: OVERSIZE_VARS.limit, value: poolLimit },
    {
      kind: "choose",
      when: [
        {
          // A body is needed before it is read (and no body is never too large).
          condition: and(compare(">", limit, int(0)), compare(">", characters, int(0))),
          policies: [
            // A \uXXXX escape is one character of the prompt in six of the body (clients that escape
            // all non-ASCII text would otherwise be refused a prompt Azure admits). Inline base64 data
            // (an image's or a file's data URL, audio input) is left out: the service does not size it
            // as text, and a screenshot alone would otherwise look like 100 K tokens.
            { kind: "set-variable", name: OVERSIZE_VARS.estimate, value: plus(divide(plus(minus(requestTextLength(), times(int(UNICODE_ESCAPE_EXTRA), requestUnicodeEscapes())), int(CHARS_PER_TOKEN - 1)), int(CHARS_PER_TOKEN)), tryParseLong(requestMaxTokens(), 0)) },
            {
              kind: "choose",
              when: [
                {
                  condition: compare(">", estimate, limit),
                  policies: [jsonAnswer(429, "Too Many Requests", body, [{ kind: "set-header", name: "x-should-retry", existsAction: "override", values: ["false"] }])],
                },
              ],
            },
          ],
        },
      ],
    },
  ];
}
