import { describe, expect, it } from "vitest";
import type { PlannedResource } from "../../../policies/rules";
import { aoaiAccountEnforcePrivateEndpoint as rule } from "../../../policies/rules/aoai-account-enforce-private-endpoint";
import { account, messagesOf, withInput } from "../support/resources";

const rg = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-fleet/providers";
const urn = (type: string, name: string) => `urn:pulumi:test::aoai-fleet::${type}::${name}`;

function endpoint(name: string, target: string | undefined, groupIds = ["account"], dependsOn: string[] = []): PlannedResource {
  const type = "azure-native:network:PrivateEndpoint";
  const connection = { name, groupIds, ...(target === undefined ? {} : { privateLinkServiceId: target }) };
  return { type, name, urn: urn(type, name), inputs: { privateEndpointName: name, resourceGroupName: "rg-fleet", privateLinkServiceConnections: [connection] }, dependsOn };
}

function zoneGroup(endpointName: string | undefined, zones: (string | undefined)[], dependsOn: string[] = []): PlannedResource {
  const type = "azure-native:network:PrivateDnsZoneGroup";
  const configs = zones.map((zone) => (zone === undefined ? { name: "unknown" } : { name: zone.replace(/\./g, "-"), privateDnsZoneId: `${rg}/Microsoft.Network/privateDnsZones/${zone}` }));
  return { type, name: `${endpointName ?? "pe"}-dns`, urn: urn(type, `${endpointName ?? "pe"}-dns`), inputs: { ...(endpointName === undefined ? {} : { privateEndpointName: endpointName }), privateDnsZoneConfigs: configs }, dependsOn };
}

const accountId = `${rg}/Microsoft.CognitiveServices/accounts/aoai-eastus2`;
const privateStack = () => [account(), endpoint("pe-aoai-eastus2", accountId), zoneGroup("pe-aoai-eastus2", ["privatelink.openai.azure.com"])];

describe("aoai-account-enforce-private-endpoint", () => {
  it("passes a private account with an endpoint and a zone group in the openai zone", () => {
    expect(messagesOf(rule, privateStack())).toEqual([]);
  });

  it("reports public access and the missing endpoint in one finding", () => {
    expect(messagesOf(rule, [withInput(account(), "properties.publicNetworkAccess", "Enabled")])).toEqual([
      'Account "aoai-eastus2" sets publicNetworkAccess to "Enabled", and has no private endpoint (an azure-native network PrivateEndpoint with groupIds ["account"] whose privateLinkServiceId is this account); set properties.publicNetworkAccess: "Disabled" and create a private endpoint with a DNS zone group (stack config: aoai-fleet:fleet.network).',
    ]);
  });

  it("reports an unset publicNetworkAccess (Azure allows public traffic then)", () => {
    const [, ...rest] = privateStack();
    expect(messagesOf(rule, [withInput(account(), "properties.publicNetworkAccess", undefined), ...rest])).toEqual([
      'Account "aoai-eastus2" leaves publicNetworkAccess unset (Azure then allows public traffic); set properties.publicNetworkAccess: "Disabled" and create a private endpoint with a DNS zone group (stack config: aoai-fleet:fleet.network).',
    ]);
  });

  it("does not count an endpoint to another account or to another sub-resource", () => {
    const other = endpoint("pe-other", `${rg}/Microsoft.CognitiveServices/accounts/aoai-westus3`);
    const wrongGroup = endpoint("pe-blob", accountId, ["blob"]);
    expect(messagesOf(rule, [account(), other, wrongGroup])).toHaveLength(1);
  });

  it("reports an endpoint without a zone group, unless the zone group is not required", () => {
    const stack = [account(), endpoint("pe-aoai-eastus2", accountId)];
    expect(messagesOf(rule, stack)).toEqual([
      'Account "aoai-eastus2" has private endpoint "pe-aoai-eastus2" without a DNS zone group, so its host name still resolves to the public address; set properties.publicNetworkAccess: "Disabled" and create a private endpoint with a DNS zone group (stack config: aoai-fleet:fleet.network).',
    ]);
    expect(messagesOf(rule, stack, { requireDnsZoneGroup: false })).toEqual([]);
  });

  it("requires all three AI zones for an AIServices account", () => {
    const foundry = withInput(account(), "kind", "AIServices");
    const partial = [foundry, endpoint("pe-aoai-eastus2", accountId), zoneGroup("pe-aoai-eastus2", ["privatelink.openai.azure.com"])];
    expect(messagesOf(rule, partial)).toEqual([
      'Account "aoai-eastus2" has private endpoint "pe-aoai-eastus2" whose DNS zone group lacks privatelink.cognitiveservices.azure.com and privatelink.services.ai.azure.com, which AIServices accounts need; set properties.publicNetworkAccess: "Disabled" and create a private endpoint with a DNS zone group (stack config: aoai-fleet:fleet.network).',
    ]);
    const full = [foundry, endpoint("pe-aoai-eastus2", accountId), zoneGroup("pe-aoai-eastus2", ["privatelink.cognitiveservices.azure.com", "privatelink.openai.azure.com", "privatelink.services.ai.azure.com"])];
    expect(messagesOf(rule, full)).toEqual([]);
  });

  it("reads the zones an account needs from its kind in any case (\"aiservices\" needs all three)", () => {
    const foundry = withInput(account(), "kind", "aiservices");
    const partial = [foundry, endpoint("pe-aoai-eastus2", accountId), zoneGroup("pe-aoai-eastus2", ["privatelink.openai.azure.com"])];
    expect(messagesOf(rule, partial)).toEqual([
      'Account "aoai-eastus2" has private endpoint "pe-aoai-eastus2" whose DNS zone group lacks privatelink.cognitiveservices.azure.com and privatelink.services.ai.azure.com, which AIServices accounts need; set properties.publicNetworkAccess: "Disabled" and create a private endpoint with a DNS zone group (stack config: aoai-fleet:fleet.network).',
    ]);
  });

  it("during a preview, matches the endpoint and zone group by dependency when ids and names are unknown", () => {
    const acct = account();
    const pe = endpoint("pe-new", undefined, ["account"], [acct.urn as string]);
    const { privateEndpointName: _name, ...inputs } = pe.inputs;
    const unnamed = { ...pe, inputs };
    expect(messagesOf(rule, [acct, unnamed, zoneGroup(undefined, [undefined], [pe.urn as string])])).toEqual([]);
  });

  it("ignores accounts of other kinds", () => {
    expect(messagesOf(rule, [withInput(withInput(account(), "kind", "TextAnalytics"), "properties.publicNetworkAccess", "Enabled")])).toEqual([]);
  });
});
