import { describe, expect, it } from "vitest";
import { aoaiAccountMissingManagedIdentity as rule } from "../../../policies/rules/aoai-account-missing-managed-identity";
import { account, messagesOf, withInput } from "../support/resources";

const fix = 'set identity.type to "SystemAssigned" (or "UserAssigned" with identity.userAssignedIdentities) so it reaches Key Vault and storage without keys.';

describe("aoai-account-missing-managed-identity", () => {
  it("passes system-assigned, user-assigned and both", () => {
    expect(messagesOf(rule, [account()])).toEqual([]);
    expect(messagesOf(rule, [withInput(account(), "identity.type", "UserAssigned")])).toEqual([]);
    expect(messagesOf(rule, [withInput(account(), "identity.type", "SystemAssigned, UserAssigned")])).toEqual([]);
  });

  it("reports an account without identity", () => {
    expect(messagesOf(rule, [withInput(account(), "identity", undefined)])).toEqual([`Account "aoai-eastus2" has no managed identity; ${fix}`]);
  });

  it("reports identity type None", () => {
    expect(messagesOf(rule, [withInput(account(), "identity.type", "None")])).toEqual([`Account "aoai-eastus2" has identity.type "None"; ${fix}`]);
  });
});
