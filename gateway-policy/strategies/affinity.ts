// Responses affinity: a request that names a stored response (`previous_response_id`, or the
// `/responses/{response-id}` paths) goes to the account that stored it, whatever the route's strategy,
// canary or A/B split would pick; Azure keeps a response on that one account for 30 days.
//
// How the policy knows the account, from what APIM offers:
// 1. Capture: when a Responses create answers 200 unstreamed, outbound reads the new `id` from the
//    JSON body (preserveContent) and stores id → account (`host:port` of context.Request.Url after
//    forward-request) and deployment in the cache for 30 days. A streamed answer's body is never read
//    (that would buffer the stream), so streamed ids are not captured here.
// 2. Locate: on a cache miss (a streamed create, another region's cache, a restart, an eviction, the
//    Consumption tier without a cache), inbound asks every account `GET /openai/v1/responses/{id}`
//    (send-request with the gateway's managed identity, ignore-error) and stores the first that
//    answers 200. Only the owner answers 200 (others answer 404), so the mapping is right for as long
//    as Azure keeps the response, across gateway units and restarts.
// 3. Send: the request goes to the owner's account with set-backend-service base-url and no retry
//    elsewhere; a failure names the owner and the reason (errors.ts). When no account has the id the
//    gateway answers as Azure does (404 for the id paths, 400 previous_response_not_found for a
//    follow-up); when an account could not be asked, 503 says which, rather than "not found".
import type { Statement } from "../ast";
import type { Expr } from "../expr/ast";
import {
  and, bodyWithModel, conditional, concat, contains, ctx, eq, int, jsonObject, jsonText, lt, neq, nullExpr, plus, responseBodyField, sentStatus, statusIs, str, urlEscape, variable,
} from "../expr/helpers";
import { NAMES } from "./edge";
import { jsonAnswer, surfaceIs } from "./surface";
import { mixedPools, poolDeployment, responsesGroups, type RoutePools } from "./responses";
import type { BackendInventory, PoolDefinition } from "./types";

/** Azure keeps a stored response for 30 days (Learn, "Use the Responses API"). */
export const RESPONSE_RETENTION_SECONDS = 30 * 24 * 3600;
/** Seconds one locate probe may take. */
export const PROBE_TIMEOUT_SECONDS = 10;

export const AFFINITY_VARS = {
  owner: "aoai-owner",
  index: "aoai-probe-index",
  ownerDeployment: "aoai-owner-deployment",
  probe: "aoai-probe",
  unreachable: "aoai-probe-unreachable",
  newId: "aoai-new-response-id",
} as const;

const OWNER_KEY = "aoai-resp|";
const OWNER_DEPLOYMENT_KEY = "aoai-resp-d|";

/** One Azure OpenAI account behind the gateway. */
export interface Account {
  /** OpenAI base, `https://<subdomain>.openai.azure.com/openai`. */
  base: string;
  /** `host:port` as context.Request.Url gives it after forwarding there. */
  authority: string;
}

// Every route's policy asks for the authority of every backend of the fleet (a 20-route, 200-backend
// gateway parsed the same 200 URLs thousands of times); the answer depends on the text alone, so it is remembered.
const authorities = new Map<string, string>();
const AUTHORITIES_KEPT = 4096;

/** `host:port` of a URL, with the scheme's default port spelled out (as C#'s Uri.Port gives it). */
export function authorityOf(url: string): string {
  const known = authorities.get(url);
  if (known !== undefined) return known;
  const u = new URL(url);
  const authority = `${u.hostname}:${u.port !== "" ? u.port : u.protocol === "https:" ? "443" : "80"}`;
  if (authorities.size >= AUTHORITIES_KEPT) authorities.clear();
  authorities.set(url, authority);
  return authority;
}

