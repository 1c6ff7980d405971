import { describe, expect, it } from "vitest";
import { aoaiDeploymentDisallowRetiredVersion as rule } from "../../../policies/rules/aoai-deployment-disallow-retired-version";
import { catalogRetirements } from "../../../policies/catalog-retirements";
import { deployment, messagesOf, testNow, withInput } from "../support/resources";

describe("aoai-deployment-disallow-retired-version", () => {
  it("passes a version that retires later", () => {
    expect(messagesOf(rule, [deployment()])).toEqual([]);
  });

  it("passes a version with no announced retirement", () => {
    const r = withInput(withInput(deployment(), "properties.model.name", "gpt-5.6-sol"), "properties.model.version", "2026-07-09");
    expect(messagesOf(rule, [r])).toEqual([]);
  });

  it("blocks a retired version", () => {
    const r = withInput(deployment(), "properties.model.version", "2024-05-13");
    expect(messagesOf(rule, [r])).toEqual([
      'Deployment "chat" uses gpt-4o version 2024-05-13 (DataZoneStandard), which retired on 2026-10-01 and now answers 410 Gone; move to a supported version.',
    ]);
  });

  it("uses the per-SKU date where Azure retired one SKU early", () => {
    const r = withInput(withInput(deployment(), "properties.model.version", "2024-08-06"), "sku.name", "Standard");
    expect(messagesOf(rule, [r])).toEqual([
      'Deployment "chat" uses gpt-4o version 2024-08-06 (Standard), which retired on 2026-03-31 and now answers 410 Gone; move to a supported version.',
    ]);
  });

  it("reports a version the catalog does not list, unless told not to", () => {
    const r = withInput(deployment(), "properties.model.version", "2099-01-01");
    const message = 'Deployment "chat" uses gpt-4o version 2099-01-01 (DataZoneStandard), which the model catalog does not list, so its retirement date is unknown; use a catalogued version or add this one to core/catalog with its retirement date.';
    expect(messagesOf(rule, [r])).toEqual([message]);
    expect(messagesOf(rule, [r], { reportUncatalogued: false })).toEqual([]);
  });

  it("leaves a missing version to aoai-deployment-missing-model-version", () => {
    expect(messagesOf(rule, [withInput(deployment(), "properties.model.version", undefined)])).toEqual([]);
  });

  it("reads dates from the project's model catalog", () => {
    const ctx = { now: testNow, retirements: catalogRetirements() };
    const retired = withInput(deployment(), "properties.model.version", "2024-05-13");
    expect(messagesOf(rule, [deployment(), retired], undefined, ctx)).toEqual([
      'Deployment "chat" uses gpt-4o version 2024-05-13 (DataZoneStandard), which retired on 2026-10-01 and now answers 410 Gone; move to a supported version.',
    ]);
  });
});
