/**
 * AoaiFleet: the resource group (unless given), one OpenAiAccount per region with its deployments,
 * and the backend inventory the gateway consumes (deployment × region → endpoint, account, SKU,
 * capacity, TPM/RPM).
 */
import * as azure from "@pulumi/azure-native";
import * as pulumi from "@pulumi/pulumi";
import type { Backend, FleetPlan } from "../../core/plan/types";
import { OpenAiAccount } from "../openai-account";
import type { AoaiFleetArgs } from "./args";

export type { AoaiFleetArgs } from "./args";

export class AoaiFleet extends pulumi.ComponentResource {
  /** Name of the resource group holding the accounts. */
  public readonly resourceGroupName: pulumi.Output<string>;
  /** The created resource group, when the fleet created one. */
  public readonly resourceGroup: azure.resources.ResourceGroup | undefined;
  /** Accounts by region. */
  public readonly accounts: Readonly<Record<string, OpenAiAccount>>;
  /** Every deployment × region with its account endpoint and id, in plan order. */
  public readonly backends: pulumi.Output<Backend[]>;

  constructor(name: string, args: AoaiFleetArgs, opts?: pulumi.ComponentResourceOptions) {
    super("aoai-fleet:index:AoaiFleet", name, {}, opts);
    const plan: FleetPlan = args.plan;
    const protect = plan.protect;

    let resourceGroup: azure.resources.ResourceGroup | undefined;
    let resourceGroupName: pulumi.Output<string>;
    if (args.resourceGroupName !== undefined) {
      resourceGroupName = pulumi.output(args.resourceGroupName);
    } else if (plan.resourceGroup.create) {
      resourceGroup = new azure.resources.ResourceGroup(
        `${name}-rg`,
        { resourceGroupName: plan.resourceGroup.name, location: plan.resourceGroup.location, tags: { ...plan.tags } },
        { parent: this, protect },
      );
      resourceGroupName = resourceGroup.name;
    } else {
      resourceGroupName = pulumi.output(plan.resourceGroup.name);
    }

    const accounts: Record<string, OpenAiAccount> = {};
    for (const planned of plan.accounts) {
      accounts[planned.region] = new OpenAiAccount(
        `${name}-${planned.region}`,
        {
          resourceGroupName,
          location: planned.region,
          accountName: `${plan.name}-${planned.region}`,
          kind: plan.kind,
          disableLocalAuth: plan.disableLocalAuth,
          publicNetworkAccess: plan.publicNetworkAccess,
          protect,
          tags: { ...plan.tags },
          deployments: planned.deployments.map((d) => ({
            name: d.name,
            model: d.model,
            version: d.version,
            format: d.format,
            sku: d.sku,
            capacity: d.capacity,
            versionUpgradeOption: d.upgrade,
            ...(d.raiPolicy !== undefined ? { raiPolicyName: d.raiPolicy } : {}),
            ...(d.spillover !== undefined ? { spilloverDeploymentName: d.spillover } : {}),
          })),
        },
        { parent: this },
      );
    }

    const perAccount = plan.accounts.map((planned) => {
      const account = accounts[planned.region] as OpenAiAccount;
      return pulumi
        .all([account.endpoint, account.accountId, account.accountName])
        .apply(([endpoint, accountId, accountName]) => planned.deployments.map((d): Backend => ({ ...d, endpoint, accountId, accountName })));
    });

    this.resourceGroup = resourceGroup;
    this.resourceGroupName = resourceGroupName;
    this.accounts = accounts;
    this.backends = pulumi.all(perAccount).apply((lists) => lists.flat());
    this.registerOutputs({ resourceGroupName, resourceGroup, accounts, backends: this.backends });
  }
}