/** Every account of the inventory, once, in a stable order. */
export function accountsOf(inventory: BackendInventory): Account[] {
  const byAuthority = new Map<string, Account>();
  for (const b of inventory.backends) {
    if (!b.url) continue;
    const base = b.url.replace(/\/+$/, "");
    const authority = authorityOf(base);
    byAuthority.set(authority, { base, authority });
  }
  return [...byAuthority.values()].sort((a, b) => a.authority.localeCompare(b.authority));
}

const v = (name: string): Expr => variable(name, "string");
const responseId = (): Expr => v(NAMES.responseIdVar);
const owner = (): Expr => v(AFFINITY_VARS.owner);

/** Azure's answers when no account holds the id (shapes from openai-api-surface.md §3; unverified there). */
function notFoundStatements(): Statement[] {
  const unreachable = jsonText({
    error: jsonObject({
      code: str("ServiceUnavailable"),
      message: concat(str("Response "), responseId(), str(" could not be located: an account that may hold it did not answer, and a stored response lives only on the account that created it. Retry later.")),
    }),
  });
  const unknownId = jsonText({
    error: jsonObject({ code: nullExpr(), message: concat(str("Response with id '"), responseId(), str("' not found.")), param: nullExpr(), type: str("invalid_request_error") }),
  });
  const unknownPrevious = jsonText({
    error: jsonObject({
      code: str("previous_response_not_found"),
      message: concat(str("Previous response with id '"), responseId(), str("' not found.")),
      param: str("previous_response_id"),
      type: str("invalid_request_error"),
    }),
  });
  return [
    {
      kind: "choose",
      when: [
        { condition: neq(v(AFFINITY_VARS.unreachable), str("")), policies: [jsonAnswer(503, "Service Unavailable", unreachable)] },
        { condition: surfaceIs("response"), policies: [jsonAnswer(404, "Not Found", unknownId)] },
      ],
      otherwise: [jsonAnswer(400, "Bad Request", unknownPrevious)],
    },
  ];
}

/** `accounts[index].<field>` as one expression (a chain of conditionals on the probe index). */
function byIndex(accounts: readonly Account[], field: (a: Account) => string): Expr {
  const index = variable(AFFINITY_VARS.index, "int");
  return accounts
    .slice(0, -1)
    .reduceRight<Expr>((rest, a, i) => conditional(eq(index, int(i)), str(field(a)), rest), str(field(accounts[accounts.length - 1]!)));
}

/**
 * Asks the accounts one after another (`retry` as a loop: one attempt per account, stopping at the
 * first that holds the id) for the response; the first 200 makes that account the owner, cached.
 * Anything but 404 (no answer, 5xx, 429) means the account may hold it and is reported.
 */
function locateStatements(accounts: readonly Account[]): Statement[] {
  if (accounts.length === 0) return [];
  const index = variable(AFFINITY_VARS.index, "int");
  const authority = byIndex(accounts, (a) => a.authority);
  const attempt: Statement[] = [
    {
      kind: "send-request",
      mode: "new",
      responseVariableName: AFFINITY_VARS.probe,
      timeout: PROBE_TIMEOUT_SECONDS,
      ignoreError: true,
      url: concat(byIndex(accounts, (a) => `${a.base}/v1/responses/`), urlEscape(responseId())),
      method: "GET",
      headers: [{ kind: "set-header", name: "Authorization", existsAction: "override", values: [concat(str("Bearer "), v(NAMES.msiTokenVar))] }],
    },
    {
      kind: "choose",
      when: [
        {
          condition: eq(sentStatus(AFFINITY_VARS.probe), int(200)),
          policies: [
            { kind: "set-variable", name: AFFINITY_VARS.owner, value: authority },
            { kind: "cache-store-value", key: concat(str(OWNER_KEY), responseId()), value: v(AFFINITY_VARS.owner), duration: RESPONSE_RETENTION_SECONDS },
          ],
        },
        { condition: neq(sentStatus(AFFINITY_VARS.probe), int(404)), policies: [{ kind: "set-variable", name: AFFINITY_VARS.unreachable, value: concat(v(AFFINITY_VARS.unreachable), str(" "), authority) }] },
      ],
    },
    { kind: "set-variable", name: AFFINITY_VARS.index, value: plus(index, int(1)) },
  ];
  const loop: Statement[] =
    accounts.length === 1
      ? attempt
      : [{ kind: "retry", condition: and(eq(owner(), str("")), lt(index, int(accounts.length))), count: accounts.length - 1, interval: 0, firstFastRetry: true, policies: attempt }];
  return [{ kind: "choose", when: [{ condition: eq(owner(), str("")), policies: [{ kind: "set-variable", name: AFFINITY_VARS.index, value: int(0) }, ...loop] }] }];
}

