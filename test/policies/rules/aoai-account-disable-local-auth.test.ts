import { describe, expect, it } from "vitest";
import { aoaiAccountDisableLocalAuth as rule } from "../../../policies/rules/aoai-account-disable-local-auth";
import { account, messagesOf, withInput } from "../support/resources";

const message =
  'Account "aoai-eastus2" leaves key-based (local) authentication enabled; set properties.disableLocalAuth: true and call it with Entra ID tokens (managed identity) instead of keys.';

describe("aoai-account-disable-local-auth", () => {
  it("passes an account with disableLocalAuth true", () => {
    expect(messagesOf(rule, [account()])).toEqual([]);
  });

  it("reports disableLocalAuth false", () => {
    expect(messagesOf(rule, [withInput(account(), "properties.disableLocalAuth", false)])).toEqual([message]);
  });

  it("reports disableLocalAuth left unset (Azure keeps keys on)", () => {
    expect(messagesOf(rule, [withInput(account(), "properties.disableLocalAuth", undefined)])).toEqual([message]);
  });

  it("governs AIServices accounts and only the configured kinds", () => {
    const aiServices = withInput(withInput(account(), "kind", "AIServices"), "properties.disableLocalAuth", false);
    expect(messagesOf(rule, [aiServices])).toEqual([message]);
    expect(messagesOf(rule, [aiServices], { accountKinds: ["OpenAI"] })).toEqual([]);
  });
});

describe("aoai-account-disable-local-auth: kind spellings", () => {
  // The kind was compared exactly, so `kind: "openai"` skipped every account rule.
  it("governs an account whose kind is spelled in another case", () => {
    const lower = withInput(withInput(account(), "kind", "openai"), "properties.disableLocalAuth", false);
    expect(messagesOf(rule, [lower])).toEqual([message]);
    expect(messagesOf(rule, [withInput(lower, "kind", "aiservices")])).toEqual([message]);
    expect(messagesOf(rule, [withInput(lower, "kind", "TextAnalytics")])).toEqual([]);
  });
});
