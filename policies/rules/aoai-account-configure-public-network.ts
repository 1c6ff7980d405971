import { z } from "zod";
import { accountKindsOption, isGovernedAccount } from "./accounts";
import { stringAt, types } from "./inputs";
import { defineResourceRule } from "./types";

/**
 * Controls public network access to Azure OpenAI accounts per environment. Azure defaults to
 * Enabled when the property is unset; an Enabled account may be accepted when its network ACLs
 * deny by default (only listed IPs and VNets get through). Advisory by default, so a stack with
 * the config default (`publicNetworkAccess: Enabled`) plans clean; environments that must be
 * private make it mandatory together with aoai-account-enforce-private-endpoint (prod does).
 * @severity high
 */
export const aoaiAccountConfigurePublicNetwork = defineResourceRule({
  name: "aoai-account-configure-public-network",
  description: "Azure OpenAI accounts must configure public network access as this environment requires.",
  severity: "high",
  enforcementLevel: "advisory",
  options: z
    .object({
      allowPublicNetworkAccess: z
        .boolean()
        .default(false)
        .describe("Accept publicNetworkAccess Enabled (typical for dev)."),
      allowWhenDefaultDeny: z
        .boolean()
        .default(true)
        .describe("Accept Enabled when properties.networkAcls.defaultAction is Deny."),
      accountKinds: accountKindsOption,
    })
    .strict(),
  resourceTypes: [types.account],
  validate(resource, options) {
    if (!isGovernedAccount(resource, options.accountKinds) || options.allowPublicNetworkAccess) return [];
    const access = stringAt(resource, "properties", "publicNetworkAccess");
    if (access === "Disabled") return [];
    if (options.allowWhenDefaultDeny && stringAt(resource, "properties", "networkAcls", "defaultAction") === "Deny") {
      return [];
    }
    const state = access === undefined ? "is open to the public internet (publicNetworkAccess unset means Enabled)" : `sets publicNetworkAccess to "${access}"`;
    const alternative = options.allowWhenDefaultDeny
      ? ", or keep it Enabled with properties.networkAcls.defaultAction: \"Deny\" and explicit ipRules"
      : "";
    return [`Account "${resource.name}" ${state}, which this environment does not allow; set properties.publicNetworkAccess: "Disabled" and reach it through a private endpoint${alternative}.`];
  },
});
