import { describe, expect, it } from "vitest";
import { aoaiGatewayDisallowPlaintextSecret as rule } from "../../../policies/rules/aoai-gateway-disallow-plaintext-secret";
import { apiPolicy, compliantPolicyXml, messagesOf, namedValue } from "../support/resources";

const key = "0123456789abcdef0123456789abcdef";
const withInbound = (inner: string) => compliantPolicyXml.replace("<inbound><base />", `<inbound><base />${inner}`);

describe("aoai-gateway-disallow-plaintext-secret", () => {
  it("passes a policy that authenticates with managed identity and references named values", () => {
    const xml = withInbound('<set-header name="x-tenant" exists-action="override"><value>{{tenant-id}}</value></set-header><set-header name="api-key" exists-action="override"><value>{{openai-key}}</value></set-header>');
    expect(messagesOf(rule, [apiPolicy("p", xml), namedValue()])).toEqual([]);
  });

  it("reports a literal value in a sensitive header", () => {
    const xml = withInbound('<set-header name="api-key" exists-action="override"><value>not-a-pattern</value></set-header>');
    expect(messagesOf(rule, [apiPolicy("p", xml)])).toEqual([
      'Policy document "p" sets header "api-key" to a literal value at policies/inbound/set-header; reference a secret named value ({{name}}) or use authentication-managed-identity instead of embedding the credential.',
    ]);
  });

  it("reports a literal query-parameter credential", () => {
    const xml = withInbound('<set-query-parameter name="api-key" exists-action="override"><value>abc</value></set-query-parameter>');
    expect(messagesOf(rule, [apiPolicy("p", xml)])).toEqual([
      'Policy document "p" sets query parameter "api-key" to a literal value at policies/inbound/set-query-parameter; reference a secret named value ({{name}}) or use authentication-managed-identity instead of embedding the credential.',
    ]);
  });

  it("reports key-shaped text anywhere in the document", () => {
    const xml = withInbound(`<set-variable name="k" value="${key}" />`);
    expect(messagesOf(rule, [apiPolicy("p", xml)])).toEqual([
      'Policy document "p" contains what looks like an Azure AI services key (32 hex characters) in plain text at policies/inbound/set-variable; move it to a secret or Key Vault named value and reference it as {{name}}.',
    ]);
  });

  it("reports a bearer token in a custom header", () => {
    const xml = withInbound('<set-header name="x-upstream" exists-action="override"><value>Bearer abcdefghijklmnopqrstuvwxyz012345</value></set-header>');
    expect(messagesOf(rule, [apiPolicy("p", xml)])).toEqual([
      'Policy document "p" contains what looks like a bearer token in plain text at policies/inbound/set-header/value; move it to a secret or Key Vault named value and reference it as {{name}}.',
    ]);
  });

  it("honours extra patterns from options", () => {
    const xml = withInbound('<set-variable name="k" value="corp-SECRET-42" />');
    expect(messagesOf(rule, [apiPolicy("p", xml)])).toEqual([]);
    expect(messagesOf(rule, [apiPolicy("p", xml)], { extraPatterns: ["corp-SECRET-\\d+"] })).toEqual([
      'Policy document "p" contains what looks like a value matching /corp-SECRET-\\d+/ in plain text at policies/inbound/set-variable; move it to a secret or Key Vault named value and reference it as {{name}}.',
    ]);
  });

  it("reports a policy document that is not well-formed XML", () => {
    expect(messagesOf(rule, [apiPolicy("p", "<policies><inbound></policies>")])).toEqual([
      "Policy document \"p\" is not well-formed XML (1:20: Expected closing tag 'inbound' (opened in line 1, col 11) instead of closing tag 'policies'.), so it cannot be checked for embedded secrets; fix the XML.",
    ]);
  });

  it("reports a plain named value whose name suggests a credential", () => {
    expect(messagesOf(rule, [namedValue("openai-key", { value: "whatever" })])).toEqual([
      'Named value "openai-key" is stored in plain text (secret is not true and there is no keyVault reference) but its name suggests a credential; set keyVault.secretIdentifier, or at least secret: true.',
    ]);
  });

  it("reports a plain named value whose value looks like a key", () => {
    expect(messagesOf(rule, [namedValue("backend-header", { value: key })])).toEqual([
      'Named value "backend-header" is stored in plain text (secret is not true and there is no keyVault reference) but its value looks like an Azure AI services key (32 hex characters); set keyVault.secretIdentifier, or at least secret: true.',
    ]);
  });

  it("accepts secret and Key Vault backed named values", () => {
    expect(messagesOf(rule, [namedValue("openai-key", { value: key, secret: true })])).toEqual([]);
    expect(messagesOf(rule, [namedValue("openai-key", { value: undefined, keyVault: { secretIdentifier: "https://kv.vault.azure.net/secrets/openai-key" } })])).toEqual([]);
  });
});

describe("aoai-gateway-disallow-plaintext-secret named-value names", () => {
  it.each(["chat-max-tokens", "canary-percent", "keyword-list", "tenant-id"])("does not treat %s as a credential name", (name) => {
    expect(messagesOf(rule, [namedValue(name, { value: "42" })])).toEqual([]);
  });

  it.each(["openai-api-key", "backend_secret", "storage.connection-string", "SAS-token", "primary-key"])("treats %s as a credential name", (name) => {
    expect(messagesOf(rule, [namedValue(name, { value: "x" })])).toHaveLength(1);
  });

  it("takes the name pattern from options", () => {
    expect(messagesOf(rule, [namedValue("tenant-id", { value: "x" })], { sensitiveNamePattern: "tenant" })).toHaveLength(1);
  });
});

describe("aoai-gateway-disallow-plaintext-secret options", () => {
  it("rejects a pattern that is not a regular expression, naming the option", () => {
    expect(() => messagesOf(rule, [namedValue()], { extraPatterns: ["(unclosed"] })).toThrow(
      "Invalid policy options: aoai-gateway-disallow-plaintext-secret.extraPatterns.0: must be a valid JavaScript regular expression.",
    );
    expect(() => messagesOf(rule, [namedValue()], { sensitiveNamePattern: "[" })).toThrow(
      "Invalid policy options: aoai-gateway-disallow-plaintext-secret.sensitiveNamePattern: must be a valid JavaScript regular expression.",
    );
  });
});
