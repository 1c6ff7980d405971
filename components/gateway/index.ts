import * as pulumi from "@pulumi/pulumi";
import * as apimanagement from "@pulumi/azure-native/apimanagement";
import * as authorization from "@pulumi/azure-native/authorization";
import { DEFAULT_API_VERSION } from "../../gateway-policy";
import { SUBSCRIPTION_KEY_PARAMETER_NAMES } from "./api-auth";
import type { AiGatewayArgs } from "./args";
import { createAccess } from "./access";
import { backendUrl, circuitBreakerRule, openAiBaseUrl } from "./backends";
import type { ConfigIssue } from "../../stacks/config/errors";
import { designGateway, type GatewayDesign, type InventoryEntry } from "./design";
import { createInboundEndpoint, serviceNetworkProperties } from "./network";
import { COGNITIVE_SERVICES_OPENAI_USER_ROLE, roleDefinitionIdFor } from "./identity";
import { API_VERSION_PARAMETER, INFERENCE_OPERATIONS, type InferenceOperation } from "./operations";
import { roleAssignmentIdentity } from "./role-assignment";
import { createShadowRelay } from "./shadow-relay";
import { createResourceLogs } from "./resource-logs";
import { createTelemetry } from "./telemetry";

export type * from "./args";

/** What the gateway does with `api-version` on an operation (the operation's documentation). */
function apiVersionNote(operation: InferenceOperation): string {
  if (operation.surface === "deployment") return `Azure OpenAI api-version, passed through to the backend (default ${DEFAULT_API_VERSION} when absent)`;
  if (operation.urlTemplate.startsWith("/v1/")) return "Optional on the v1 surface (v1 or preview), passed through as sent";
  return "Azure OpenAI preview api-version (e.g. 2025-04-01-preview), passed through as sent";
}

/** API path clients use as their Azure OpenAI endpoint: `https://<service>.azure-api.net/openai`. */
export const GATEWAY_API_PATH = "openai";

/**
 * An API Management gateway in front of an Azure OpenAI fleet: one endpoint that load-balances,
 * fails over and runs canaries across every region. Keyless end to end: APIM's system-assigned
 * identity holds "Cognitive Services OpenAI User" on each account and the policy authenticates
 * with it; no account key is read, stored or passed anywhere.
 */
export class AiGateway extends pulumi.ComponentResource {
  /** The API Management service. */
  public readonly service: apimanagement.ApiManagementService;
  /** Gateway base URL; the OpenAI SDKs use `${gatewayUrl}` with `/openai` appended by the SDK. */
  public readonly gatewayUrl: pulumi.Output<string>;
  /** Principal id of the service's system-assigned identity. */
  public readonly principalId: pulumi.Output<string>;
  /** `Single` backends keyed `<deployment>-<region>`. */
  public readonly backends: Record<string, apimanagement.Backend>;
  /** `Pool` backends keyed by pool id. */
  public readonly pools: Record<string, apimanagement.Backend>;
  /** The `openai` API. */
  public readonly api: apimanagement.Api;
  /** Named values keyed by id (blue-green active slots, canary percents). */
  public readonly namedValues: Record<string, apimanagement.NamedValue>;
  /** What was deployed, as plain values (policies, pools, weights), once account endpoints are known. */
  public readonly design: pulumi.Output<GatewayDesign>;
  /** Design warnings (config path and message): config that deploys but deserves a look. Known before anything is declared. */
  public readonly warnings: readonly ConfigIssue[];
  /** With `auth.subscriptionKeys`: the key of the gateway product's subscription (secret); undefined otherwise. */
  public readonly subscriptionKey: pulumi.Output<string> | undefined;
  /** With `appInsights`: ARM id of the Application Insights component; undefined otherwise. */
  public readonly appInsightsId: pulumi.Output<string> | undefined;
  /** With `appInsights.resourceLogs`: the Log Analytics workspace's customer id (GUID), what `rollout --source azure --workspace` takes; undefined otherwise. */
  public readonly logWorkspaceId: pulumi.Output<string> | undefined;

