// Property over policy GENERATION (not hand-built documents): for arbitrary route names, variant ids,
// deployment names, header names and config strings, every document the gateway deploys (the API
// policy, each route's policy and the shadow relay's, after the component's post-processing) is XML
// our parser reads back identically, passes the structural APIM schema, keeps every generated name
// within ARM's limits, and — in one mcs batch at the end — every C# expression compiles.
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { deployedPolicyXml } from "../../components/gateway/design";
import {
  ARM_NAME_LIMITS, checkPolicyXml, composeGatewayPolicy, composeRoutePolicy, NAMED_VALUE_NAME, parsePolicy, renderPolicy,
  type BackendInventory, type EdgeSpec, type RouteSpec,
} from "../../gateway-policy/index";
import { hostileString } from "./support/arbitraries";
import { collectExpressions, compileExpressions, monoUnavailableReason, type FoundExpression } from "./support/csharp";

const routeName = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/);
const variantId = fc.stringMatching(/^[a-z0-9][a-z0-9-]{0,31}$/);
const deploymentName = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/);
const region = fc.constantFrom("eastus2", "swedencentral", "germanywestcentral", "australiaeast", "southcentralus");
const headerName = fc.stringMatching(/^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,40}$/);
/** Printable ASCII without `@` first or `{{` (what the config accepts for plain strings), commas and spaces excluded for claim values. */
const claimValue = fc.stringMatching(/^[!-+\--~]{1,30}$/).filter((s) => !s.startsWith("@") && !s.includes("{{"));
const subscriptionId = fc.stringMatching(/^[ -~]{1,40}$/).filter((s) => !/[*#&+:<>?]/.test(s) && !s.startsWith("@") && !s.includes("{{"));
const guid = fc.uuid();

const scenario = fc.record({
  routes: fc.uniqueArray(routeName, { minLength: 1, maxLength: 3, selector: (r) => r.toLowerCase() }),
  deployments: fc.uniqueArray(deploymentName, { minLength: 5, maxLength: 5, selector: (d) => d.toLowerCase() }),
  regions: fc.uniqueArray(region, { minLength: 1, maxLength: 3 }),
  variants: fc.uniqueArray(variantId, { minLength: 2, maxLength: 3 }),
  experiment: hostileString.filter((s) => s.length > 0 && s.length <= 128),
  entra: fc.boolean(),
  roles: fc.array(claimValue, { minLength: 1, maxLength: 2 }),
  apps: fc.array(guid, { maxLength: 2 }),
  audience: fc.oneof(guid.map((g) => `api://${g}`), claimValue.map((s) => `https://contoso.example/${s.replace(/[^A-Za-z0-9]/g, "x")}`)),
  subscriptions: fc.array(subscriptionId, { minLength: 1, maxLength: 2 }),
  dimension: fc.record({ name: claimValue, header: headerName }),
  namespace: claimValue,
  features: fc.record({ canary: fc.boolean(), blueGreen: fc.boolean(), ab: fc.boolean(), shadow: fc.boolean(), expose: fc.boolean(), quota: fc.boolean() }),
});

type Scenario = typeof scenario extends fc.Arbitrary<infer T> ? T : never;

function build(s: Scenario): { routes: RouteSpec[]; edge: EdgeSpec; inventory: BackendInventory } {
  const [stable, canary, green, variantB, shadow] = s.deployments as [string, string, string, string, string];
  const inventory: BackendInventory = {
    backends: s.deployments.flatMap((deployment) => s.regions.map((r, i) => ({ backendId: `${deployment}-${r}`, deployment, region: r, capacity: 10 * (i + 1), tpm: 10_000, embeddings: false }))),
  };
  const variants = Object.fromEntries(s.variants.map((v, i) => [v, { deployment: i === 0 ? stable : variantB, percent: i === 0 ? 100 - 10 * (s.variants.length - 1) : 10 }]));
  const routes = s.routes.map((name): RouteSpec => ({
    name,
    strategy: "priority",
    backends: [{ deployment: stable }],
    ...(s.features.canary ? { canary: { deployment: canary, percent: 5, sticky: true } } : {}),
    ...(s.features.blueGreen ? { blueGreen: { blue: stable, green, active: "blue" as const } } : {}),
    ...(s.features.ab ? { abTest: { id: s.experiment, variants } } : {}),
    ...(s.features.shadow ? { shadow: { deployment: shadow, percent: 10, maxTokensPerMinute: 1000 } } : {}),
  }));
  const quota = s.features.quota ? { tokenQuota: 1_000_000, tokenQuotaPeriod: "Monthly" as const } : {};
  const edge: EdgeSpec = s.entra
    ? {
        auth: { entra: { tenantId: "5f1c7e2a-9d4b-4c3e-8a61-2b7f0d9e4c18", audiences: [s.audience], ...(s.apps.length > 0 ? { clientApplicationIds: s.apps } : {}), requiredClaims: { roles: s.roles } } },
        limits: { tokensPerMinute: 10_000, counterKey: "user", ...quota },
        overrides: { roles: s.roles, ...(s.apps.length > 0 ? { clientApplicationIds: s.apps } : {}) },
        metrics: { namespace: s.namespace, extraDimensions: s.features.ab ? [] : [s.dimension] },
        ...(s.features.expose ? { expose: { region: true, target: true } } : {}),
      }
    : {
        auth: { subscriptionKeys: true },
        limits: { tokensPerMinute: 10_000, counterKey: "subscription", ...quota },
        overrides: { subscriptionIds: s.subscriptions },
        metrics: { namespace: s.namespace, extraDimensions: s.features.ab ? [] : [s.dimension] },
        ...(s.features.expose ? { expose: { target: true } } : {}),
      };
  return { routes, edge, inventory };
}

const expressions: FoundExpression[] = [];
let generated = 0;

describe("policy generation property", () => {
  it("every deployed document is valid XML, passes the schema and keeps generated names within ARM's limits", () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const { routes, edge, inventory } = build(s);
        const api = composeGatewayPolicy({ routes, edge, inventory });
        const documents = [api.document, ...routes.map((r) => composeRoutePolicy(r, edge, inventory).document), ...(api.shadow ? [api.shadow.document] : [])];
        for (const [i, doc] of documents.entries()) {
          const xml = deployedPolicyXml(doc);
          expect(renderPolicy(parsePolicy(xml))).toBe(xml);
          expect(checkPolicyXml(xml)).toEqual([]);
          expressions.push(...collectExpressions(xml, `case ${generated} document ${i}`));
        }
        for (const id of [...api.pools, ...(api.shadow?.pools ?? [])].map((p) => p.poolId).concat(api.shadow?.backends.map((b) => b.backendId) ?? [])) {
          expect(id.length).toBeLessThanOrEqual(ARM_NAME_LIMITS.backendId);
        }
        for (const member of api.pools.flatMap((p) => p.members)) expect(member.backendId.length).toBeLessThanOrEqual(ARM_NAME_LIMITS.backendId);
        for (const v of api.namedValues) {
          expect(v.name.length).toBeLessThanOrEqual(ARM_NAME_LIMITS.namedValue);
          expect(v.name).toMatch(NAMED_VALUE_NAME);
        }
        generated += 1;
      }),
      { numRuns: 60 },
    );
    expect(generated).toBe(60);
  });

  const reason = monoUnavailableReason();
  it.skipIf(reason !== null)("every C# expression of every generated document compiles (one mcs batch)", () => {
    // Identical expressions (most of them) are compiled once.
    const unique = [...new Map(expressions.map((e) => [`${e.type}|${e.block}|${e.code}`, e])).values()];
    expect(unique.length).toBeGreaterThan(100);
    expect(compileExpressions(unique)).toEqual([]);
  });

  afterAll(() => {
    if (reason) console.warn(`[gateway-policy] generated-policy C# compile skipped: ${reason}`);
  });
});
