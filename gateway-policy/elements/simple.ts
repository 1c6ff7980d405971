// Elements made only of attributes. Attribute order here is the output order.
import type { ElementCodec } from "./codec";

const CACHING_TYPES = { enum: ["prefer-external", "external", "internal"] } as const;

export const simpleCodecs: ElementCodec[] = [
  { name: "base", attrs: [] },
  {
    name: "set-backend-service",
    attrs: [
      { attr: "backend-id", field: "backendId", type: "value" },
      { attr: "base-url", field: "baseUrl", type: "value" },
    ],
  },
  {
    name: "forward-request",
    attrs: [
      { attr: "timeout", field: "timeout", type: "int" },
      { attr: "buffer-request-body", field: "bufferRequestBody", type: "bool" },
      { attr: "buffer-response", field: "bufferResponse", type: "bool" },
      { attr: "fail-on-error-status-code", field: "failOnErrorStatusCode", type: "bool" },
    ],
  },
  {
    name: "set-variable",
    attrs: [
      { attr: "name", field: "name", type: "string", required: true },
      { attr: "value", field: "value", type: "value", required: true },
      { attr: "id", field: "id", type: "string" },
    ],
  },
  {
    name: "rewrite-uri",
    attrs: [
      { attr: "template", field: "template", type: "value", required: true },
      { attr: "copy-unmatched-params", field: "copyUnmatchedParams", type: "bool" },
    ],
  },
  {
    name: "authentication-managed-identity",
    attrs: [
      { attr: "resource", field: "resource", type: "string", required: true },
      { attr: "client-id", field: "clientId", type: "string" },
      { attr: "output-token-variable-name", field: "outputTokenVariableName", type: "string" },
      { attr: "ignore-error", field: "ignoreError", type: "bool" },
    ],
  },
  ...(["azure-openai-token-limit", "llm-token-limit"] as const).map(
    (name): ElementCodec => ({
      name,
      attrs: [
        { attr: "counter-key", field: "counterKey", type: "value", required: true },
        { attr: "tokens-per-minute", field: "tokensPerMinute", type: "int" },
        { attr: "token-quota", field: "tokenQuota", type: "int" },
        { attr: "token-quota-period", field: "tokenQuotaPeriod", type: { enum: ["Hourly", "Daily", "Weekly", "Monthly", "Yearly"] } },
        { attr: "estimate-prompt-tokens", field: "estimatePromptTokens", type: "bool", required: true },
        { attr: "retry-after-header-name", field: "retryAfterHeaderName", type: "string" },
        { attr: "remaining-tokens-header-name", field: "remainingTokensHeaderName", type: "string" },
        { attr: "remaining-quota-tokens-header-name", field: "remainingQuotaTokensHeaderName", type: "string" },
        { attr: "tokens-consumed-header-name", field: "tokensConsumedHeaderName", type: "string" },
      ],
    }),
  ),
  {
    name: "rate-limit-by-key",
    attrs: [
      { attr: "calls", field: "calls", type: "int", required: true },
      { attr: "renewal-period", field: "renewalPeriod", type: "int", required: true },
      { attr: "counter-key", field: "counterKey", type: "value", required: true },
      { attr: "increment-condition", field: "incrementCondition", type: "value" },
      { attr: "retry-after-header-name", field: "retryAfterHeaderName", type: "string" },
    ],
  },
  {
    name: "cache-lookup-value",
    attrs: [
      { attr: "key", field: "key", type: "value", required: true },
      { attr: "variable-name", field: "variableName", type: "string", required: true },
      { attr: "default-value", field: "defaultValue", type: "value" },
      { attr: "caching-type", field: "cachingType", type: CACHING_TYPES },
    ],
  },
  {
    name: "cache-store-value",
    attrs: [
      { attr: "key", field: "key", type: "value", required: true },
      { attr: "value", field: "value", type: "value", required: true },
      { attr: "duration", field: "duration", type: "intValue", required: true },
      { attr: "caching-type", field: "cachingType", type: CACHING_TYPES },
    ],
  },
];
