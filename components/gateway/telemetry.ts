import * as pulumi from "@pulumi/pulumi";
import * as apimanagement from "@pulumi/azure-native/apimanagement";
import * as applicationinsights from "@pulumi/azure-native/applicationinsights";
import * as authorization from "@pulumi/azure-native/authorization";
import * as operationalinsights from "@pulumi/azure-native/operationalinsights";
import { MONITORING_METRICS_PUBLISHER_ROLE, roleDefinitionIdFor } from "./identity";
import { roleAssignmentIdentity } from "./role-assignment";
import type { GatewayChildArgs } from "./child-args";

/** Inputs of the optional telemetry children. */
export interface GatewayTelemetryArgs extends GatewayChildArgs {
  /** Region for the workspace and Application Insights. */
  readonly location: pulumi.Input<string>;
  /** The gateway's system-assigned principal (publishes telemetry with Entra auth, no key). */
  readonly principalId: pulumi.Input<string>;
  /** Percent of requests logged (token metrics are emitted for every request regardless). */
  readonly samplingPercentage: number;
  /** Any ARM id in the gateway's subscription (built-in role definitions are addressed through it). */
  readonly subscriptionResourceId: pulumi.Input<string>;
  /** The `openai` API the diagnostic attaches to. */
  readonly api: pulumi.Resource;
  /** Optional. The shadow relay API (`openai-shadow`): its token metrics (Target = shadow) need a diagnostic too. */
  readonly shadowApi?: { readonly apiId: string; readonly api: pulumi.Resource };
  /** Tags for the workspace and Application Insights. */
  readonly tags?: pulumi.Input<Record<string, pulumi.Input<string>>> | undefined;
}

/** The telemetry children, for dependsOn and outputs. */
export interface GatewayTelemetry {
  readonly workspace: operationalinsights.Workspace;
  readonly appInsights: applicationinsights.Component;
  readonly logger: apimanagement.Logger;
  readonly diagnostic: apimanagement.ApiDiagnostic;
  /** The shadow relay's diagnostic, when there is a relay. */
  readonly shadowDiagnostic?: apimanagement.ApiDiagnostic;
}

/**
 * Log Analytics + Application Insights + APIM logger + API diagnostic with custom metrics enabled,
 * so `azure-openai-emit-token-metric` lands in Application Insights. Local (key) auth is disabled on
 * Application Insights; the logger authenticates with the gateway's identity
 * ("Monitoring Metrics Publisher"), so the connection string it holds grants nothing by itself.
 */
export function createTelemetry(name: string, args: GatewayTelemetryArgs, parent: pulumi.Resource): GatewayTelemetry {
  const tags = args.tags === undefined ? {} : { tags: args.tags };
  const workspace = new operationalinsights.Workspace(
    `${name}-logs`,
    { resourceGroupName: args.resourceGroupName, location: args.location, sku: { name: "PerGB2018" }, retentionInDays: 30, ...tags },
    { parent, protect: args.protect },
  );
  const appInsights = new applicationinsights.Component(
    `${name}-insights`,
    {
      resourceGroupName: args.resourceGroupName,
      location: args.location,
      kind: "web",
      applicationType: "web",
      ingestionMode: "LogAnalytics",
      workspaceResourceId: workspace.id,
      disableLocalAuth: true,
      ...tags,
    },
    { parent, protect: args.protect },
  );
  const publisher = new authorization.RoleAssignment(
    `${name}-metrics-publisher`,
    {
      ...roleAssignmentIdentity(
        appInsights.id,
        args.principalId,
        pulumi.output(args.subscriptionResourceId).apply((id) => roleDefinitionIdFor(id, MONITORING_METRICS_PUBLISHER_ROLE)),
      ),
      principalType: "ServicePrincipal",
      description: `aoai-fleet gateway ${name}: publish telemetry with Entra auth`,
    },
    { parent, protect: args.protect },
  );
  const logger = new apimanagement.Logger(
    `${name}-logger`,
    {
      resourceGroupName: args.resourceGroupName,
      serviceName: args.serviceName,
      loggerId: "app-insights",
      loggerType: "applicationInsights",
      resourceId: appInsights.id,
      credentials: { connectionString: pulumi.secret(appInsights.connectionString), identityClientId: "SystemAssigned" },
      isBuffered: true,
    },
    { parent, protect: args.protect, dependsOn: [publisher] },
  );
  const diagnosticArgs = (apiId: string) => ({
    resourceGroupName: args.resourceGroupName,
    serviceName: args.serviceName,
    apiId,
    diagnosticId: "applicationinsights",
    loggerId: logger.id,
    metrics: true,
    alwaysLog: "allErrors",
    httpCorrelationProtocol: "W3C",
    verbosity: "information",
    sampling: { samplingType: "fixed", percentage: args.samplingPercentage },
  });
  const diagnostic = new apimanagement.ApiDiagnostic(`${name}-diagnostic`, diagnosticArgs("openai"), { parent, protect: args.protect, dependsOn: [args.api] });
  const shadowDiagnostic = args.shadowApi
    ? new apimanagement.ApiDiagnostic(`${name}-shadow-diagnostic`, diagnosticArgs(args.shadowApi.apiId), { parent, protect: args.protect, dependsOn: [args.shadowApi.api] })
    : undefined;
  return { workspace, appInsights, logger, diagnostic, ...(shadowDiagnostic ? { shadowDiagnostic } : {}) };
}
