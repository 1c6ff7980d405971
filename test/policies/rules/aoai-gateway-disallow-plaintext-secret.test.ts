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

describe("aoai-gateway-disallow-plaintext-secret: credentials in other spellings", () => {
  // The names were joined with spaces, so "openai-key" followed by " " missed the pattern's end anchor
  // whenever the logical name differed; camelCase names had no separator at all.
  it("tests display name, id and logical name each on its own", () => {
    const value = { ...namedValue("openai-key", { value: "x" }), name: "gw-named-value-1" };
    expect(messagesOf(rule, [value])).toEqual([
      'Named value "gw-named-value-1" is stored in plain text (secret is not true and there is no keyVault reference) but its name suggests a credential; set keyVault.secretIdentifier, or at least secret: true.',
    ]);
  });

  it.each(["openaiApiKey", "backendSecret", "storageConnectionString"])("treats camelCase %s as a credential name", (name) => {
    expect(messagesOf(rule, [namedValue(name, { value: "x" })])).toHaveLength(1);
  });

  it.each(["chatMaxTokens", "keywordList", "tenantId"])("does not treat camelCase %s as a credential name", (name) => {
    expect(messagesOf(rule, [namedValue(name, { value: "42" })])).toEqual([]);
  });

  it("reports a key inside a policy expression (expressions were not scanned at all)", () => {
    const xml = withInbound(`<set-header name="x-backend" exists-action="override"><value>@("${key}")</value></set-header>`);
    expect(messagesOf(rule, [apiPolicy("p", xml)])).toEqual([
      'Policy document "p" contains what looks like an Azure AI services key (32 hex characters) in plain text at policies/inbound/set-header/value; move it to a secret or Key Vault named value and reference it as {{name}}.',
    ]);
    const bearer = withInbound('<set-variable name="auth" value="@{ return &quot;Bearer abcdefghijklmnopqrstuvwxyz012345&quot;; }" />');
    expect(messagesOf(rule, [apiPolicy("p", bearer)])).toEqual([
      'Policy document "p" contains what looks like a bearer token in plain text at policies/inbound/set-variable; move it to a secret or Key Vault named value and reference it as {{name}}.',
    ]);
  });

  it("treats a sensitive header set from a string-literal expression as a literal, and a computed one as not", () => {
    const literal = withInbound('<set-header name="api-key" exists-action="override"><value>@("not-a-pattern")</value></set-header>');
    expect(messagesOf(rule, [apiPolicy("p", literal)])).toEqual([
      'Policy document "p" sets header "api-key" to a literal value at policies/inbound/set-header; reference a secret named value ({{name}}) or use authentication-managed-identity instead of embedding the credential.',
    ]);
    const computed = withInbound('<set-header name="api-key" exists-action="override"><value>@((string)context.Variables["k"])</value></set-header>');
    expect(messagesOf(rule, [apiPolicy("p", computed)])).toEqual([]);
    // The shadow relay's key is written @("{{aoai-shadow-relay-key}}"): a reference, substituted before the expression runs.
    const reference = withInbound('<set-header name="Ocp-Apim-Subscription-Key" exists-action="override"><value>@(&quot;{{aoai-shadow-relay-key}}&quot;)</value></set-header>');
    expect(messagesOf(rule, [apiPolicy("p", reference)])).toEqual([]);
  });

  it("reports a literal password attribute and a literal validate-jwt signing key", () => {
    const basic = withInbound('<authentication-basic username="svc" password="hunter2-hunter2" />');
    expect(messagesOf(rule, [apiPolicy("p", basic)])).toEqual([
      'Policy document "p" sets authentication-basic password to a literal value at policies/inbound/authentication-basic; reference a secret named value ({{name}}) or use authentication-managed-identity instead of embedding the credential.',
    ]);
    expect(messagesOf(rule, [apiPolicy("p", withInbound('<authentication-basic username="svc" password="{{svc-password}}" />'))])).toEqual([]);
    const jwt = withInbound('<validate-jwt header-name="Authorization"><issuer-signing-keys><key>c2VjcmV0LXNpZ25pbmcta2V5</key></issuer-signing-keys></validate-jwt>');
    expect(messagesOf(rule, [apiPolicy("p", jwt)])).toEqual([
      'Policy document "p" embeds a literal signing or decryption key at policies/inbound/validate-jwt/issuer-signing-keys/key; reference a secret named value ({{name}}) or use openid-config / certificate-id instead.',
    ]);
    expect(messagesOf(rule, [apiPolicy("p", jwt.replace("c2VjcmV0LXNpZ25pbmcta2V5", "{{jwt-key}}"))])).toEqual([]);
  });
});

