// The plaintext-secret rule on APIM Backend resources: credentials, url and proxy (split from
// aoai-gateway-disallow-plaintext-secret.test.ts, which covers policies and named values).
import { describe, expect, it } from "vitest";
import { aoaiGatewayDisallowPlaintextSecret as rule } from "../../../policies/rules/aoai-gateway-disallow-plaintext-secret";
import { backend, gateway, messagesOf, withInput } from "../support/resources";

const key = "0123456789abcdef0123456789abcdef";

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
