import { describe, expect, it } from "vitest";
import { aoaiDeploymentEnforceCapacityQuota as rule } from "../../../policies/rules/aoai-deployment-enforce-capacity-quota";
import { account, deployment, messagesOf, withInput } from "../support/resources";

const stack = () => [
  account("aoai-eastus2", "eastus2"),
  account("aoai-sweden", "swedencentral"),
  deployment("chat-a", "aoai-eastus2"),
  withInput(deployment("chat-b", "aoai-eastus2"), "sku.capacity", 150),
  deployment("chat-c", "aoai-sweden"),
];
const quota = (capacity: number) => ({ quotas: [{ region: "eastus2", model: "gpt-4o", sku: "DataZoneStandard", capacity }] });

describe("aoai-deployment-enforce-capacity-quota", () => {
  it("passes when the summed capacity fits the declared quota", () => {
    expect(messagesOf(rule, stack(), quota(250))).toEqual([]);
  });

  it("passes with no declarations (nothing to compare against)", () => {
    expect(messagesOf(rule, stack())).toEqual([]);
  });

  it("reports a region whose deployments together exceed the quota", () => {
    expect(messagesOf(rule, stack(), quota(200))).toEqual([
      "Deployments of gpt-4o DataZoneStandard in eastus2 request 250 capacity units (chat-a: 100, chat-b: 150), above the declared quota of 200; lower sku.capacity or raise the declared quota after Azure grants it.",
    ]);
  });

  it("counts a model-less declaration as the SKU's PTU pool across models", () => {
    const ptu = [
      account("aoai-eastus2", "eastus2"),
      withInput(withInput(deployment("ptu-a"), "sku.name", "ProvisionedManaged"), "sku.capacity", 50),
      withInput(withInput(withInput(deployment("ptu-b"), "sku.name", "ProvisionedManaged"), "sku.capacity", 50), "properties.model.name", "gpt-4.1"),
    ];
    expect(messagesOf(rule, ptu, { quotas: [{ region: "eastus2", sku: "ProvisionedManaged", capacity: 75 }] })).toEqual([
      "Deployments of the ProvisionedManaged PTU pool in eastus2 request 100 capacity units (ptu-a: 50, ptu-b: 50), above the declared quota of 75; lower sku.capacity or raise the declared quota after Azure grants it.",
    ]);
  });

  it("reports undeclared combinations when declarations are required", () => {
    expect(messagesOf(rule, stack(), { ...quota(250), requireDeclaredQuota: true })).toEqual([
      'Deployments of gpt-4o DataZoneStandard in swedencentral have no declared quota; add { region: "swedencentral", model: "gpt-4o", sku: "DataZoneStandard", capacity: <units> } to this rule\'s quotas option.',
    ]);
  });

  it("reports a deployment whose account cannot be found", () => {
    const orphan = deployment("orphan", "not-in-stack");
    expect(messagesOf(rule, [...stack(), orphan], quota(250))).toEqual([
      'Deployment "orphan" cannot be matched to an account with a known location, so its capacity cannot be counted against a regional quota; set accountName to the name of an account in this stack that sets location.',
    ]);
  });

  it("finds the account through dependencies when accountName is an unknown output", () => {
    const linked = { ...withInput(deployment("chat-d", "x"), "accountName", undefined), dependsOn: [account("aoai-eastus2").urn as string] };
    expect(messagesOf(rule, [...stack(), linked], quota(300))).toEqual([
      "Deployments of gpt-4o DataZoneStandard in eastus2 request 350 capacity units (chat-a: 100, chat-b: 150, chat-d: 100), above the declared quota of 300; lower sku.capacity or raise the declared quota after Azure grants it.",
    ]);
  });
});

describe("aoai-deployment-enforce-capacity-quota account resolution", () => {
  it("follows a dependsOn chain of deployments back to their account", () => {
    const acct = account("aoai-eastus2", "eastus2");
    const first = { ...withInput(deployment("d1"), "accountName", undefined), dependsOn: [acct.urn as string] };
    const second = { ...withInput(deployment("d2"), "accountName", undefined), dependsOn: [first.urn as string] };
    expect(messagesOf(rule, [acct, first, second], quota(150))).toEqual([
      "Deployments of gpt-4o DataZoneStandard in eastus2 request 200 capacity units (d1: 100, d2: 100), above the declared quota of 150; lower sku.capacity or raise the declared quota after Azure grants it.",
    ]);
  });

  it("falls back to the one account under the same parent component", () => {
    const parent = "urn:pulumi:test::aoai-fleet::aoai:index:OpenAiAccount::eastus2";
    const acct = { ...account("aoai-eastus2", "eastus2"), parent };
    const orphan = { ...withInput(deployment("d1"), "accountName", undefined), parent };
    expect(messagesOf(rule, [acct, orphan], quota(50))).toEqual([
      "Deployments of gpt-4o DataZoneStandard in eastus2 request 100 capacity units (d1: 100), above the declared quota of 50; lower sku.capacity or raise the declared quota after Azure grants it.",
    ]);
  });
});

describe("aoai-deployment-enforce-capacity-quota: region spellings", () => {
  // Account locations were normalized ("East US 2" → eastus2) but declared quotas only lower-cased,
  // so a declaration written "East US 2" matched nothing and an over-quota plan passed.
  it("counts a quota declared as \"East US 2\" against eastus2 deployments", () => {
    const options = { quotas: [{ region: "East US 2", model: "gpt-4o", sku: "DataZoneStandard", capacity: 200 }] };
    expect(messagesOf(rule, stack(), options)).toEqual([
      "Deployments of gpt-4o DataZoneStandard in eastus2 request 250 capacity units (chat-a: 100, chat-b: 150), above the declared quota of 200; lower sku.capacity or raise the declared quota after Azure grants it.",
    ]);
  });

  it("treats that declaration as declared under requireDeclaredQuota", () => {
    const options = { requireDeclaredQuota: true, quotas: [{ region: "East US 2", model: "gpt-4o", sku: "DataZoneStandard", capacity: 300 }, { region: "Sweden Central", model: "gpt-4o", sku: "DataZoneStandard", capacity: 100 }] };
    expect(messagesOf(rule, stack(), options)).toEqual([]);
  });
});

describe("aoai-deployment-enforce-capacity-quota: region names", () => {
  // A declaration for "eastu2" matched no deployment, so its quota silently never applied.
  it("rejects a declared region that is not an Azure region, naming the entry and the closest Azure region names", () => {
    const options = { quotas: [{ region: "eastu2", model: "gpt-4o", sku: "DataZoneStandard", capacity: 200 }] };
    expect(() => messagesOf(rule, stack(), options)).toThrow(
      'Invalid policy options: aoai-deployment-enforce-capacity-quota.quotas.0.region: "eastu2" is not an Azure region; closest names: eastus, eastus2 ' +
        '(an ARM name such as swedencentral or a display name such as "Sweden Central"; a region Azure opened after 2025-09-23 is added to core/catalog/azure-regions.json).',
    );
  });

  it("accepts an Azure region the model catalog has no model in", () => {
    const options = { quotas: [{ region: "New Zealand North", model: "gpt-4o", sku: "DataZoneStandard", capacity: 1 }] };
    expect(messagesOf(rule, stack(), options)).toEqual([]);
  });
});