describe("aoai-gateway-disallow-plaintext-secret: 84-character Azure AI services keys", () => {
  // Only 32-hex keys were recognised; Azure has issued 84-character keys since 2024–2025. The fake key has
  // the documented layout (policies/rules/secrets.ts): 52 random, JQQJ99, date, 12 platform, AAA + service
  // (B = Azure OpenAI), ACOG, 4 checksum characters. Obviously not a real key.
  const fakeKey = (service = "B", lead = "Fake".repeat(13)) => `${lead}JQQJ99BA${"TEST".repeat(3)}AAA${service}ACOG0000`;
  const newKey = fakeKey();
  const newKind = "an Azure AI services key (84-character format)";
  const inDocument = (kind: string, path: string) =>
    `Policy document "p" contains what looks like ${kind} in plain text at ${path}; move it to a secret or Key Vault named value and reference it as {{name}}.`;

  it("builds a fake key of the documented length", () => {
    expect(newKey).toHaveLength(84);
  });

  it("reports the new format in a policy expression, an attribute and a named value, like the old one", () => {
    const expression = withInbound(`<set-header name="x-backend" exists-action="override"><value>@("${newKey}")</value></set-header>`);
    expect(messagesOf(rule, [apiPolicy("p", expression)])).toEqual([inDocument(newKind, "policies/inbound/set-header/value")]);
    const attribute = withInbound(`<set-variable name="k" value="${newKey}" />`);
    expect(messagesOf(rule, [apiPolicy("p", attribute)])).toEqual([inDocument(newKind, "policies/inbound/set-variable")]);
    expect(messagesOf(rule, [namedValue("backend-header", { value: newKey })])).toEqual([
      `Named value "backend-header" is stored in plain text (secret is not true and there is no keyVault reference) but its value looks like ${newKind}; set keyVault.secretIdentifier, or at least secret: true.`,
    ]);
    const old = withInbound(`<set-variable name="k" value="${key}" />`);
    expect(messagesOf(rule, [apiPolicy("p", old)])).toEqual([inDocument("an Azure AI services key (32 hex characters)", "policies/inbound/set-variable")]);
  });

  it("recognises keys of other AI services kinds, and a key next to punctuation", () => {
    expect(messagesOf(rule, [namedValue("backend-header", { value: fakeKey("A") })])).toHaveLength(1);
    const text = `key_${newKey};region=eastus2`;
    expect(messagesOf(rule, [apiPolicy("p", withInbound(`<set-variable name="k" value="${text}" />`))])).toEqual([inDocument(newKind, "policies/inbound/set-variable")]);
  });

  it.each([
    ["an 84-character hex hash", "0123456789abcdef".repeat(5) + "0123"],
    ["an 84-character base62 identifier without the signatures", "Abc123".repeat(14)],
    ["the signatures with one character too many", fakeKey("B", "Fake".repeat(13) + "X")],
    ["the signatures in a longer base62 run", `x${newKey}`],
    ["the signatures at the wrong offset", fakeKey("B", "Fake".repeat(12))],
    ["a month outside A–L", newKey.replace("JQQJ99BA", "JQQJ99BM")],
    ["another provider's signature", newKey.replace("ACOG", "AZEG")],
  ])("does not report %s", (_what, value) => {
    expect(messagesOf(rule, [namedValue("backend-header", { value })])).toEqual([]);
    expect(messagesOf(rule, [apiPolicy("p", withInbound(`<set-variable name="k" value="${value}" />`))])).toEqual([]);
  });

  it("takes a base64 blob of another length for no key", () => {
    const blob = Buffer.from("not a key, just an ordinary payload of sixty-six bytes or so......").toString("base64");
    expect(blob).toHaveLength(88);
    expect(messagesOf(rule, [namedValue("backend-header", { value: blob })])).toEqual([]);
  });
});