  constructor(name: string, args: AiGatewayArgs, opts?: pulumi.ComponentResourceOptions) {
    const { config } = args;
    const entries = (urls: readonly string[]): InventoryEntry[] =>
      args.backends.map(({ deployment, region, capacity, tokensPerMinute, sku, embeddings }, index) => {
        const accountOpenAiUrl = urls[index];
        if (accountOpenAiUrl === undefined) throw new Error(`AiGateway ${name}: no endpoint for ${deployment} in ${region}`);
        return { deployment, region, capacity, tokensPerMinute, sku, embeddings, accountOpenAiUrl };
      });
    // Pass 1, before anything is declared (the component included): the structure (backends, pools,
    // named values) and every config/limit check. Account endpoints are not known yet (random
    // subdomains), so the placeholders below only feed shadow URLs in this pass's XML, which is discarded.
    const structure = designGateway(config, entries(args.backends.map((target) => `https://${target.region}-account.invalid/openai`)));
    super("aoai-fleet:gateway:AiGateway", name, {}, opts);
    this.warnings = structure.warnings;
    // Set on every child explicitly (not only inherited) so plans and guardrails see it.
    const protect = args.protect ?? false;
    // Pass 2, once endpoints resolve: the same design with real URLs; its XML is what gets attached.
    this.design = pulumi.all(args.backends.map((target) => target.endpoint)).apply((endpoints) => {
      const design = designGateway(config, entries(endpoints.map(openAiBaseUrl)));
      if (JSON.stringify(design.pools) !== JSON.stringify(structure.pools)) {
        throw new Error(`AiGateway ${name}: pools changed between the structural and the final design`);
      }
      return design;
    });
    const design = structure;

    this.service = new apimanagement.ApiManagementService(
      name,
      {
        resourceGroupName: args.resourceGroupName,
        location: args.location,
        ...(args.serviceName === undefined ? {} : { serviceName: args.serviceName }),
        sku: { name: config.sku, capacity: config.capacity },
        publisherName: config.publisher.name,
        publisherEmail: config.publisher.email,
        identity: { type: "SystemAssigned" },
        ...serviceNetworkProperties(args.network),
        ...(args.tags === undefined ? {} : { tags: args.tags }),
      },
      // On a network, the service waits for its subnet and the endpoints' DNS records (no DNS race).
      { parent: this, protect, dependsOn: [...(args.network?.dependsOn ?? [])] },
    );
    createInboundEndpoint(this, name, args.network, this.service, { resourceGroupName: args.resourceGroupName, protect });
    const serviceName = this.service.name;
    const scope = { resourceGroupName: args.resourceGroupName, serviceName };
    this.gatewayUrl = this.service.gatewayUrl;
    this.principalId = this.service.identity.apply((identity) => {
      if (!identity?.principalId) {
        throw new Error(`AiGateway ${name}: the API Management service reports no system-assigned principalId`);
      }
      return identity.principalId;
    });

    const firstAccount = args.accounts[0];
    if (!firstAccount) throw new Error(`AiGateway ${name}: the fleet has no accounts to put behind the gateway`);
    // Keyless: the gateway's identity may call inference on every account, nothing more.
    const roleAssignments = args.accounts.map(
      (account) =>
        new authorization.RoleAssignment(
          `${name}-openai-user-${account.region}`,
          {
            ...roleAssignmentIdentity(
              account.accountId,
              this.principalId,
              pulumi.output(account.accountId).apply((id) => roleDefinitionIdFor(id, COGNITIVE_SERVICES_OPENAI_USER_ROLE)),
            ),
            principalType: "ServicePrincipal",
            description: `aoai-fleet gateway ${name}: inference on the ${account.region} account`,
          },
          { parent: this, protect },
        ),
    );

    const breaker = config.circuitBreaker ? { rules: [circuitBreakerRule(config.circuitBreaker)] } : undefined;
    const endpoints = new Map(args.backends.map((target) => [`${target.deployment}-${target.region}`, target.endpoint]));
    this.backends = {};
    for (const single of design.singles) {
      // Shadow twins share the production member's URL; their breaker state is their own.
      const endpoint = endpoints.get(`${single.deployment}-${single.region}`);
      if (endpoint === undefined) throw new Error(`AiGateway ${name}: no endpoint for ${single.id}`);
      this.backends[single.id] = new apimanagement.Backend(
        `${name}-${single.id}`,
        {
          ...scope,
          backendId: single.id,
          type: "Single",
          protocol: "http",
          // Account twins are the Responses API's way in: its body, not its path, names the deployment.
          url: pulumi.output(endpoint).apply((value) => (single.family === "account" ? openAiBaseUrl(value) : backendUrl(value, single.deployment))),
          title:
            single.family === "account"
              ? `${single.deployment} in ${single.region} (Responses API, account URL)`
              : `${single.deployment} in ${single.region}${single.shadowOf ? " (shadow traffic only)" : ""}`,
          description: `${single.sku}, ${single.capacity} units (${single.tokensPerMinute} TPM)`,
          ...(breaker === undefined ? {} : { circuitBreaker: breaker }),
        },
        { parent: this, protect },
      );
    }

    this.pools = {};
    for (const pool of design.pools) {
      this.pools[pool.id] = new apimanagement.Backend(
        `${name}-${pool.id}`,
        {
          ...scope,
          backendId: pool.id,
          type: "Pool",
          title: `route ${pool.route}: ${pool.role}`,
          pool: {
            services: pool.members.map((member) => {
              const backend = this.backends[member.backendId];
              if (!backend) throw new Error(`AiGateway ${name}: pool ${pool.id} names unknown backend ${member.backendId}`);
              return { id: backend.id, ...(member.priority === undefined ? {} : { priority: member.priority }), ...(member.weight === undefined ? {} : { weight: member.weight }) };
            }),
          },
        },
        { parent: this, protect },
      );
    }

    this.namedValues = {};
    for (const value of design.namedValues) {
      this.namedValues[value.id] = new apimanagement.NamedValue(
        `${name}-nv-${value.id}`,
        { ...scope, namedValueId: value.id, displayName: value.id, value: value.value, secret: false, tags: ["aoai-fleet"] },
        { parent: this, protect },
      );
    }

    const subscriptionKeys = "subscriptionKeys" in config.auth;
    this.api = new apimanagement.Api(
      `${name}-api`,
      {
        ...scope,
        apiId: GATEWAY_API_PATH,
        path: GATEWAY_API_PATH,
        displayName: "Azure OpenAI (aoai-fleet)",
        description: `Routes: ${Object.keys(config.routes).join(", ")}`,
        protocols: ["https"],
        apiType: "http",
        subscriptionRequired: subscriptionKeys,
        // The Azure OpenAI SDKs send their key as `api-key`; with subscription keys that key is the APIM one.
        ...(subscriptionKeys ? { subscriptionKeyParameterNames: { ...SUBSCRIPTION_KEY_PARAMETER_NAMES } } : {}),
      },
      { parent: this, protect },
    );
    const operations = INFERENCE_OPERATIONS.map(
      (operation) =>
        new apimanagement.ApiOperation(
          `${name}-op-${operation.id}`,
          {
            ...scope,
            apiId: GATEWAY_API_PATH,
            operationId: operation.id,
            displayName: operation.displayName,
            method: operation.method,
            urlTemplate: operation.urlTemplate,
            templateParameters: operation.templateParameters.map((parameter) => ({ name: parameter, type: "string", required: true })),
            // Not required at the operation: APIM would answer 404 before the policy could fill in its default.
            request: { queryParameters: [{ name: API_VERSION_PARAMETER, type: "string", required: false, description: apiVersionNote(operation) }] },
          },
          { parent: this, protect, dependsOn: [this.api] },
        ),
    );

    const relay = design.shadowRelay
      ? createShadowRelay(
          name,
          {
            scope,
            gatewayUrl: this.gatewayUrl,
            relay: design.shadowRelay,
            policyXml: this.design.apply((final) => {
              if (!final.shadowRelay) throw new Error(`AiGateway ${name}: the shadow relay disappeared between the structural and the final design`);
              return final.shadowRelay.policy.xml;
            }),
            protect,
            dependsOn: [...Object.values(this.pools), ...roleAssignments],
          },
          this,
        )
      : undefined;

    const telemetry = config.appInsights
      ? createTelemetry(name, { ...scope, protect, location: args.location, principalId: this.principalId, subscriptionResourceId: firstAccount.accountId, api: this.api, ...(relay && design.shadowRelay ? { shadowApi: { apiId: design.shadowRelay.apiPath, api: relay.api } } : {}), samplingPercentage: config.appInsights.samplingPercentage, tags: args.tags }, this)
      : undefined;

    const resourceLogs = telemetry && config.appInsights?.resourceLogs;
    if (resourceLogs) createResourceLogs(name, { ...scope, serviceId: this.service.id, workspaceId: telemetry.workspace.id, apiId: GATEWAY_API_PATH, api: this.api, protect }, this);
    this.logWorkspaceId = resourceLogs ? telemetry.workspace.customerId : undefined;

    this.subscriptionKey = subscriptionKeys ? createAccess(name, { ...scope, apiId: GATEWAY_API_PATH, api: this.api, protect }, this).subscriptionKey : undefined;
    this.appInsightsId = telemetry?.appInsights.id;

    // The policy names pools and named values, and its token metrics need the logger: create it last.
    new apimanagement.ApiPolicy(
      `${name}-api-policy`,
      { ...scope, apiId: GATEWAY_API_PATH, policyId: "policy", format: "xml", value: this.design.apply((final) => final.apiPolicy.xml) },
      {
        parent: this,
        protect,
        dependsOn: [
          this.api,
          ...operations,
          ...Object.values(this.pools),
          ...Object.values(this.namedValues),
          ...(relay ? relay.namedValues : []),
          ...roleAssignments,
          ...(telemetry ? [telemetry.diagnostic] : []),
        ],
      },
    );

    this.registerOutputs({
      service: this.service,
      gatewayUrl: this.gatewayUrl,
      principalId: this.principalId,
      backends: this.backends,
      pools: this.pools,
      api: this.api,
      namedValues: this.namedValues,
      design: this.design,
      subscriptionKey: this.subscriptionKey,
      appInsightsId: this.appInsightsId,
      logWorkspaceId: this.logWorkspaceId,
    });
  }
}
