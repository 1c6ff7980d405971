import { describe, expect, it } from "vitest";
import { aoaiBackendEnforcePoolResilience as rule } from "../../../policies/rules/aoai-backend-enforce-pool-resilience";
import { apiPolicy, backend, compliantPolicyXml, gateway, messagesOf, pool, withInput } from "../support/resources";

const noRetryXml = compliantPolicyXml.replace(/<backend>.*<\/backend>/, "<backend><forward-request /></backend>");

describe("aoai-backend-enforce-pool-resilience", () => {
  it("passes a pool whose members have breakers and whose policy retries", () => {
    expect(messagesOf(rule, gateway())).toEqual([]);
  });

  it("reports a pool member without a circuit breaker", () => {
    const resources = gateway().map((r) => (r.name === "swedencentral" ? withInput(r, "circuitBreaker", undefined) : r));
    expect(messagesOf(rule, resources)).toEqual([
      'Backend "swedencentral" is a member of pool "openai-pool" (2 backends) but has no circuit breaker, so the pool never fails over away from it; add a circuitBreaker rule (for example 429 and 5xx with acceptRetryAfter: true).',
    ]);
  });

  it("reports a policy that sends to the pool without a retry", () => {
    const resources = gateway().map((r) => (r.name === "openai-policy" ? apiPolicy("openai-policy", noRetryXml) : r));
    expect(messagesOf(rule, resources)).toEqual([
      'Policy document "openai-policy" sends requests to backend pool "openai-pool" (2 backends) without a retry around forward-request, so a throttled member\'s 429 reaches the caller; wrap forward-request in <retry> (with buffer-request-body="true").',
    ]);
  });

  it("reports a pool member that is not in the stack", () => {
    const resources = [backend("eastus2"), pool("openai-pool", ["eastus2", "westus3"]), apiPolicy()];
    expect(messagesOf(rule, resources)).toEqual([
      'Backend pool "openai-pool" routes to 2 backends but member "/subscriptions/0000/resourceGroups/rg-fleet/providers/Microsoft.ApiManagement/service/apim-fleet/backends/westus3" is not a backend in this stack, so its circuit breaker cannot be checked; manage that backend in this stack or remove it from the pool.',
    ]);
  });

  it("does not require resilience for a single-member route", () => {
    const resources = [withInput(backend("eastus2"), "circuitBreaker", undefined), pool("openai-pool", ["eastus2"]), apiPolicy("p", noRetryXml)];
    expect(messagesOf(rule, resources)).toEqual([]);
  });

  it("can switch either requirement off", () => {
    const resources = gateway().map((r) =>
      r.name === "openai-policy" ? apiPolicy("openai-policy", noRetryXml) : r.name === "eastus2" ? withInput(r, "circuitBreaker", undefined) : r,
    );
    expect(messagesOf(rule, resources, { requireCircuitBreaker: false, requireRetry: false })).toEqual([]);
    expect(messagesOf(rule, resources, { requireRetry: false })).toHaveLength(1);
  });
});

describe("aoai-backend-enforce-pool-resilience member ids", () => {
  it("skips member ids that are not ARM backend ids yet (unknown during a preview)", () => {
    const p = withInput(pool(), "pool.services", [{ id: "pending" }, { priority: 2 }]);
    expect(messagesOf(rule, [p, apiPolicy()])).toEqual([]);
  });
});

describe("aoai-backend-enforce-pool-resilience with a backend chosen by expression", () => {
  const dynamic = (backend: string) =>
    [
      "<policies><inbound><base />",
      '<set-variable name="aoai-target" value="openai-pool" />',
      '<set-backend-service backend-id="@(context.Variables.GetValueOrDefault&lt;string&gt;(&quot;aoai-target&quot;, &quot;&quot;))" />',
      `</inbound><backend>${backend}</backend><outbound><base /></outbound></policies>`,
    ].join("");

  it("requires the retry when the pool id reaches set-backend-service through a variable", () => {
    const resources = gateway().map((r) => (r.name === "openai-policy" ? apiPolicy("openai-policy", dynamic("<forward-request />")) : r));
    expect(messagesOf(rule, resources)).toEqual([
      'Policy document "openai-policy" sends requests to backend pool "openai-pool" (2 backends) without a retry around forward-request, so a throttled member\'s 429 reaches the caller; wrap forward-request in <retry> (with buffer-request-body="true").',
    ]);
  });

  it("passes when that document retries", () => {
    const retried = dynamic('<retry condition="@(context.Response.StatusCode == 429)" count="1" interval="0"><forward-request buffer-request-body="true" /></retry>');
    const resources = gateway().map((r) => (r.name === "openai-policy" ? apiPolicy("openai-policy", retried) : r));
    expect(messagesOf(rule, resources)).toEqual([]);
  });
});

describe("aoai-backend-enforce-pool-resilience API Management limits", () => {
  const service = (sku: string) => ({
    type: "azure-native:apimanagement:ApiManagementService",
    name: "apim",
    urn: "urn:pulumi:test::aoai-fleet::azure-native:apimanagement:ApiManagementService::apim",
    inputs: { serviceName: "apim-fleet", resourceGroupName: "rg-fleet", sku: { name: sku, capacity: 1 }, publisherEmail: "a@b.c", publisherName: "c" },
  });

  it("passes on a tier with circuit breakers", () => {
    expect(messagesOf(rule, [service("Developer"), ...gateway()])).toEqual([]);
  });

  it("reports a pool on the Consumption tier, which has no circuit breakers", () => {
    expect(messagesOf(rule, [service("Consumption"), ...gateway()])).toEqual([
      'Backend pool "openai-pool" routes to 2 backends on the Consumption-tier API Management service "apim", which supports no circuit breakers, so the pool cannot fail over; use a tier with circuit breakers (for example Developer, Basic v2, Standard v2 or Premium) or route to one backend.',
    ]);
  });

  it("reports a member with more than one breaker rule", () => {
    const resources = gateway().map((r) => {
      if (r.name !== "eastus2") return r;
      const rules = (r.inputs.circuitBreaker as { rules: unknown[] }).rules;
      return withInput(r, "circuitBreaker.rules", [...rules, { name: "second", failureCondition: { count: 3, interval: "PT1M", statusCodeRanges: [{ min: 500, max: 599 }] }, tripDuration: "PT1M" }]);
    });
    expect(messagesOf(rule, resources)).toEqual([
      'Backend "eastus2" has 2 circuit-breaker rules, but API Management accepts one rule per backend; merge their status code ranges into one rule.',
    ]);
  });
});