/**
 * Inbound, for a request naming `aoai-response-id`: leaves the owning account in `aoai-owner` (and the
 * deployment that created the response, when it was captured, in `aoai-owner-deployment`), or answers.
 */
export function ownerStatements(accounts: readonly Account[]): Statement[] {
  return [
    { kind: "set-variable", name: AFFINITY_VARS.unreachable, value: "" },
    { kind: "cache-lookup-value", key: concat(str(OWNER_KEY), responseId()), variableName: AFFINITY_VARS.owner, defaultValue: "" },
    { kind: "cache-lookup-value", key: concat(str(OWNER_DEPLOYMENT_KEY), responseId()), variableName: AFFINITY_VARS.ownerDeployment, defaultValue: "" },
    // A cached owner the fleet no longer has is as good as none (an inventory without URLs has no accounts).
    accounts.length === 0
      ? { kind: "set-variable", name: AFFINITY_VARS.owner, value: "" }
      : { kind: "choose", when: [{ condition: and(...accounts.map((a) => neq(owner(), str(a.authority)))), policies: [{ kind: "set-variable", name: AFFINITY_VARS.owner, value: "" }] }] },
    ...locateStatements(accounts),
    { kind: "choose", when: [{ condition: eq(owner(), str("")), policies: notFoundStatements() }] },
    { kind: "set-variable", name: NAMES.labelVar, value: "affinity" },
  ];
}

/**
 * For a Responses create with previous_response_id: the deployment its body names on the owner's
 * account. Selection has picked the route's pool as for any call; when that pool has a member on the
 * owner's account, its deployment is used (the conversation follows the route's current choice, on the
 * account that holds it). For a pool that mixes names: the deployment that created the response when
 * it is one of the pool's names on that account (the group that served the create, captured), else the
 * pool's most preferred name there. Otherwise the deployment that created the response (captured), if
 * known; otherwise 400, since the route does not reach that account.
 */
