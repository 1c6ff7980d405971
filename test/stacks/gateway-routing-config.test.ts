// aoai-fleet:gateway.routes.<r>.routing: every option's default, range and the errors naming its path.
import { describe, expect, it } from "vitest";
import { routeSpecs } from "../../components/gateway/design";
import { configErrorOf } from "../support/config-errors";
import { parseGatewayConfig } from "../../stacks/config/gateway";

const base = {
  sku: "StandardV2",
  capacity: 1,
  publisher: { name: "Contoso", email: "ai@contoso.com" },
  auth: { subscriptionKeys: true },
  circuitBreaker: { failures: 1, interval: "PT1M", trip: "PT1M", acceptRetryAfter: true },
};
const route = (routing?: unknown) => ({ strategy: "priority", backends: [{ deployment: "chat-ptu", priority: 1 }, { deployment: "chat", priority: 2 }], ...(routing === undefined ? {} : { routing }) });
const gateway = (routing?: unknown, changes: Record<string, unknown> = {}) => ({ ...base, routes: { chat: route(routing) }, ...changes });


describe("routes.<r>.routing", () => {
  it("defaults: wait 10 s and spill prompts of 4,000+ tokens for 10 s with a breaker, avoid slow members with the cache (factor 1.5, 2 s, hold 300 s, 2% probes, 4 twins per tier), refuse oversized requests", () => {
    const [spec] = routeSpecs(parseGatewayConfig(gateway()));
    expect(spec?.routing).toEqual({
      waitBudgetSeconds: 10,
      refuseOversized: true,
      avoidSlow: { factor: 1.5, minExtraMs: 2000, holdSeconds: 300, probePercent: 2, twinsPerTier: 4 },
      spill: { largePromptTokens: 4000, holdSeconds: 10 },
    });
  });

  it("keeps what the route sets and fills the rest", () => {
    const [spec] = routeSpecs(parseGatewayConfig(gateway({ waitBudgetSeconds: 0, avoidSlow: { factor: 2, probePercent: 0 }, spill: { holdSeconds: 30 } })));
    expect(spec?.routing).toEqual({ waitBudgetSeconds: 0, refuseOversized: true, avoidSlow: { factor: 2, minExtraMs: 2000, holdSeconds: 300, probePercent: 0, twinsPerTier: 4 }, spill: { largePromptTokens: 4000, holdSeconds: 30 } });
    const [off] = routeSpecs(parseGatewayConfig(gateway({ avoidSlow: { enabled: false }, spill: { enabled: false } })));
    expect(off?.routing).toEqual({ waitBudgetSeconds: 10, refuseOversized: true });
    const [kept] = routeSpecs(parseGatewayConfig(gateway({ refuseOversized: false })));
    expect(kept?.routing?.refuseOversized).toBe(false);
  });

  it("without a breaker no waiting, no spilling and no refusing (nothing to trip); on Consumption (no cache) no avoiding", () => {
    const consumption = { sku: "Consumption", capacity: 0, circuitBreaker: undefined, routes: { chat: { strategy: "weighted", backends: [{ deployment: "chat" }] } } };
    const [spec] = routeSpecs(parseGatewayConfig({ ...base, ...consumption }));
    expect(spec?.routing).toEqual({ waitBudgetSeconds: 0, refuseOversized: false });
  });

  it("names the path and the allowed range of every bad option", () => {
    const bad = { waitBudgetSeconds: 121, avoidSlow: { factor: 1, minExtraMs: -1, holdSeconds: 0, probePercent: 51, twinsPerTier: 1, fast: true }, spill: { largePromptTokens: 0, holdSeconds: 61 }, refuseOversized: "yes" };
    expect(configErrorOf(() => parseGatewayConfig(gateway(bad)))).toBe(
      [
        "aoai-fleet:gateway.routes.chat.routing.waitBudgetSeconds: 121 is above the maximum 120",
        "aoai-fleet:gateway.routes.chat.routing.avoidSlow.factor: 1 is below the minimum 1.1",
        "aoai-fleet:gateway.routes.chat.routing.avoidSlow.minExtraMs: -1 is below the minimum 0",
        "aoai-fleet:gateway.routes.chat.routing.avoidSlow.holdSeconds: 0 is below the minimum 1",
        "aoai-fleet:gateway.routes.chat.routing.avoidSlow.probePercent: 51 is above the maximum 50",
        "aoai-fleet:gateway.routes.chat.routing.avoidSlow.twinsPerTier: 1 is below the minimum 2",
        'aoai-fleet:gateway.routes.chat.routing.avoidSlow: unknown key "fast"; remove or fix the spelling',
        "aoai-fleet:gateway.routes.chat.routing.spill.largePromptTokens: 0 is below the minimum 1",
        "aoai-fleet:gateway.routes.chat.routing.spill.holdSeconds: 61 is above the maximum 60",
        'aoai-fleet:gateway.routes.chat.routing.refuseOversized: expected boolean, got "yes"',
      ].join("\n"),
    );
  });

  it("a fraction where a whole number belongs names the whole numbers allowed, read from the schema", () => {
    const bad = { waitBudgetSeconds: 2.5, avoidSlow: { twinsPerTier: 2.5, probePercent: 0.5 }, spill: { largePromptTokens: 1000.5 } };
    expect(configErrorOf(() => parseGatewayConfig(gateway(bad, { capacity: 1.5, circuitBreaker: { ...base.circuitBreaker, failures: 1.5 } })))).toBe(
      [
        "aoai-fleet:gateway.capacity: 1.5 is not a whole number; allowed: whole numbers ≥ 0",
        "aoai-fleet:gateway.circuitBreaker.failures: 1.5 is not a whole number; allowed: whole numbers ≥ 1",
        "aoai-fleet:gateway.routes.chat.routing.waitBudgetSeconds: 2.5 is not a whole number; allowed: whole numbers 0–120",
        "aoai-fleet:gateway.routes.chat.routing.avoidSlow.probePercent: 0.5 is not a whole number; allowed: whole numbers 0–50",
        "aoai-fleet:gateway.routes.chat.routing.avoidSlow.twinsPerTier: 2.5 is not a whole number; allowed: whole numbers 2–30",
        "aoai-fleet:gateway.routes.chat.routing.spill.largePromptTokens: 1000.5 is not a whole number; allowed: whole numbers 1–1000000",
      ].join("\n"),
    );
  });

  it("refuses waiting without a breaker and avoiding where there is no cache, naming the fix", () => {
    expect(configErrorOf(() => parseGatewayConfig({ ...base, circuitBreaker: undefined, routes: { chat: { strategy: "weighted", backends: [{ deployment: "chat" }], routing: { waitBudgetSeconds: 5 } } } }))).toBe(
      "aoai-fleet:gateway.routes.chat.routing.waitBudgetSeconds: waiting for a busy pool needs the circuit breaker's reopening times; add aoai-fleet:gateway.circuitBreaker or set 0",
    );
    const consumption = { ...base, sku: "Consumption", capacity: 0, circuitBreaker: undefined };
    expect(configErrorOf(() => parseGatewayConfig({ ...consumption, routes: { chat: { strategy: "weighted", backends: [{ deployment: "chat" }], routing: { avoidSlow: { enabled: true } } } } }))).toBe(
      "aoai-fleet:gateway.routes.chat.routing.avoidSlow.enabled: measured response times live in APIM's internal cache, which the Consumption tier does not have; set false or choose another sku (e.g. BasicV2)",
    );
  });

  it("refuses spilling without a breaker or without a second tier, naming the fix", () => {
    const weighted = { strategy: "weighted", backends: [{ deployment: "chat" }], routing: { spill: { enabled: true } } };
    expect(configErrorOf(() => parseGatewayConfig({ ...base, circuitBreaker: undefined, routes: { chat: weighted } }))).toBe(
      [
        "aoai-fleet:gateway.routes.chat.routing.spill.enabled: spilling reads when the first tier was last throttled from the circuit breaker's records; add aoai-fleet:gateway.circuitBreaker or set false",
        "aoai-fleet:gateway.routes.chat.routing.spill.enabled: spilling needs at least two priority tiers (e.g. a PTU at priority 1, pay-as-you-go at 2); set false or add a tier",
      ].join("\n"),
    );
  });
});
