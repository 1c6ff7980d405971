import type * as pulumi from "@pulumi/pulumi";

/** What every group of the gateway's child resources (access, telemetry, resource logs) is created in. */
export interface GatewayChildArgs {
  /** Resource group of the gateway. */
  readonly resourceGroupName: pulumi.Input<string>;
  /** API Management service name. */
  readonly serviceName: pulumi.Input<string>;
  /** Protect every resource of the group from deletion. */
  readonly protect: boolean;
}
