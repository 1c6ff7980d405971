import { describe, expect, it } from "vitest";
import { aoaiGatewayDisallowPlaintextSecret as rule } from "../../../policies/rules/aoai-gateway-disallow-plaintext-secret";
import { apiPolicy, backend, compliantPolicyXml, gateway, messagesOf, namedValue, withInput } from "../support/resources";

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

describe("aoai-gateway-disallow-plaintext-secret: APIM backend credentials", () => {
  // Backends were not inspected at all: a hand-added Backend with a key in credentials.header passed.
  // Shapes from azure-native's BackendCredentialsContractArgs: header and query map a name to a string
  // list, authorization is { scheme, parameter }.
  const withCredentials = (credentials: unknown, name = "partner") => withInput(backend(name), "credentials", credentials);
  const fix =
    "move it to a secret or Key Vault named value and reference it there as {{name}}, or omit credentials and authenticate with managed identity (authentication-managed-identity in the API policy, as aoai-fleet's generated backends do).";
  // A fake JWT: {"alg":"HS256","typ":"JWT"}.{"sub":"test"}.signature, base64url.
  const jwt = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ0ZXN0In0.c2lnbmF0dXJl";
  const newKey = `${"Fake".repeat(13)}JQQJ99BA${"TEST".repeat(3)}AAABACOG0000`;

  it("reports a key in a header, naming the backend, the path and the kind but not the value", () => {
    const messages = messagesOf(rule, [withCredentials({ header: { "api-key": [key] } })]);
    expect(messages).toEqual([`Backend "partner" has what looks like an Azure AI services key (32 hex characters) in plain text at credentials.header.api-key[0]; ${fix}`]);
    expect(messages.join("")).not.toContain(key);
  });

  it("reports a key in a query parameter at its index, and an 84-character key like a 32-hex one", () => {
    const messages = messagesOf(rule, [withCredentials({ query: { "api-version": ["2024-10-21"], code: ["{{fn-key}}", newKey] } })]);
    expect(messages).toEqual([`Backend "partner" has what looks like an Azure AI services key (84-character format) in plain text at credentials.query.code[1]; ${fix}`]);
    expect(messages.join("")).not.toContain(newKey);
  });

  it("reports a JSON web token in the authorization parameter", () => {
    expect(messagesOf(rule, [withCredentials({ authorization: { scheme: "Bearer", parameter: jwt } })])).toEqual([
      `Backend "partner" has what looks like a JSON web token in plain text at credentials.authorization.parameter; ${fix}`,
    ]);
  });

  it("reports a literal in a sensitive header or the authorization parameter even when it matches no pattern", () => {
    const credentials = { header: { "x-functions-key": ["not-a-pattern"], "x-tenant": ["contoso"] }, authorization: { scheme: "Basic", parameter: "c3ZjOmh1bnRlcjI=" } };
    expect(messagesOf(rule, [withCredentials(credentials)])).toEqual([
      `Backend "partner" sends "x-functions-key" as a literal value at credentials.header.x-functions-key[0]; ${fix}`,
      `Backend "partner" sends "Authorization" as a literal value at credentials.authorization.parameter; ${fix}`,
    ]);
    expect(messagesOf(rule, [withCredentials(credentials)], { sensitiveHeaders: ["api-key"] })).toEqual([]);
  });

  it("quotes a header name a dotted path would misread", () => {
    expect(messagesOf(rule, [withCredentials({ header: { "x.upstream key": [key] } })])).toEqual([
      `Backend "partner" has what looks like an Azure AI services key (32 hex characters) in plain text at credentials.header["x.upstream key"][0]; ${fix}`,
    ]);
  });

  it("passes {{named-value}} references, also inside a longer value", () => {
    const credentials = { header: { "api-key": ["{{openai-key}}"] }, query: { code: [" {{fn-key}} "] }, authorization: { scheme: "Basic", parameter: "{{svc-user}}:{{svc-password}}" } };
    expect(messagesOf(rule, [withCredentials(credentials)])).toEqual([]);
    // The literal part next to a reference is still scanned.
    expect(messagesOf(rule, [withCredentials({ header: { "x-upstream": [`{{prefix}}${key}`] } })])).toEqual([
      `Backend "partner" has what looks like an Azure AI services key (32 hex characters) in plain text at credentials.header.x-upstream[0]; ${fix}`,
    ]);
  });

  it("passes values not known yet (absent, or null in plan.json) and backends without credentials", () => {
    expect(messagesOf(rule, [withCredentials({ header: { "api-key": [null] }, query: { code: [] }, authorization: { scheme: "Bearer" } })])).toEqual([]);
    expect(messagesOf(rule, [withCredentials({ certificateIds: ["/subscriptions/0000/resourceGroups/rg-fleet/providers/Microsoft.ApiManagement/service/apim-fleet/certificates/c"] })])).toEqual([]);
    // The generated gateway: member backends and a pool, no credentials (managed identity in the policy).
    expect(messagesOf(rule, gateway())).toEqual([]);
  });

  it("matches the backend under an API-version type token", () => {
    const versioned = { ...withCredentials({ header: { "api-key": [key] } }), type: "azure-native:apimanagement/v20240601preview:Backend" };
    expect(messagesOf(rule, [versioned])).toEqual([
      `Backend "partner" has what looks like an Azure AI services key (32 hex characters) in plain text at credentials.header.api-key[0]; ${fix}`,
    ]);
  });
});

