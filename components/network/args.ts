import type * as pulumi from "@pulumi/pulumi";
import type { NetworkPlan } from "../../core/plan/network/types";

/** One account of the fleet that gets a private endpoint. */
export interface NetworkAccountTarget {
  /** Region key of the account (one account per region). */
  readonly region: string;
  /** Resource id of the account (the endpoint's `privateLinkServiceId`). */
  readonly accountId: pulumi.Input<string>;
  /**
   * The account's last write (its last deployment, or the account itself): connecting an endpoint
   * changes the account, and Azure refuses concurrent writes on one account with 409.
   */
  readonly lastWrite: pulumi.Resource;
}

/** Arguments of the fleet's network. */
export interface FleetNetworkArgs {
  /** The validated network plan (`planNetwork` in core/plan/network): networks, subnets, endpoints, zones. */
  readonly plan: NetworkPlan;
  /** Resource group for every network resource the stack creates. */
  readonly resourceGroupName: pulumi.Input<string>;
  /** Prefix of ARM names the plan does not name itself (NSGs), usually the fleet name. */
  readonly namePrefix: string;
  /** Every account the plan has an endpoint for. */
  readonly accounts: readonly NetworkAccountTarget[];
  /** Optional. Protect every child from deletion. Defaults to false. */
  readonly protect?: boolean;
  /** Optional. Tags on every child that takes tags. */
  readonly tags?: Readonly<Record<string, string>>;
}
