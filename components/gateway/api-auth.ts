/**
 * How the gateway API takes an APIM subscription key (stacks with `auth: { subscriptionKeys: true }`):
 * in the header the Azure OpenAI SDKs already send their key in, or a query parameter of the same
 * name. The component deploys these names; the local gateway reads keys from the same places.
 * Pure data: no Pulumi imports.
 */
export const SUBSCRIPTION_KEY_PARAMETER_NAMES = { header: "api-key", query: "api-key" } as const;
