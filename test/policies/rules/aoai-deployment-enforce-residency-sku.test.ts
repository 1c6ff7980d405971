import { describe, expect, it } from "vitest";
import { aoaiDeploymentEnforceResidencySku as rule } from "../../../policies/rules/aoai-deployment-enforce-residency-sku";
import { deployment, messagesOf, withInput } from "../support/resources";

const withSku = (sku: string) => withInput(deployment(), "sku.name", sku);

describe("aoai-deployment-enforce-residency-sku", () => {
  it("passes a DataZone SKU under the default data-zone residency", () => {
    expect(messagesOf(rule, [deployment()])).toEqual([]);
    expect(messagesOf(rule, [withSku("Standard")])).toEqual([]);
  });

  it("blocks a Global SKU under data-zone residency and names the data-zone SKU", () => {
    expect(messagesOf(rule, [withSku("GlobalStandard")])).toEqual([
      'Deployment "chat" uses SKU GlobalStandard, which may process data in any Azure region, but this environment requires data-zone residency; use DataZoneStandard instead.',
    ]);
    expect(messagesOf(rule, [withSku("GlobalProvisionedManaged")])).toEqual([
      'Deployment "chat" uses SKU GlobalProvisionedManaged, which may process data in any Azure region, but this environment requires data-zone residency; use DataZoneProvisionedManaged instead.',
    ]);
  });

  it("blocks DataZone SKUs under regional residency", () => {
    expect(messagesOf(rule, [deployment()], { residency: "regional" })).toEqual([
      'Deployment "chat" uses SKU DataZoneStandard, which may process data in any region of its data zone, but this environment requires regional residency; use Standard instead.',
    ]);
  });

  it("suggests any regional SKU when batch has no regional twin", () => {
    expect(messagesOf(rule, [withSku("GlobalBatch")], { residency: "regional" })).toEqual([
      'Deployment "chat" uses SKU GlobalBatch, which may process data in any Azure region, but this environment requires regional residency; use a regional SKU (Standard or ProvisionedManaged).',
    ]);
  });

  it("allows every SKU under global residency", () => {
    expect(messagesOf(rule, [withSku("GlobalStandard")], { residency: "global" })).toEqual([]);
  });

  it("leaves a missing SKU to aoai-deployment-enforce-allowed-sku", () => {
    expect(messagesOf(rule, [withInput(deployment(), "sku", undefined)])).toEqual([]);
  });
});
