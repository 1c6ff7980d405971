import { z } from "zod";
import { accountKindsOption, isGovernedAccount } from "./accounts";
import { inputAt, types } from "./inputs";
import { defineResourceRule } from "./types";

/**
 * Requires key-based (local) authentication to be switched off on Azure OpenAI accounts, so every
 * caller authenticates with Entra ID and access is governed by role assignments.
 * @severity high
 */
export const aoaiAccountDisableLocalAuth = defineResourceRule({
  name: "aoai-account-disable-local-auth",
  description: "Azure OpenAI accounts must set properties.disableLocalAuth to true.",
  severity: "high",
  enforcementLevel: "mandatory",
  options: z.object({ accountKinds: accountKindsOption }).strict(),
  resourceTypes: [types.account],
  validate(resource, options) {
    if (!isGovernedAccount(resource, options.accountKinds)) return [];
    if (inputAt(resource, "properties", "disableLocalAuth") === true) return [];
    return [`Account "${resource.name}" leaves key-based (local) authentication enabled; set properties.disableLocalAuth: true and call it with Entra ID tokens (managed identity) instead of keys.`];
  },
});