describe("aoai-gateway-disallow-plaintext-secret: APIM backend url and proxy", () => {
  // Only credentials were inspected: a Functions key in the url's query string (?code=…), a SAS
  // signature, a key as any query value, user:password@ userinfo and a literal proxy.password passed.
  const withUrl = (url: unknown, name = "fn") => withInput(backend(name), "url", url);
  const withProxy = (proxy: unknown, name = "fn") => withInput(backend(name), "proxy", proxy);
  const codeFix =
    'remove it from the url and send the key from a secret or Key Vault named value in a header instead: credentials.header: { "x-functions-key": ["{{name}}"] } (Azure Functions accepts its key there).';
  const queryFix = (param: string) =>
    `remove it from the url and send it from a secret or Key Vault named value instead: credentials.query: { "${param}": ["{{name}}"] } (APIM substitutes the reference when it calls the backend).`;
  const userinfoFix =
    'remove the userinfo from the url and send the credential from a secret or Key Vault named value instead: credentials.authorization: { scheme: "Basic", parameter: "{{name}}" }.';
  const proxyFix = 'move it to a secret or Key Vault named value and reference it as proxy.password: "{{name}}".';
  const functionKey = "aBcD3fGhIjKlMnOpQrStUvWxYz0123456789-_aBcDeFgHiJkLm==";
  const sig = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQ%3D";

  it("reports a Functions key in ?code=, naming the path and kind but not the value, with the x-functions-key fix", () => {
    const messages = messagesOf(rule, [withUrl(`https://x.azurewebsites.net/api/f?code=${functionKey}`)]);
    expect(messages).toEqual([`Backend "fn" has a literal value at url query parameter "code", which by its name is an Azure Functions key; ${codeFix}`]);
    expect(messages.join("")).not.toContain(functionKey.slice(0, 20));
  });

  it("reports a SAS signature among ordinary SAS parameters, and a Logic Apps trigger url", () => {
    const sas = `https://acct.blob.core.windows.net/c?sv=2022-11-02&ss=b&srt=o&sp=r&se=2026-12-31T00:00:00Z&sig=${sig}`;
    expect(messagesOf(rule, [withUrl(sas)])).toEqual([`Backend "fn" has a literal value at url query parameter "sig", which by its name is a shared access signature; ${queryFix("sig")}`]);
    const logicApp = `https://prod-00.eastus2.logic.azure.com:443/workflows/0123/triggers/manual/paths/invoke?api-version=2016-10-01&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig=${sig}`;
    expect(messagesOf(rule, [withUrl(logicApp)])).toEqual([`Backend "fn" has a literal value at url query parameter "sig", which by its name is a shared access signature; ${queryFix("sig")}`]);
  });

  it("reports an Azure key as any query value by its pattern, whatever the parameter is called", () => {
    expect(messagesOf(rule, [withUrl(`https://x.example.com/v1?api-key=${key}`)])).toEqual([
      `Backend "fn" has what looks like an Azure AI services key (32 hex characters) in plain text at url query parameter "api-key"; ${queryFix("api-key")}`,
    ]);
    expect(messagesOf(rule, [withUrl(`https://x.example.com/v1?a=1&subscription-key=${key}`)])).toEqual([
      `Backend "fn" has what looks like an Azure AI services key (32 hex characters) in plain text at url query parameter "subscription-key"; ${queryFix("subscription-key")}`,
    ]);
    expect(messagesOf(rule, [withUrl(`https://x.example.com/v1?tenant=${key}`)])).toEqual([
      `Backend "fn" has what looks like an Azure AI services key (32 hex characters) in plain text at url query parameter "tenant"; ${queryFix("tenant")}`,
    ]);
  });

  it.each([
    ["key", "an API key"],
    ["apikey", "an API key"],
    ["API-Key", "an API key"],
    ["access_token", "an access token"],
    ["token", "an access token"],
    ["password", "a password"],
    ["secret", "a secret"],
  ])("treats a literal ?%s= as %s", (param, kind) => {
    expect(messagesOf(rule, [withUrl(`https://x.example.com/v1?${param}=s3cr3t`)])).toEqual([
      `Backend "fn" has a literal value at url query parameter "${param}", which by its name is ${kind}; ${queryFix(param)}`,
    ]);
  });

  it("reports a repeated parameter once and never prints a parameter name that looks like a key", () => {
    expect(messagesOf(rule, [withUrl("https://x.example.com/f?code=a&code=b")])).toEqual([
      `Backend "fn" has a literal value at url query parameter "code", which by its name is an Azure Functions key; ${codeFix}`,
    ]);
    const messages = messagesOf(rule, [withUrl(`https://x.example.com/f?${key}=1`)], { sensitiveUrlParameters: [key] });
    expect(messages).toEqual([
      'Backend "fn" has a literal value at url query parameter (a name that looks like a secret), which by its name is a credential; remove it from the url and send it from a secret or Key Vault named value instead: credentials.query: { <parameter>: ["{{name}}"] } (APIM substitutes the reference when it calls the backend).',
    ]);
    expect(messages.join("")).not.toContain(key);
  });

  it("reports a password in the url userinfo, and key-shaped userinfo by its kind", () => {
    expect(messagesOf(rule, [withUrl("https://svc:hunter2@x.example.com/api")])).toEqual([`Backend "fn" has a password in plain text at url userinfo; ${userinfoFix}`]);
    expect(messagesOf(rule, [withUrl(`https://${key}@x.example.com/api`)])).toEqual([
      `Backend "fn" has what looks like an Azure AI services key (32 hex characters) in plain text at url userinfo; ${userinfoFix}`,
    ]);
    // A user name alone is no secret.
    expect(messagesOf(rule, [withUrl("https://svc@x.example.com/api")])).toEqual([]);
  });

  it("reports a literal proxy.password, and a secret in proxy.url", () => {
    expect(messagesOf(rule, [withProxy({ url: "http://proxy.corp:8080", username: "svc", password: "hunter2" })])).toEqual([
      `Backend "fn" has a password in plain text at proxy.password; ${proxyFix}`,
    ]);
    expect(messagesOf(rule, [withProxy({ url: "http://proxy.corp:8080", password: key })])).toEqual([
      `Backend "fn" has what looks like an Azure AI services key (32 hex characters) in plain text at proxy.password; ${proxyFix}`,
    ]);
    expect(messagesOf(rule, [withProxy({ url: "http://svc:hunter2@proxy.corp:8080" })])).toEqual([`Backend "fn" has a password in plain text at proxy.url userinfo; ${userinfoFix}`]);
  });

  it("passes urls without query, ordinary query values and {{named-value}} references", () => {
    const fine = [
      "https://x.openai.azure.com/openai",
      "https://x.openai.azure.com/openai?api-version=2024-10-21",
      "https://x.azurewebsites.net/api/f?code={{fn-key}}",
      "https://x.azurewebsites.net/api/f?code=",
      "https://acct.blob.core.windows.net/c?sv=2022-11-02&sig={{sas-sig}}",
      "https://{{svc-user}}:{{svc-password}}@x.example.com/api",
      "{{backend-url}}",
      "{{backend-base}}/api?code={{fn-key}}&api-version=2024-10-21",
    ];
    for (const url of fine) expect(messagesOf(rule, [withUrl(url)]), url).toEqual([]);
    expect(messagesOf(rule, [withProxy({ url: "http://proxy.corp:8080", username: "svc", password: "{{proxy-password}}" })])).toEqual([]);
    expect(messagesOf(rule, [withProxy({ url: "http://proxy.corp:8080", password: "" })])).toEqual([]);
  });

  it("reads the query of a url that starts with a reference, and skips urls not known yet", () => {
    expect(messagesOf(rule, [withUrl("{{backend-base}}/api?code=abc")])).toEqual([
      `Backend "fn" has a literal value at url query parameter "code", which by its name is an Azure Functions key; ${codeFix}`,
    ]);
    expect(messagesOf(rule, [withUrl(null), withUrl(undefined, "other"), withProxy({ url: null, password: null })])).toEqual([]);
  });

  it("takes the conventional names from options", () => {
    expect(messagesOf(rule, [withUrl("https://x.example.com/f?code=abc")], { sensitiveUrlParameters: ["tenant"] })).toEqual([]);
    expect(messagesOf(rule, [withUrl("https://x.example.com/f?tenant=contoso")], { sensitiveUrlParameters: ["tenant"] })).toEqual([
      `Backend "fn" has a literal value at url query parameter "tenant", which by its name is a credential; ${queryFix("tenant")}`,
    ]);
  });
});
