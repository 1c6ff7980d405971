import { describe, expect, it } from "vitest";
import { aoaiApiEnforceAuthentication as rule } from "../../../policies/rules/aoai-api-enforce-authentication";
import { api, apiPolicy, compliantPolicyXml, gateway, messagesOf, withInput } from "../support/resources";

const jwtXml = compliantPolicyXml.replace(
  "<inbound><base />",
  '<inbound><base /><validate-azure-ad-token tenant-id="{{tenant-id}}"><client-application-ids><application-id>{{client-app}}</application-id></client-application-ids></validate-azure-ad-token>',
);
const anonymous = () => gateway().map((r) => (r.name === "openai" ? withInput(r, "subscriptionRequired", false) : r));

describe("aoai-api-enforce-authentication", () => {
  it("passes an API that requires subscription keys (the APIM default)", () => {
    expect(messagesOf(rule, gateway())).toEqual([]);
    expect(messagesOf(rule, [withInput(api(), "subscriptionRequired", undefined)])).toEqual([]);
  });

  it("reports an anonymous API", () => {
    expect(messagesOf(rule, anonymous())).toEqual([
      'API "openai" sets subscriptionRequired: false and its policy has no validate-azure-ad-token or validate-jwt, so anyone who finds the URL can call it; require a subscription key or add validate-azure-ad-token or validate-jwt to the API policy.',
    ]);
  });

  it("accepts token validation in the API's policy instead of keys", () => {
    const resources = anonymous().map((r) => (r.name === "openai-policy" ? apiPolicy("openai-policy", jwtXml) : r));
    expect(messagesOf(rule, resources)).toEqual([]);
  });

  it("does not credit token validation in another API's policy", () => {
    const resources = [...anonymous().filter((r) => r.name !== "openai-policy"), apiPolicy("other-policy", jwtXml, "other-api")];
    expect(messagesOf(rule, resources)).toHaveLength(1);
  });

  it("links a policy to its API through dependencies when apiId is an unknown output", () => {
    const policy = { ...withInput(apiPolicy("openai-policy", jwtXml), "apiId", undefined), dependsOn: [api().urn as string] };
    const resources = [...anonymous().filter((r) => r.name !== "openai-policy"), policy];
    expect(messagesOf(rule, resources)).toEqual([]);
  });

  it("requires a token check when subscription keys alone are not accepted", () => {
    expect(messagesOf(rule, gateway(), { acceptSubscriptionKey: false })).toEqual([
      'API "openai" relies on subscription keys alone, which this environment does not accept; add validate-azure-ad-token or validate-jwt to the API policy so callers present an Entra ID token.',
    ]);
  });
});

describe("aoai-api-enforce-authentication: where the token check sits", () => {
  const operationPolicy = (xml: string) => ({
    type: "azure-native:apimanagement:ApiOperationPolicy",
    name: "chat-op-policy",
    urn: "urn:pulumi:test::aoai-fleet::azure-native:apimanagement:ApiOperationPolicy::chat-op-policy",
    inputs: { apiId: "openai", operationId: "chat", serviceName: "apim-fleet", policyId: "policy", format: "rawxml", value: xml },
  });
  const servicePolicy = (xml: string) => ({
    type: "azure-native:apimanagement:Policy",
    name: "global-policy",
    urn: "urn:pulumi:test::aoai-fleet::azure-native:apimanagement:Policy::global-policy",
    inputs: { serviceName: "apim-fleet", policyId: "policy", format: "rawxml", value: xml },
  });
  const anonymousMessage =
    'API "openai" sets subscriptionRequired: false and its policy has no validate-azure-ad-token or validate-jwt, so anyone who finds the URL can call it; require a subscription key or add validate-azure-ad-token or validate-jwt to the API policy.';

  // An operation policy guards one operation: it made the whole anonymous API count as authenticated.
  it("does not credit a token check in one operation's policy to the whole API", () => {
    expect(messagesOf(rule, [...anonymous(), operationPolicy(jwtXml)])).toEqual([anonymousMessage]);
  });

  it("does not credit a token check outside the inbound section", () => {
    const outbound = compliantPolicyXml.replace("<outbound><base />", '<outbound><base /><validate-jwt header-name="Authorization" />');
    const resources = anonymous().map((r) => (r.name === "openai-policy" ? apiPolicy("openai-policy", outbound) : r));
    expect(messagesOf(rule, resources)).toEqual([anonymousMessage]);
  });

  it("credits the service-wide policy's token check when the API policy inherits it with <base />", () => {
    const global = servicePolicy('<policies><inbound><validate-azure-ad-token tenant-id="{{tenant-id}}" /></inbound><backend><forward-request /></backend><outbound /><on-error /></policies>');
    expect(messagesOf(rule, [...anonymous(), global])).toEqual([]);
    const noBase = compliantPolicyXml.replace("<inbound><base />", "<inbound>");
    const resources = anonymous().map((r) => (r.name === "openai-policy" ? apiPolicy("openai-policy", noBase) : r));
    expect(messagesOf(rule, [...resources, global])).toEqual([anonymousMessage]);
  });
});
