/**
 * The shadow relay's resources: a second API (`openai-shadow`) on the same gateway whose policy sends
 * shadow copies through `<route>-shadow` pools. APIM's send-one-way-request can only target a URL, so
 * the primary policy copies each sampled request to `{{aoai-shadow-relay-url}}` (this API), signed with
 * the relay subscription's key (`{{aoai-shadow-relay-key}}`, a secret named value); the relay requires
 * that subscription, so nobody else can use it. Pulumi resources only; the design is in design.ts.
 */
import * as pulumi from "@pulumi/pulumi";
import * as apimanagement from "@pulumi/azure-native/apimanagement";
import * as random from "@pulumi/random";
import type { ShadowRelayDesign } from "./design";
import { API_VERSION_PARAMETER, INFERENCE_OPERATIONS } from "./operations";

export interface ShadowRelayArgs {
  /** Resource group and service of the gateway. */
  readonly scope: { resourceGroupName: pulumi.Input<string>; serviceName: pulumi.Input<string> };
  /** `https://<service>.azure-api.net`. */
  readonly gatewayUrl: pulumi.Input<string>;
  /** The relay's design; its policy XML resolves once account endpoints are known. */
  readonly relay: ShadowRelayDesign;
  readonly policyXml: pulumi.Input<string>;
  readonly protect: boolean;
  /** Pools and backends the relay policy names. */
  readonly dependsOn: pulumi.Input<pulumi.Resource>[];
}

/** What the main API policy depends on: the named values it reads. */
export interface ShadowRelayResources {
  readonly api: apimanagement.Api;
  readonly namedValues: apimanagement.NamedValue[];
}

export function createShadowRelay(name: string, args: ShadowRelayArgs, parent: pulumi.Resource): ShadowRelayResources {
  const { scope, relay, protect } = args;
  const opts = { parent, protect };
  const api = new apimanagement.Api(
    `${name}-shadow-api`,
    {
      ...scope,
      apiId: relay.apiPath,
      path: relay.apiPath,
      displayName: "Azure OpenAI shadow relay (aoai-fleet)",
      description: "Receives the gateway's own shadow copies and forwards them through the shadow pools. Only the relay subscription may call it.",
      protocols: ["https"],
      apiType: "http",
      subscriptionRequired: true,
    },
    opts,
  );
  const operations = INFERENCE_OPERATIONS.map(
    (operation) =>
      new apimanagement.ApiOperation(
        `${name}-shadow-op-${operation.id}`,
        {
          ...scope,
          apiId: relay.apiPath,
          operationId: operation.id,
          displayName: operation.displayName,
          method: operation.method,
          urlTemplate: operation.urlTemplate,
          templateParameters: operation.templateParameters.map((parameter) => ({ name: parameter, type: "string", required: true })),
          request: { queryParameters: [{ name: API_VERSION_PARAMETER, type: "string", required: false }] },
        },
        { ...opts, dependsOn: [api] },
      ),
  );
  // The key never appears in config or policy text: random, stored as a secret named value.
  const key = new random.RandomPassword(`${name}-shadow-key`, { length: 48, special: false }, opts);
  const subscription = new apimanagement.Subscription(
    `${name}-shadow-subscription`,
    { ...scope, sid: "aoai-shadow-relay", displayName: "aoai-fleet shadow relay (the gateway itself)", scope: pulumi.interpolate`/apis/${relay.apiPath}`, primaryKey: key.result, state: "active" },
    { ...opts, dependsOn: [api] },
  );
  const urlValue = new apimanagement.NamedValue(
    `${name}-nv-${relay.urlNamedValue}`,
    { ...scope, namedValueId: relay.urlNamedValue, displayName: relay.urlNamedValue, value: pulumi.interpolate`${args.gatewayUrl}/${relay.apiPath}`, secret: false, tags: ["aoai-fleet"] },
    opts,
  );
  const keyValue = new apimanagement.NamedValue(
    `${name}-nv-${relay.keyNamedValue}`,
    { ...scope, namedValueId: relay.keyNamedValue, displayName: relay.keyNamedValue, value: key.result, secret: true, tags: ["aoai-fleet"] },
    { ...opts, dependsOn: [subscription] },
  );
  new apimanagement.ApiPolicy(
    `${name}-shadow-api-policy`,
    { ...scope, apiId: relay.apiPath, policyId: "policy", format: "xml", value: args.policyXml },
    { ...opts, dependsOn: [api, ...operations, ...args.dependsOn] },
  );
  return { api, namedValues: [urlValue, keyValue] };
}