export function ownerDeploymentStatements(routes: readonly RoutePools[], inventory: BackendInventory): Statement[] {
  const authorityOfBackend = new Map(inventory.backends.map((b) => [b.backendId, b.url ? authorityOf(b.url) : undefined]));
  const accountsOfMembers = (p: PoolDefinition): string[] => [...new Set(p.members.map((m) => authorityOfBackend.get(m.backendId)).filter((a): a is string => a !== undefined))];
  // Here the owner is one of the fleet's accounts (ownerStatements answers every other case), so a pool
  // with a member on every account needs no check; otherwise one Contains per pool (an authority,
  // host:port, has no "|") instead of one comparison per account keeps wide fleets small.
  const fleet = accountsOf(inventory).map((a) => a.authority);
  const onOwner = (accounts: readonly string[]): Expr | undefined =>
    fleet.every((a) => accounts.includes(a))
      ? undefined
      : accounts.length === 1
        ? eq(owner(), str(accounts[0] as string))
        : contains(str(`|${accounts.join("|")}|`), concat(str("|"), owner(), str("|")));
  const all = (...conditions: Array<Expr | undefined>): Expr => {
    const present = conditions.filter((c): c is Expr => c !== undefined);
    return present.length === 1 ? (present[0] as Expr) : and(...present);
  };
  const target = v(NAMES.targetVar);
  const setDeployment = (value: Expr | string): Statement => ({ kind: "set-variable", name: NAMES.deploymentVar, value });
  const mixed = new Set(routes.flatMap((r) => mixedPools(r.pools).map((m) => m.poolId)));
  const pools = routes.flatMap((r) => r.pools.filter((p) => (p.family ?? "deployment") === "deployment"));
  const refuse = jsonAnswer(
    400,
    "Bad Request",
    jsonText({
      error: jsonObject({
        code: str("invalid_request_error"),
        message: concat(str("Previous response "), responseId(), str(" is stored on an account that route "), v(NAMES.routeVar), str(" does not reach; send the follow-up with the model (route) that created it.")),
        param: str("previous_response_id"),
      }),
    }),
  );
  const branches = pools.flatMap((p) => {
    if (!mixed.has(p.poolId)) {
      const accounts = accountsOfMembers(p);
      return accounts.length === 0 ? [] : [{ condition: all(eq(target, str(p.poolId)), onOwner(accounts)), policies: [setDeployment(poolDeployment(p))] }];
    }
    // Deployment names are taken from the deployment pool's members (the groups' members are their twins).
    const groups = responsesGroups(p).map((g) => ({ deployment: poolDeployment(g), accounts: accountsOfMembers({ ...p, members: p.members.filter((m) => m.deployment === poolDeployment(g)) }) })).filter((g) => g.accounts.length > 0);
    return [
      ...groups.map((g) => ({ condition: all(eq(target, str(p.poolId)), eq(v(AFFINITY_VARS.ownerDeployment), str(g.deployment)), onOwner(g.accounts)), policies: [setDeployment(g.deployment)] })),
      ...groups.map((g) => ({ condition: all(eq(target, str(p.poolId)), onOwner(g.accounts)), policies: [setDeployment(g.deployment)] })),
    ];
  });
  return [
    {
      kind: "choose",
      when: [...branches, { condition: neq(v(AFFINITY_VARS.ownerDeployment), str("")), policies: [setDeployment(v(AFFINITY_VARS.ownerDeployment))] }],
      otherwise: [refuse],
    },
    { kind: "set-body", value: bodyWithModel(v(NAMES.deploymentVar)) },
  ];
}

/** Sends the request to the owner's account (its OpenAI base; no pool, no retry elsewhere). */
export function ownerBackendStatements(accounts: readonly Account[]): Statement[] {
  if (accounts.length === 0) return [];
  return [{ kind: "choose", when: accounts.map((a) => ({ condition: eq(owner(), str(a.authority)), policies: [{ kind: "set-backend-service", baseUrl: a.base } as Statement] })) }];
}

/** Outbound: store the id of an unstreamed Responses create that succeeded → the account that served it. */
export function captureStatements(): Statement[] {
  const id = v(AFFINITY_VARS.newId);
  return [
    {
      kind: "choose",
      when: [
        {
          condition: and(surfaceIs("responses"), neq(v(NAMES.streamVar), str("True")), statusIs(200)),
          policies: [
            { kind: "set-variable", name: AFFINITY_VARS.newId, value: responseBodyField("id") },
            {
              kind: "choose",
              when: [
                {
                  condition: neq(id, str("")),
                  policies: [
                    { kind: "cache-store-value", key: concat(str(OWNER_KEY), id), value: concat(ctx("backendHost"), str(":"), ctx("backendPort")), duration: RESPONSE_RETENTION_SECONDS },
                    { kind: "cache-store-value", key: concat(str(OWNER_DEPLOYMENT_KEY), id), value: v(NAMES.deploymentVar), duration: RESPONSE_RETENTION_SECONDS },
                  ],
                },
              ],
            },
          ],
        },
      ],
    },
  ];
}

/** True when the request names a stored response (and goes to its owner). */
export const hasAffinity = (): Expr => neq(responseId(), str(""));
/** The owner phrase for error messages: "the account that stored response <id>" (never its host name: exposure.ts). */
export const ownerPhrase = (): Expr => concat(str("the account that stored response "), responseId());
