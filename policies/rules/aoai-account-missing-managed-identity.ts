import { z } from "zod";
import { accountKindsOption, isGovernedAccount } from "./accounts";
import { stringAt, types } from "./inputs";
import { defineResourceRule } from "./types";

/**
 * Requires a managed identity on Azure OpenAI accounts, which customer-managed keys, Key Vault and
 * storage access need without secrets.
 * @severity medium
 */
export const aoaiAccountMissingManagedIdentity = defineResourceRule({
  name: "aoai-account-missing-managed-identity",
  description: "Azure OpenAI accounts must have a system- or user-assigned managed identity.",
  severity: "medium",
  enforcementLevel: "mandatory",
  options: z.object({ accountKinds: accountKindsOption }).strict(),
  resourceTypes: [types.account],
  validate(resource, options) {
    if (!isGovernedAccount(resource, options.accountKinds)) return [];
    const identityType = stringAt(resource, "identity", "type");
    if (identityType !== undefined && /SystemAssigned|UserAssigned/.test(identityType)) return [];
    const current = identityType === undefined ? "has no managed identity" : `has identity.type "${identityType}"`;
    return [`Account "${resource.name}" ${current}; set identity.type to "SystemAssigned" (or "UserAssigned" with identity.userAssignedIdentities) so it reaches Key Vault and storage without keys.`];
  },
});
