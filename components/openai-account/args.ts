import type * as pulumi from "@pulumi/pulumi";
import type { DeploymentSku, UpgradeOption } from "../../stacks/config/fleet";

/** One model deployment inside an account. */
export interface AccountDeploymentArgs {
  /** Deployment name (the name clients call); also the key of the child resource (`${name}-${deployment}`). */
  readonly name: string;
  /** Model name, e.g. `gpt-4.1`. */
  readonly model: string;
  /** Exact model version, e.g. `2025-04-14`. Never omitted: the service would pick one and drift. */
  readonly version: string;
  /** Model format. Optional. Defaults to `OpenAI`. */
  readonly format?: string;
  /** Deployment SKU (`sku.name`), e.g. `GlobalStandard`. Always sent: omitting it causes drift. */
  readonly sku: DeploymentSku;
  /** Capacity units (standard) or PTU (provisioned), sent as `sku.capacity`. */
  readonly capacity: number;
  /** `properties.versionUpgradeOption`. */
  readonly versionUpgradeOption: UpgradeOption;
  /** Content filter policy name (`properties.raiPolicyName`). Optional. */
  readonly raiPolicyName?: string;
  /** Standard deployment in this account taking this provisioned deployment's overflow. Optional. */
  readonly spilloverDeploymentName?: string;
}

/** Arguments of an Azure OpenAI account with its deployments. */
export interface OpenAiAccountArgs {
  /** Resource group the account lives in. */
  readonly resourceGroupName: pulumi.Input<string>;
  /** Azure region, e.g. `eastus2`. */
  readonly location: string;
  /** Account name (unique within the resource group). Optional. Defaults to the component name. */
  readonly accountName?: string;
  /** Account kind. Optional. Defaults to `OpenAI`; `AIServices` for a Foundry resource. */
  readonly kind?: "OpenAI" | "AIServices";
  /** Disable key auth so only Entra ID tokens work. Optional. Defaults to `true`. */
  readonly disableLocalAuth?: boolean;
  /** Public network access. Optional. Defaults to `Enabled`. */
  readonly publicNetworkAccess?: "Enabled" | "Disabled";
  /**
   * `networkAcls.defaultAction`. Optional. Defaults to `Deny` when public access is `Disabled` (only
   * private endpoints get through) and to unset (Azure's `Allow`) otherwise.
   */
  readonly networkDefaultAction?: "Allow" | "Deny";
  /** Protect the account, its subdomain suffix and its deployments from deletion. Optional. Defaults to `false`. */
  readonly protect?: boolean;
  /** Tags on the account and its deployments. Optional. */
  readonly tags?: Readonly<Record<string, string>>;
  /**
   * Deployments, created one at a time in this order (each dependsOn the previous one) because
   * Azure rejects parallel writes on one account with 409 RequestConflict. Put spillover targets
   * first; `orderForCreation` in core/plan does that.
   */
  readonly deployments: readonly AccountDeploymentArgs[];
}
