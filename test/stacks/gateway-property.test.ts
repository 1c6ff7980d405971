// Property: any value under aoai-fleet:gateway either validates (and then designs, deterministically,
// within APIM's limits) or fails with one stack-config error naming aoai-fleet:gateway paths —
// never another exception.
import * as path from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { readStackConfigFile } from "../../cli/plan/stack-config";
import { designGateway } from "../../components/gateway/design";
import { loadCatalog } from "../../core/catalog/catalog";
import { planFromRawConfig } from "../../core/plan";
import { FleetConfigError } from "../../stacks/config/errors";
import { GATEWAY_SKUS } from "../../stacks/config/gateway";
import { plannedTargets, validateGatewayConfig } from "../../stacks/gateway";
import { TODAY } from "../support/plan";

const prod = readStackConfigFile(path.join(__dirname, "..", "..", "Pulumi.prod.yaml"));
const plan = planFromRawConfig(prod["aoai-fleet:fleet"], { catalog: loadCatalog(), today: TODAY });
/** Mostly a valid value, sometimes an invalid one, so both outcomes are exercised. */
const mostly = <T, U>(valid: fc.Arbitrary<T>, invalid: fc.Arbitrary<U>) => fc.oneof({ arbitrary: valid, weight: 40 }, { arbitrary: invalid, weight: 1 });
// A route's deployments answer one kind of call: mostly chat models, sometimes embeddings only, and
// rarely a name of the other kind (refused, like an unknown name).
const chatDeployment = mostly(fc.constantFrom("chat", "chat-std", "chat-mini"), fc.constantFrom("chat-next", "", "embeddings"));
const embeddingsDeployment = mostly(fc.constant("embeddings"), fc.constantFrom("chat", ""));
const percent = mostly(fc.integer({ min: 0, max: 100 }), fc.constantFrom(-1, 101, 12.5));

const backendsFor = (strategy: string, deployment: fc.Arbitrary<string>) =>
  fc.uniqueArray(deployment, { minLength: 1, maxLength: 3 }).chain((names) =>
    fc.tuple(...names.map((name, index) => (strategy === "priority" ? fc.record({ deployment: fc.constant(name), priority: mostly(fc.constant(index + 1), fc.constant(101)) }) : fc.constant({ deployment: name })))),
  );

const routeOf = (deployment: fc.Arbitrary<string>) => mostly(fc.constantFrom("priority", "weighted"), fc.constant("round-robin")).chain((strategy) =>
  fc.record(
    {
      strategy: fc.constant(strategy),
      backends: backendsFor(strategy, deployment),
      canary: fc.record({ deployment, percent, sticky: fc.boolean(), failover: fc.boolean() }, { requiredKeys: ["deployment", "percent"] }),
      blueGreen: fc.record({ blue: deployment, green: deployment, active: mostly(fc.constantFrom("blue", "green"), fc.constant("red")) }),
      abTest: fc.integer({ min: 0, max: 100 }).chain((a) =>
        fc.record({
          id: mostly(fc.constantFrom("exp-1", "prompt-v2"), fc.constant("")),
          variants: fc.record({ a: fc.record({ deployment, percent: mostly(fc.constant(a), percent) }), b: fc.record({ deployment, percent: fc.constant(100 - a) }) }),
        }),
      ),
      // A shadow on a production deployment is refused unless allowed explicitly; mostly allow it here.
      shadow: fc.record({ deployment, percent, allowProductionDeployment: mostly(fc.constant(true), fc.constant(false)) }),
      retryCount: mostly(fc.integer({ min: 1, max: 50 }), fc.constant(0)),
      timeoutSeconds: mostly(fc.integer({ min: 1, max: 240 }), fc.constant(300)),
    },
    { requiredKeys: ["strategy", "backends"] },
  ),
);
const route = fc.oneof({ arbitrary: routeOf(chatDeployment), weight: 4 }, { arbitrary: routeOf(embeddingsDeployment), weight: 1 });

const gateway = fc.record(
  {
    sku: mostly(fc.constantFrom(...GATEWAY_SKUS), fc.constant("Free")),
    capacity: mostly(fc.constant(1), fc.constantFrom(0, 11)),
    publisher: fc.constant({ name: "Contoso", email: "ai@contoso.com" }),
    auth: mostly(fc.constantFrom({ subscriptionKeys: true }, { entra: { tenantId: "5f1c7e2a-9d4b-4c3e-8a61-2b7f0d9e4c18", audiences: ["api://x"] } }), fc.constant({})),
    // counterKey omitted half the time (its default follows the auth mode); given, it may not fit the auth.
    limits: fc.record(
      { tokensPerMinute: mostly(fc.integer({ min: 1, max: 100000 }), fc.constant(0)), counterKey: mostly(fc.constantFrom("subscription", "user", "ip"), fc.constant("tenant")) },
      { requiredKeys: ["tokensPerMinute"] },
    ),
    circuitBreaker: fc.record({ failures: mostly(fc.integer({ min: 1, max: 5 }), fc.constant(0)), interval: mostly(fc.constant("PT1M"), fc.constant("1m")), trip: fc.constantFrom("PT30S", "PT1H") }),
    routes: fc.dictionary(mostly(fc.constantFrom("chat", "mini", "emb"), fc.constant("x y")), route, { minKeys: 1, maxKeys: 3 }),
  },
  { requiredKeys: ["sku", "capacity", "publisher", "auth", "routes"] },
);

describe("aoai-fleet:gateway property", () => {
  it("validates and designs, or fails with a config error naming gateway paths", () => {
    let designed = 0;
    fc.assert(
      fc.property(gateway, (raw) => {
        let config;
        try {
          config = validateGatewayConfig(raw, plan);
        } catch (error) {
          expect(error).toBeInstanceOf(FleetConfigError);
          for (const issue of (error as FleetConfigError).issues) expect(issue.path.startsWith("aoai-fleet:gateway")).toBe(true);
          return;
        }
        const inventory = plannedTargets(plan).map((target) => ({ ...target, accountOpenAiUrl: `https://${target.region}.example/openai` }));
        const design = designGateway(config, inventory);
        designed += 1;
        expect(designGateway(config, inventory)).toEqual(design);
        for (const pool of design.pools) {
          expect(pool.members.length).toBeGreaterThan(0);
          expect(pool.members.length).toBeLessThanOrEqual(30);
          for (const member of pool.members) {
            expect(member.weight).toBeGreaterThanOrEqual(1);
            expect(member.weight).toBeLessThanOrEqual(100);
          }
        }
      }),
      { numRuns: 600, seed: 20261123 },
    );
    // Both outcomes must be exercised, or the property proves little.
    expect(designed).toBeGreaterThan(15);
  });
});
