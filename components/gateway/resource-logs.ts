import * as pulumi from "@pulumi/pulumi";
import * as apimanagement from "@pulumi/azure-native/apimanagement";
import * as monitor from "@pulumi/azure-native/monitor";
import * as resources from "@pulumi/azure-native/resources";
import type { GatewayChildArgs } from "./child-args";

/**
 * The Azure Monitor resource-log categories of an API Management service that the fleet reads:
 * `GatewayLogs` fills `ApiManagementGatewayLogs` (status, latency, backend URL and the trace
 * policy's records in `TraceRecords`), `GatewayLlmLogs` fills `ApiManagementGatewayLlmLog` (tokens
 * per request). `rollout --source azure` joins the two (rollout/metrics/azureMonitorSource.ts).
 */
export const GATEWAY_LOG_CATEGORIES = ["GatewayLogs", "GatewayLlmLogs"] as const;

/**
 * The API diagnostic's ARM API version. azure-native's ApiDiagnostic (2024-05-01) has no
 * `largeLanguageModel` block, and without `largeLanguageModel.logs: enabled` the gateway writes no
 * LLM log; 2024-10-01-preview is one of the versions the provider lists for the type.
 */
export const LLM_DIAGNOSTIC_API_VERSION = "2024-10-01-preview";

/** Inputs of the resource-log children (`appInsights.resourceLogs`). */
export interface GatewayResourceLogsArgs extends GatewayChildArgs {
  /** ARM id of the API Management service (the diagnostic setting's scope). */
  readonly serviceId: pulumi.Input<string>;
  /** ARM id of the Log Analytics workspace the logs go to (the telemetry's workspace). */
  readonly workspaceId: pulumi.Input<string>;
  /** The API whose requests are logged (`openai`). */
  readonly apiId: string;
  /** The API resource (the diagnostic waits for it). */
  readonly api: pulumi.Resource;
}

/** The resource-log children, for dependsOn and tests. */
export interface GatewayResourceLogs {
  readonly setting: monitor.DiagnosticSetting;
  readonly logger: apimanagement.Logger;
  readonly diagnostic: resources.Resource;
}

/**
 * Gateway and LLM resource logs into the gateway's Log Analytics workspace, in resource-specific
 * tables (`Dedicated`: the tables the rollout queries; the legacy AzureDiagnostics mode has none of
 * them). Three parts, as Microsoft's AI-Gateway labs deploy them: the service's diagnostic setting
 * (where logs go), APIM's `azuremonitor` logger, and the API's `azuremonitor` diagnostic (what is
 * logged): every request (the canary statistics count requests, so no sampling), verbosity
 * `information` so the split's `trace` record reaches `TraceRecords`, LLM logs on, no prompt or
 * completion text and no bodies (token counts and the model only).
 */
export function createResourceLogs(name: string, args: GatewayResourceLogsArgs, parent: pulumi.Resource): GatewayResourceLogs {
  const setting = new monitor.DiagnosticSetting(
    `${name}-resource-logs`,
    {
      name: "aoai-fleet-gateway-logs",
      resourceUri: args.serviceId,
      workspaceId: args.workspaceId,
      logAnalyticsDestinationType: "Dedicated",
      logs: GATEWAY_LOG_CATEGORIES.map((category) => ({ category, enabled: true })),
    },
    { parent, protect: args.protect },
  );
  // APIM keeps a logger of this id for Azure Monitor; the labs PUT it so a new service has it for
  // certain. It belongs to the service: a destroy leaves it to go with the service.
  const logger = new apimanagement.Logger(
    `${name}-azuremonitor-logger`,
    { resourceGroupName: args.resourceGroupName, serviceName: args.serviceName, loggerId: "azuremonitor", loggerType: "azureMonitor", isBuffered: true },
    { parent, protect: args.protect, retainOnDelete: true },
  );
  const diagnostic = new resources.Resource(
    `${name}-llm-diagnostic`,
    {
      resourceGroupName: args.resourceGroupName,
      resourceProviderNamespace: "Microsoft.ApiManagement",
      parentResourcePath: pulumi.interpolate`service/${args.serviceName}/apis/${args.apiId}`,
      resourceType: "diagnostics",
      resourceName: "azuremonitor",
      apiVersion: LLM_DIAGNOSTIC_API_VERSION,
      properties: {
        loggerId: logger.id,
        alwaysLog: "allErrors",
        verbosity: "information",
        logClientIp: false,
        sampling: { samplingType: "fixed", percentage: 100 },
        largeLanguageModel: { logs: "enabled" },
      },
    },
    { parent, protect: args.protect, dependsOn: [args.api, setting] },
  );
  return { setting, logger, diagnostic };
}
