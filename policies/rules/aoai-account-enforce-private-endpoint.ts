import { z } from "zod";
import { ACCOUNT_ZONES } from "../../core/plan/network/zones";
import { accountKindsOption, isGovernedAccount, knownAccountKind } from "./accounts";
import { listOf, stringAt, types } from "./inputs";
import { endpointTargetsAccount, hasUnknownZoneIds, zoneGroupsOf, zoneNamesOf } from "./private-endpoints";
import { defineStackRule, type Finding } from "./types";
import { isType } from "./resource-kinds";

/**
 * Azure OpenAI accounts are private: public network access disabled, and a private endpoint to
 * the account (groupId `account`) whose DNS zone group registers it in the zones its kind needs,
 * so callers in linked networks resolve the private address (without the zone group they resolve
 * the public one and get 403).
 * @severity high
 */
export const aoaiAccountEnforcePrivateEndpoint = defineStackRule({
  name: "aoai-account-enforce-private-endpoint",
  description: "Azure OpenAI accounts must disable public network access and be reached through a private endpoint with a DNS zone group.",
  severity: "high",
  enforcementLevel: "advisory",
  options: z
    .object({
      requireDnsZoneGroup: z.boolean().default(true).describe("Require a DNS zone group on the account's private endpoint, with the zones of the account's kind."),
      accountKinds: accountKindsOption,
    })
    .strict(),
  validate(resources, options) {
    const findings: Finding[] = [];
    const endpoints = resources.filter((r) => isType(r, types.privateEndpoint));
    for (const account of resources.filter((r) => isType(r, types.account) && isGovernedAccount(r, options.accountKinds))) {
      const problems: string[] = [];
      const access = stringAt(account, "properties", "publicNetworkAccess");
      if (access !== "Disabled") {
        problems.push(access === undefined ? "leaves publicNetworkAccess unset (Azure then allows public traffic)" : `sets publicNetworkAccess to "${access}"`);
      }
      const endpoint = endpoints.find((candidate) => endpointTargetsAccount(candidate, account));
      if (!endpoint) {
        problems.push('has no private endpoint (an azure-native network PrivateEndpoint with groupIds ["account"] whose privateLinkServiceId is this account)');
      } else if (options.requireDnsZoneGroup) {
        const groups = zoneGroupsOf(endpoint, resources);
        const kind = knownAccountKind(account);
        const wanted = kind === undefined ? [] : ACCOUNT_ZONES[kind];
        const registered = new Set(groups.flatMap(zoneNamesOf));
        const missing = wanted.filter((zone) => !registered.has(zone));
        if (groups.length === 0) {
          problems.push(`has private endpoint "${endpoint.name}" without a DNS zone group, so its host name still resolves to the public address`);
        } else if (missing.length > 0 && !groups.some(hasUnknownZoneIds)) {
          problems.push(`has private endpoint "${endpoint.name}" whose DNS zone group lacks ${listOf(missing, "and")}, which ${kind} accounts need`);
        }
      }
      if (problems.length === 0) continue;
      findings.push({
        resource: account,
        message: `Account "${account.name}" ${problems.join(", and ")}; set properties.publicNetworkAccess: "Disabled" and create a private endpoint with a DNS zone group (stack config: aoai-fleet:fleet.network).`,
      });
    }
    return findings;
  },
});
