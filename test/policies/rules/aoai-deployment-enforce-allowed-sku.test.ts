import { describe, expect, it } from "vitest";
import { aoaiDeploymentEnforceAllowedSku as rule } from "../../../policies/rules/aoai-deployment-enforce-allowed-sku";
import { deployment, messagesOf, withInput } from "../support/resources";

describe("aoai-deployment-enforce-allowed-sku", () => {
  it("passes a deployment with an allowed SKU and capacity", () => {
    expect(messagesOf(rule, [deployment()])).toEqual([]);
  });

  it("reports a missing sku (the drift source)", () => {
    expect(messagesOf(rule, [withInput(deployment(), "sku", undefined)], { allowedSkus: ["DataZoneStandard", "Standard"] })).toEqual([
      'Deployment "chat" does not set sku.name, so Azure assumes Standard (unsupported by many models) and every refresh shows drift; set sku.name to DataZoneStandard or Standard and sku.capacity.',
    ]);
  });

  it("reports a SKU outside the allow-list", () => {
    expect(messagesOf(rule, [deployment()], { allowedSkus: ["ProvisionedManaged", "DataZoneProvisionedManaged"] })).toEqual([
      'Deployment "chat" uses SKU DataZoneStandard, which this environment does not allow; use ProvisionedManaged or DataZoneProvisionedManaged.',
    ]);
  });

  it("reports the account SKU copied into a deployment", () => {
    expect(messagesOf(rule, [withInput(deployment(), "sku.name", "S0")])).toEqual([
      'Deployment "chat" uses SKU S0, which this environment does not allow; use Standard, ProvisionedManaged, GlobalStandard, GlobalProvisionedManaged, DataZoneStandard, DataZoneProvisionedManaged, GlobalBatch or DataZoneBatch.',
    ]);
  });

  it("reports a missing or non-positive capacity", () => {
    const message = (got: string) =>
      `Deployment "chat" does not set a positive whole sku.capacity (got ${got}); set the capacity units it needs (1 unit = 1,000 TPM on standard SKUs, 1 PTU on provisioned ones).`;
    expect(messagesOf(rule, [withInput(deployment(), "sku.capacity", undefined)])).toEqual([message("none")]);
    expect(messagesOf(rule, [withInput(deployment(), "sku.capacity", 0)])).toEqual([message("0")]);
    expect(messagesOf(rule, [withInput(deployment(), "sku.capacity", 2.5)])).toEqual([message("2.5")]);
  });
});

describe("aoai-deployment-enforce-allowed-sku options", () => {
  // A misspelled SKU in the allow-list was accepted silently (and then refused every real deployment of it).
  it("refuses a SKU name it does not know, naming the path and the allowed names", () => {
    expect(() => messagesOf(rule, [deployment()], { allowedSkus: ["DataZoneStandard", "GlobalStandrad"] })).toThrow(
      'Invalid policy options: aoai-deployment-enforce-allowed-sku.allowedSkus.1: Invalid option: expected one of "GlobalStandard"|"GlobalProvisionedManaged"|"GlobalBatch"|"DeveloperTier"|"DataZoneStandard"|"DataZoneProvisionedManaged"|"DataZoneBatch"|"Standard"|"ProvisionedManaged".',
    );
    expect(messagesOf(rule, [withInput(deployment(), "sku.name", "DeveloperTier")], { allowedSkus: ["DeveloperTier"] })).toEqual([]);
  });
});
