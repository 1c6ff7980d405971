// Public API of the gateway policy engine. Other folders import only from here.
export type {
  PolicyDocument, Statement, StatementKind, SectionName, ExistsAction, CachingType, Base, SetBackendService, Retry,
  ForwardRequest, When, Choose, SetVariable, SetHeader, SetQueryParameter, RewriteUri, ReturnResponse, SendOneWayRequest,
  AuthenticationManagedIdentity, ValidateAzureAdToken, ValidateJwt, TokenLimit, MetricDimension, EmitTokenMetric,
  RateLimitByKey, CacheLookupValue, CacheStoreValue, SendRequest, SetBody, EmitMetric, RequiredClaim, TokenQuotaPeriod,
} from "./ast";
export { policyDocument } from "./ast";
export type { Expr, ExprKind, CompareOp, VariableType, ContextProperty, RawExpression, Value } from "./expr/ast";
export { CONTEXT_PROPERTIES, isRaw } from "./expr/ast";
export * as expr from "./expr/helpers";
export { renderExpr, csharpString, NAMED_VALUE_NAME } from "./expr/render";
export { parseExpr } from "./expr/lift";
export { renderValue, parseValue, isPlainLiteral } from "./value";
export { renderPolicy, lowerDocument } from "./render";
export { parsePolicy, liftDocument } from "./parse";
export { PolicyModelError, SUPPORTED_ELEMENTS } from "./elements/index";
export { PolicyXmlError, parseXml, printXml, isElement, type XmlElement, type XmlNode } from "./xml";

// Strategies, limits and the A/B hash.
export type {
  RouteSpec, RouteBackendSpec, CanarySpec, BlueGreenSpec, AbTestSpec, ShadowSpec, EdgeSpec, InventoryBackend,
  BackendInventory, PoolDefinition, NamedValueDefinition, StrategyResult, PolicyWarning, EntraAuthSpec, OverridesSpec, TokenLimitSpec,
  ExposeSpec, ShadowBackendDefinition, ShadowRelayResult,
} from "./strategies/types";
export { composeRoutePolicy, composeGatewayPolicy, retryCountFor, DEFAULT_TIMEOUT_SECONDS } from "./strategies/compose";
export { planPools, proportionalWeights, effectiveBackendPriority, ROUTE_NAME } from "./strategies/pools";
export { validateRoute, validateEdge, SUBSCRIPTION_ID } from "./strategies/validate";
export { activeSlotName, canaryPercentName, routeNamedValues } from "./strategies/select";
export { NAMES, COGNITIVE_SERVICES_RESOURCE, DEFAULT_API_VERSION, DEFAULT_METRIC_NAMESPACE, audiencesOf } from "./strategies/edge";
export { ARM_NAME_LIMITS, armName, poolIdOf, singleBackendIdOf, shadowBackendIdOf, checkGeneratedNames } from "./strategies/names";
export { OVERRIDES, IGNORED_OVERRIDE_METRIC, steeringEnabled } from "./strategies/overrides";
export { CLIENT_CREDENTIAL_HEADERS, CLIENT_CREDENTIAL_QUERY, AZURE_STEERING_HEADERS } from "./strategies/credentials";
export { TOKEN_LIMIT_HEADERS } from "./strategies/token-limit";
export { CONNECTION_FAILURE, retryCondition } from "./strategies/retry";
export { SHADOW_RELAY, SHADOW_SKIPPED_METRIC } from "./strategies/shadow";
export { abBucket, hashBucketOf, variantForBucket } from "./strategies/hash";
export { accountBackendId, responsesPoolId, RESPONSES_SUFFIX, mixedPools } from "./strategies/responses";
export type { BreakerSpec, BackendFamily, TrackedMember } from "./strategies/exhaustion";
export { freeAtKey, earliestFreeStatements, memberFreeAtLookup, readEarliest, recordResponseFailure, recordTransportFailure, retryAfterHeaders, EXHAUSTION_VARS } from "./strategies/exhaustion";
export { accountsOf, authorityOf, RESPONSE_RETENTION_SECONDS, AFFINITY_VARS, type Account } from "./strategies/affinity";
export { TOKEN_ERROR_REASONS } from "./strategies/errors";
export { LIMITS, PolicyLimitError, checkPolicySize, checkRetryCount, gatewayPath } from "./limits";
export { checkPolicyXml, POLICY_SCHEMA, type SchemaViolation } from "./schema";
export { API_VERSION_PARAMETER, INFERENCE_OPERATIONS, operationIds, type InferenceOperation, type OperationSurface } from "./operations";
