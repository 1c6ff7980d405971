/**
 * OpenAiAccount: one Azure OpenAI (Cognitive Services) account and its model deployments.
 * - custom subdomain = account name + a random suffix kept in state, so it is globally unique and
 *   stable across runs (Entra ID auth requires a custom subdomain);
 * - key auth disabled by default, system-assigned identity;
 * - deployments chained with dependsOn in the given order (one write per account at a time).
 */
import * as azure from "@pulumi/azure-native";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import type { AccountDeploymentArgs, OpenAiAccountArgs } from "./args";

export type { AccountDeploymentArgs, OpenAiAccountArgs } from "./args";

/** Endpoint host suffix per account kind. */
export function endpointFor(kind: "OpenAI" | "AIServices", subdomain: string): string {
  return kind === "OpenAI" ? `https://${subdomain}.openai.azure.com/` : `https://${subdomain}.cognitiveservices.azure.com/`;
}

export class OpenAiAccount extends pulumi.ComponentResource {
  /** The Cognitive Services account. */
  public readonly account: azure.cognitiveservices.Account;
  /** Account name. */
  public readonly accountName: pulumi.Output<string>;
  /** ARM id of the account. */
  public readonly accountId: pulumi.Output<string>;
  /** Inference endpoint, e.g. `https://<subdomain>.openai.azure.com/`. */
  public readonly endpoint: pulumi.Output<string>;
  /** Deployments by deployment name, in creation order. */
  public readonly deployments: Readonly<Record<string, azure.cognitiveservices.Deployment>>;
  /**
   * The account's last write in this component (the last deployment, or the account): anything else
   * that changes the account (a private endpoint connection) waits for it, since Azure answers
   * concurrent writes on one account with 409 RequestConflict.
   */
  public readonly lastWrite: pulumi.Resource;

  constructor(name: string, args: OpenAiAccountArgs, opts?: pulumi.ComponentResourceOptions) {
    super("aoai-fleet:index:OpenAiAccount", name, {}, opts);
    const accountName = args.accountName ?? name;
    const kind = args.kind ?? "OpenAI";
    const tags = { ...(args.tags ?? {}) };
    // Set protect on each child explicitly (not only by inheritance) so plans and policies see it.
    const protect = args.protect ?? false;
    const publicNetworkAccess = args.publicNetworkAccess ?? "Enabled";
    const defaultAction = args.networkDefaultAction ?? (publicNetworkAccess === "Disabled" ? "Deny" : undefined);
    const seen = new Set<string>();
    for (const d of args.deployments) {
      if (seen.has(d.name)) throw new Error(`OpenAiAccount ${name}: deployment "${d.name}" is listed twice`);
      seen.add(d.name);
    }

    const suffix = new random.RandomString(`${name}-subdomain`, { length: 6, lower: true, upper: false, numeric: true, special: false }, { parent: this, protect });
    const account = new azure.cognitiveservices.Account(
      name,
      {
        accountName,
        resourceGroupName: args.resourceGroupName,
        location: args.location,
        kind,
        sku: { name: "S0" },
        identity: { type: "SystemAssigned" },
        properties: {
          customSubDomainName: pulumi.interpolate`${accountName}-${suffix.result}`,
          disableLocalAuth: args.disableLocalAuth ?? true,
          publicNetworkAccess,
          // Deny by default, no IP or VNet rules: with public access disabled only private endpoints reach the account.
          ...(defaultAction === undefined ? {} : { networkAcls: { defaultAction, ipRules: [], virtualNetworkRules: [] } }),
        },
        tags,
      },
      { parent: this, protect },
    );

    const deployments: Record<string, azure.cognitiveservices.Deployment> = {};
    let previous: pulumi.Resource = account;
    for (const d of args.deployments) {
      const deployment: azure.cognitiveservices.Deployment = new azure.cognitiveservices.Deployment(
        `${name}-${d.name}`,
        {
          accountName: account.name,
          resourceGroupName: args.resourceGroupName,
          deploymentName: d.name,
          sku: { name: d.sku, capacity: d.capacity },
          properties: deploymentProperties(d),
          tags,
        },
        { parent: this, protect, dependsOn: [previous] },
      );
      deployments[d.name] = deployment;
      previous = deployment;
    }

    this.account = account;
    this.accountName = account.name;
    this.accountId = account.id;
    this.endpoint = account.properties.apply((p) => p.endpoint);
    this.deployments = deployments;
    this.lastWrite = previous;
    this.registerOutputs({ account, accountName: this.accountName, accountId: this.accountId, endpoint: this.endpoint, deployments });
  }
}

function deploymentProperties(d: AccountDeploymentArgs): azure.types.input.cognitiveservices.DeploymentPropertiesArgs {
  return {
    model: { format: d.format ?? "OpenAI", name: d.model, version: d.version },
    versionUpgradeOption: d.versionUpgradeOption,
    ...(d.raiPolicyName !== undefined ? { raiPolicyName: d.raiPolicyName } : {}),
    ...(d.spilloverDeploymentName !== undefined ? { spilloverDeploymentName: d.spilloverDeploymentName } : {}),
  };
}
