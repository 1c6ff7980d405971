import { describe, expect, it } from "vitest";
import { aoaiAccountEnforceRegionResidency as rule } from "../../../policies/rules/aoai-account-enforce-region-residency";
import { account, messagesOf, withInput } from "../support/resources";

const eu = { allowedDataZones: ["EU"] };
const euRegions = "francecentral, germanywestcentral, italynorth, polandcentral, spaincentral, swedencentral, westeurope";

describe("aoai-account-enforce-region-residency", () => {
  it("accepts any region when nothing is configured", () => {
    expect(messagesOf(rule, [account("a", "japaneast")])).toEqual([]);
  });

  it("accepts a member of an allowed data zone, in any spelling", () => {
    expect(messagesOf(rule, [account("a", "swedencentral"), account("b", "West Europe")], eu)).toEqual([]);
  });

  it("reports a region outside the allowed data zone", () => {
    expect(messagesOf(rule, [account("a", "eastus2")], eu)).toEqual([
      `Account "a" is in region "eastus2", outside the allowed residency (data zones EU); move it to one of: ${euRegions}.`,
    ]);
  });

  it("combines explicit regions with data zones", () => {
    const options = { allowedRegions: ["uksouth"], allowedDataZones: ["EU"] };
    expect(messagesOf(rule, [account("a", "uksouth")], options)).toEqual([]);
    expect(messagesOf(rule, [account("a", "norwayeast")], options)).toEqual([
      `Account "a" is in region "norwayeast", outside the allowed residency (regions uksouth; data zones EU); move it to one of: uksouth, ${euRegions}.`,
    ]);
  });

  it("reports an account without location when residency is restricted", () => {
    expect(messagesOf(rule, [withInput(account("a"), "location", undefined)], { allowedRegions: ["eastus2"] })).toEqual([
      'Account "a" does not set location, so it lands in its resource group\'s region, which this rule cannot check; set location to a region within the allowed residency (regions eastus2).',
    ]);
  });

  it("skips kinds it does not govern", () => {
    expect(messagesOf(rule, [withInput(account("a", "eastus2"), "kind", "TextAnalytics")], eu)).toEqual([]);
  });

  // Entries were never checked: "swedencentrl" silently matched no account, so every account was
  // reported while the config looked right. Names are checked against Azure's region list, not the
  // model catalog's regions, so the closest names come from every Azure region.
  it("rejects an allowed region that is not an Azure region, naming the entry, the value and the closest Azure region names", () => {
    const hint = '(an ARM name such as swedencentral or a display name such as "Sweden Central"; a region Azure opened after 2025-09-23 is added to core/catalog/azure-regions.json)';
    expect(() => messagesOf(rule, [account()], { allowedRegions: ["eastus2", "swedencentrl", "Sweden Centrall", "eastu2", "West US 4"] })).toThrow(
      [
        "Invalid policy options: ",
        `aoai-account-enforce-region-residency.allowedRegions.1: "swedencentrl" is not an Azure region; closest names: swedencentral ${hint}; `,
        `aoai-account-enforce-region-residency.allowedRegions.2: "Sweden Centrall" is not an Azure region; closest names: swedencentral ${hint}; `,
        `aoai-account-enforce-region-residency.allowedRegions.3: "eastu2" is not an Azure region; closest names: eastus, eastus2 ${hint}; `,
        `aoai-account-enforce-region-residency.allowedRegions.4: "West US 4" is not an Azure region; closest names: westus, westus2, westus3 ${hint}.`,
      ].join(""),
    );
  });

  // A policy may allow a region ahead of the model catalog: one Azure opened recently, or one without
  // Azure OpenAI yet. Those were rejected as typos because only the catalog's 28 regions were known.
  it("accepts an Azure region the model catalog has no model in, and says so where it advises a move", () => {
    const options = { allowedRegions: ["New Zealand North", "swedencentral", "austriaeast"] };
    expect(messagesOf(rule, [account("a", "newzealandnorth"), account("b", "Austria East"), account("c", "swedencentral")], options)).toEqual([]);
    expect(messagesOf(rule, [account("d", "eastus2")], options)).toEqual([
      'Account "d" is in region "eastus2", outside the allowed residency (regions newzealandnorth, swedencentral, austriaeast); move it to one of: newzealandnorth, swedencentral, austriaeast (the model catalog lists no Azure OpenAI models in newzealandnorth, austriaeast).',
    ]);
  });

  it("takes display names for allowed regions and reports them as ARM names", () => {
    const options = { allowedRegions: ["Sweden Central", "West  Europe"] };
    expect(messagesOf(rule, [account("a", "swedencentral"), account("b", "westeurope")], options)).toEqual([]);
    expect(messagesOf(rule, [account("c", "eastus2")], options)).toEqual([
      'Account "c" is in region "eastus2", outside the allowed residency (regions swedencentral, westeurope); move it to one of: swedencentral, westeurope.',
    ]);
  });

  it("rejects a data zone the catalog does not know", () => {
    expect(() => messagesOf(rule, [account()], { allowedDataZones: ["MARS"] })).toThrow(
      "Invalid policy options: aoai-account-enforce-region-residency.allowedDataZones.0: must be a data zone of the model catalog: EU, US.",
    );
  });
});
