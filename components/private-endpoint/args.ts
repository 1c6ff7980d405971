import type * as pulumi from "@pulumi/pulumi";

/** One private DNS zone the endpoint registers its address in. */
export interface PrivateEndpointZone {
  /** Zone name, e.g. `privatelink.openai.azure.com`; names the zone config (dots as dashes). */
  readonly name: string;
  /** Resource id of the zone (created by the stack or an existing one). */
  readonly id: pulumi.Input<string>;
}

/** Arguments of a private endpoint with its DNS zone group. */
export interface PrivateEndpointArgs {
  /** Resource group of the endpoint (the VNet may live elsewhere). */
  readonly resourceGroupName: pulumi.Input<string>;
  /** Region of the endpoint: the VNet's region (the target may be in another region). */
  readonly location: string;
  /** ARM name of the endpoint; its network interface is `<name>-nic`. */
  readonly privateEndpointName: string;
  /** Subnet the endpoint takes an address in (no delegation, endpoint network policies disabled). */
  readonly subnetId: pulumi.Input<string>;
  /** Resource id of the target (an account, or the API Management service). */
  readonly privateLinkServiceId: pulumi.Input<string>;
  /** Target sub-resource: `account` for Cognitive Services accounts, `Gateway` for API Management. */
  readonly groupId: "account" | "Gateway";
  /** Zones of the DNS zone group (at most 5, as ARM allows). */
  readonly zones: readonly PrivateEndpointZone[];
  /** Optional. Resources the endpoint waits for (its subnet, the target's last write). Defaults to none. */
  readonly dependsOn?: readonly pulumi.Resource[];
  /** Optional. Protect the endpoint and zone group from deletion. Defaults to false. */
  readonly protect?: boolean;
  /** Optional. Tags on the endpoint. */
  readonly tags?: Readonly<Record<string, string>>;
}
