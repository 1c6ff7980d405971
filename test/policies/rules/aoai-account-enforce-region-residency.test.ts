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
  // reported while the config looked right.
  it("rejects an allowed region the catalog does not know, naming the entry, the value and the closest known names", () => {
    expect(() => messagesOf(rule, [account()], { allowedRegions: ["eastus2", "swedencentrl", "Sweden Centrall"] })).toThrow(
      [
        "Invalid policy options: ",
        'aoai-account-enforce-region-residency.allowedRegions.1: "swedencentrl" is not an Azure region the model catalog knows; closest known names: swedencentral ',
        '(an ARM name such as swedencentral or a display name such as "Sweden Central"; if it is a new region, refresh the catalog: npm run catalog -- refresh); ',
        'aoai-account-enforce-region-residency.allowedRegions.2: "Sweden Centrall" is not an Azure region the model catalog knows; closest known names: swedencentral ',
        '(an ARM name such as swedencentral or a display name such as "Sweden Central"; if it is a new region, refresh the catalog: npm run catalog -- refresh).',
      ].join(""),
    );
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
