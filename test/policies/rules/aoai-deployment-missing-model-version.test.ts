import { describe, expect, it } from "vitest";
import { aoaiDeploymentMissingModelVersion as rule } from "../../../policies/rules/aoai-deployment-missing-model-version";
import { deployment, messagesOf, withInput } from "../support/resources";

const fix = 'pin an explicit version from the model catalog, e.g. properties.model.version: "2024-11-20".';

describe("aoai-deployment-missing-model-version", () => {
  it("passes a deployment with a pinned version", () => {
    expect(messagesOf(rule, [deployment()])).toEqual([]);
  });

  it("blocks a raw azure-native Deployment without properties.model.version", () => {
    const raw = withInput(deployment(), "properties.model.version", undefined);
    expect(messagesOf(rule, [raw])).toEqual([
      `Deployment "chat" does not set properties.model.version, so Azure deploys whatever version is the default and may swap it later; ${fix}`,
    ]);
  });

  it("blocks a hand-written Deployment with no properties at all", () => {
    const raw = withInput(deployment("hand-written"), "properties", undefined);
    expect(messagesOf(rule, [raw])).toEqual([
      `Deployment "hand-written" does not set properties.model.version, so Azure deploys whatever version is the default and may swap it later; ${fix}`,
    ]);
  });

  it("blocks an empty version", () => {
    expect(messagesOf(rule, [withInput(deployment(), "properties.model.version", "  ")])).toEqual([
      `Deployment "chat" sets properties.model.version to an empty value; ${fix}`,
    ]);
  });

  it('blocks "latest" in any case', () => {
    expect(messagesOf(rule, [withInput(deployment(), "properties.model.version", "Latest")])).toEqual([
      `Deployment "chat" sets properties.model.version to "Latest", which floats to whatever version Azure ships next; ${fix}`,
    ]);
  });

  it("takes extra floating values from options", () => {
    const r = withInput(deployment(), "properties.model.version", "default");
    expect(messagesOf(rule, [r])).toEqual([]);
    expect(messagesOf(rule, [r], { floatingVersions: ["latest", "default"] })).toEqual([
      `Deployment "chat" sets properties.model.version to "default", which floats to whatever version Azure ships next; ${fix}`,
    ]);
  });

  // `floatingVersions: []` (or a list without "latest") used to let "latest" through: the option
  // replaced the marker instead of adding to it.
  it('blocks "latest" whatever floatingVersions lists: the option only adds markers', () => {
    const latest = withInput(deployment(), "properties.model.version", "LATEST");
    const message = `Deployment "chat" sets properties.model.version to "LATEST", which floats to whatever version Azure ships next; ${fix}`;
    expect(messagesOf(rule, [latest], { floatingVersions: [] })).toEqual([message]);
    const byDefault = withInput(deployment("other"), "properties.model.version", "Default");
    expect(messagesOf(rule, [latest, byDefault], { floatingVersions: ["default"] })).toEqual([
      message,
      `Deployment "other" sets properties.model.version to "Default", which floats to whatever version Azure ships next; ${fix}`,
    ]);
  });

  it("ignores other resource types", () => {
    const notADeployment = { ...withInput(deployment(), "properties", undefined), type: "azure-native:cognitiveservices:Account" };
    expect(messagesOf(rule, [notADeployment])).toEqual([]);
  });

  it("rejects unknown options with the option path", () => {
    expect(() => messagesOf(rule, [deployment()], { floating: ["x"] })).toThrow(
      'Invalid policy options: aoai-deployment-missing-model-version: Unrecognized key: "floating"; this rule\'s options: floatingVersions (besides enforcementLevel).',
    );
  });
});
