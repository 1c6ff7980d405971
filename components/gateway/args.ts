import type * as pulumi from "@pulumi/pulumi";
import type { GatewayConfig } from "../../stacks/config/gateway";

/** One fleet deployment in one region: what the gateway needs to reach it and to weigh it. */
export interface GatewayBackendTarget {
  /** Fleet deployment name (a key of `aoai-fleet:fleet.deployments`). */
  readonly deployment: string;
  /** Azure region of the account holding the deployment. */
  readonly region: string;
  /** The account endpoint, `https://<subdomain>.openai.azure.com/`; backends call `<endpoint>openai/deployments/<deployment>`. */
  readonly endpoint: pulumi.Input<string>;
  /** Capacity units of the deployment in this region (weights are proportional to it). */
  readonly capacity: number;
  /** Tokens per minute this capacity buys (null when the catalog has no figure); shown in the topology and route table. */
  readonly tokensPerMinute: number | null;
  /** Deployment SKU (e.g. GlobalStandard, ProvisionedManaged). */
  readonly sku: string;
  /** Its model answers embeddings (core/plan `embeddingsDeployments`): no Responses API account twin. */
  readonly embeddings: boolean;
}

/** One Azure OpenAI account of the fleet; the gateway identity gets "Cognitive Services OpenAI User" on it. */
export interface GatewayAccount {
  /** Region key of the account (one account per region); names the role assignment resource. */
  readonly region: string;
  /** ARM id of the account (the role assignment scope). */
  readonly accountId: pulumi.Input<string>;
}

/** The gateway's place on the fleet's network (issue 13); built from the network plan. */
export interface GatewayNetworkArgs {
  /** ARM `virtualNetworkType`: `External` (StandardV2 integration, classic external injection) or `Internal` (classic internal injection). */
  readonly virtualNetworkType: "External" | "Internal";
  /** Subnet the service joins (delegated to Microsoft.Web/serverFarms for StandardV2, undelegated for classic tiers). */
  readonly subnetId: pulumi.Input<string>;
  /** Public network access of the service; `Disabled` only once the inbound endpoint exists. */
  readonly publicNetworkAccess: "Enabled" | "Disabled";
  /** Resources the service waits for: its subnet, every account endpoint's zone group, VNet links and peerings. */
  readonly dependsOn: readonly pulumi.Resource[];
  /** Optional. An inbound private endpoint (groupId Gateway) for clients in the network. */
  readonly inboundPrivateEndpoint?: {
    /** ARM name of the endpoint. */
    readonly privateEndpointName: string;
    /** Region of the endpoint's VNet. */
    readonly location: string;
    /** Private-endpoint subnet. */
    readonly subnetId: pulumi.Input<string>;
    /** Zone name (`privatelink.azure-api.net`). */
    readonly zoneName: string;
    /** Zone id. */
    readonly zoneId: pulumi.Input<string>;
  };
}

/** Arguments of the `AiGateway` component. */
export interface AiGatewayArgs {
  /** Resource group for the API Management service and its telemetry resources. */
  readonly resourceGroupName: pulumi.Input<string>;
  /** Region of the API Management service. */
  readonly location: pulumi.Input<string>;
  /** Validated `aoai-fleet:gateway` config (see `stacks/config/gateway.ts`). */
  readonly config: GatewayConfig;
  /** Every deployment × region of the fleet the routes may use. */
  readonly backends: readonly GatewayBackendTarget[];
  /** Every account of the fleet (one per region). */
  readonly accounts: readonly GatewayAccount[];
  /** Optional. Service name (globally unique, `<name>.azure-api.net`). Defaults to Pulumi auto-naming from the component name. */
  readonly serviceName?: pulumi.Input<string>;
  /** Optional. Protect every child from deletion (the fleet's `protect`). Defaults to false. */
  readonly protect?: boolean;
  /** Optional. The network the gateway joins (VNet integration or injection); absent: a public gateway on no network. */
  readonly network?: GatewayNetworkArgs;
  /** Optional. Tags for the service and telemetry resources. */
  readonly tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}
