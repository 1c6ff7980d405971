import { describe, expect, it } from "vitest";
import { backendUrl, circuitBreakerRule, openAiBaseUrl, singleBackendId } from "../../components/gateway/backends";
import { v5 as uuidv5 } from "uuid";
import { AOAI_FLEET_NAMESPACE, COGNITIVE_SERVICES_OPENAI_USER_ROLE, MONITORING_METRICS_PUBLISHER_ROLE, roleAssignmentName, roleDefinitionIdFor } from "../../components/gateway/identity";
import { INFERENCE_OPERATIONS } from "../../components/gateway/operations";

describe("gateway identity helpers", () => {
  it("names a role assignment by scope + principal + role definition (UUIDv5), case-insensitively", () => {
    const account = "/subscriptions/0000-1111/resourceGroups/rg/providers/Microsoft.CognitiveServices/accounts/a";
    const principal = "6f1c2d3e-0000-4000-8000-000000000001";
    const role = roleDefinitionIdFor(account, COGNITIVE_SERVICES_OPENAI_USER_ROLE);
    const name = roleAssignmentName(account, principal, role);
    expect(name).toBe(uuidv5(`${account}|${principal}|${role}`.toLowerCase(), AOAI_FLEET_NAMESPACE));
    expect(name).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(roleAssignmentName(account.toUpperCase(), principal.toUpperCase(), role)).toBe(name);
    // Another principal (APIM replaced), another scope (another stack's account), another role: another name.
    expect(roleAssignmentName(account, "6f1c2d3e-0000-4000-8000-000000000002", role)).not.toBe(name);
    expect(roleAssignmentName(`${account}-2`, principal, role)).not.toBe(name);
    expect(roleAssignmentName(account, principal, roleDefinitionIdFor(account, MONITORING_METRICS_PUBLISHER_ROLE))).not.toBe(name);
    expect(() => roleAssignmentName(account, "", role)).toThrow("roleAssignmentName: principalId is empty");
  });

  it("builds the subscription-scoped role definition id from any resource id", () => {
    expect(roleDefinitionIdFor("/subscriptions/0000-1111/resourceGroups/rg/providers/Microsoft.CognitiveServices/accounts/a", COGNITIVE_SERVICES_OPENAI_USER_ROLE)).toBe(
      "/subscriptions/0000-1111/providers/Microsoft.Authorization/roleDefinitions/5e0bd9bd-7b93-4f28-af87-19fc36ad61bd",
    );
    expect(() => roleDefinitionIdFor("accounts/a", COGNITIVE_SERVICES_OPENAI_USER_ROLE)).toThrow(
      'roleDefinitionIdFor: "accounts/a" is not an Azure resource id (/subscriptions/<id>/...)',
    );
  });
});

describe("gateway backends", () => {
  it("points each backend at its deployment under the account's /openai base", () => {
    expect(singleBackendId("chat", "eastus2")).toBe("chat-eastus2");
    expect(openAiBaseUrl("https://contoso-ai-eastus2-x1y2.openai.azure.com/")).toBe("https://contoso-ai-eastus2-x1y2.openai.azure.com/openai");
    expect(backendUrl("https://contoso-ai-eastus2-x1y2.openai.azure.com/", "chat-std")).toBe("https://contoso-ai-eastus2-x1y2.openai.azure.com/openai/deployments/chat-std");
    expect(() => openAiBaseUrl("contoso.openai.azure.com")).toThrow('gateway: account endpoint "contoso.openai.azure.com" is not https://<host>/');
  });

  it("maps the config breaker onto one APIM rule honoring Retry-After", () => {
    expect(circuitBreakerRule({ failures: 3, interval: "PT1M", trip: "PT2M", acceptRetryAfter: true })).toEqual({
      name: "aoai-throttling-and-errors",
      failureCondition: {
        count: 3,
        interval: "PT1M",
        statusCodeRanges: [
          { min: 408, max: 408 },
          { min: 429, max: 429 },
          { min: 500, max: 599 },
        ],
        errorReasons: ["BackendConnectionFailure"],
      },
      tripDuration: "PT2M",
      acceptRetryAfter: true,
    });
  });

  it("exposes the inference operations the OpenAI SDKs call", () => {
    expect(INFERENCE_OPERATIONS.map((operation) => `${operation.method} ${operation.urlTemplate}`)).toEqual([
      "POST /deployments/{deployment-id}/chat/completions",
      "POST /deployments/{deployment-id}/completions",
      "POST /deployments/{deployment-id}/embeddings",
      "POST /deployments/{deployment-id}/images/generations",
      "POST /deployments/{deployment-id}/images/edits",
      "POST /deployments/{deployment-id}/audio/transcriptions",
      "POST /deployments/{deployment-id}/audio/translations",
      "POST /deployments/{deployment-id}/audio/speech",
      "POST /v1/chat/completions",
      "POST /v1/completions",
      "POST /v1/embeddings",
      "POST /v1/responses",
      "GET /v1/responses/{response-id}",
      "DELETE /v1/responses/{response-id}",
      "GET /v1/responses/{response-id}/input_items",
      "POST /v1/responses/{response-id}/cancel",
      "POST /responses",
      "GET /responses/{response-id}",
      "DELETE /responses/{response-id}",
      "GET /responses/{response-id}/input_items",
      "POST /responses/{response-id}/cancel",
      "GET /v1/models",
    ]);
  });
});
