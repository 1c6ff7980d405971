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
}

/** One Azure OpenAI account of the fleet; the gateway identity gets "Cognitive Services OpenAI User" on it. */
export interface GatewayAccount {
  /** Region key of the account (one account per region); names the role assignment resource. */
  readonly region: string;
  /** ARM id of the account (the role assignment scope). */
  readonly accountId: pulumi.Input<string>;
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
  /** Optional. Tags for the service and telemetry resources. */
  readonly tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}
