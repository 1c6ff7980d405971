import { describe, expect, it } from "vitest";
import { aoaiAccountConfigurePublicNetwork as rule } from "../../../policies/rules/aoai-account-configure-public-network";
import { account, messagesOf, withInput } from "../support/resources";

const enabled = () => withInput(account(), "properties.publicNetworkAccess", "Enabled");

describe("aoai-account-configure-public-network", () => {
  it("passes an account with public network access disabled", () => {
    expect(messagesOf(rule, [account()])).toEqual([]);
  });

  it("reports Enabled in a strict environment", () => {
    expect(messagesOf(rule, [enabled()])).toEqual([
      'Account "aoai-eastus2" sets publicNetworkAccess to "Enabled", which this environment does not allow; set properties.publicNetworkAccess: "Disabled" and reach it through a private endpoint, or keep it Enabled with properties.networkAcls.defaultAction: "Deny" and explicit ipRules.',
    ]);
  });

  it("reports an unset value, which Azure treats as Enabled", () => {
    expect(messagesOf(rule, [withInput(account(), "properties.publicNetworkAccess", undefined)], { allowWhenDefaultDeny: false })).toEqual([
      'Account "aoai-eastus2" is open to the public internet (publicNetworkAccess unset means Enabled), which this environment does not allow; set properties.publicNetworkAccess: "Disabled" and reach it through a private endpoint.',
    ]);
  });

  it("accepts Enabled behind network ACLs that deny by default, unless switched off", () => {
    const acl = withInput(enabled(), "properties.networkAcls", { defaultAction: "Deny", ipRules: [{ value: "203.0.113.0/24" }] });
    expect(messagesOf(rule, [acl])).toEqual([]);
    expect(messagesOf(rule, [acl], { allowWhenDefaultDeny: false })).toHaveLength(1);
  });

  it("accepts Enabled where the environment allows public access (dev)", () => {
    expect(messagesOf(rule, [enabled()], { allowPublicNetworkAccess: true })).toEqual([]);
  });
});
