// Loads the policy pack through @pulumi/pulumi's run-policy-pack, the program the Pulumi CLI's
// nodejs language host starts for `--policy-pack` (ts-node compile, PolicyPack construction, gRPC
// analyzer server), then talks to it over the analyzer protocol as the engine does. Only the CLI
// itself is missing; pack.test.ts runs the real `pulumi preview` when the CLI is installed.
import { spawn, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import { createRequire } from "node:module";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { configSchemaOf } from "../../policies/crossguard";
import { resolvePackConfig } from "../../policies/pack-config";
import { allRules } from "../../policies/rules";

const root = path.resolve(__dirname, "..", "..");
// The analyzer protocol stubs and protobuf runtime that @pulumi/pulumi (and so the engine side) uses.
const pulumiRequire = createRequire(path.join(root, "node_modules", "@pulumi", "pulumi", "package.json"));
/* eslint-disable @typescript-eslint/no-explicit-any -- generated protobuf classes ship without usable types here */
const grpc = pulumiRequire("@grpc/grpc-js") as any;
const services = pulumiRequire("./proto/analyzer_grpc_pb.js") as any;
const messages = pulumiRequire("./proto/analyzer_pb.js") as any;
const { Empty } = pulumiRequire("google-protobuf/google/protobuf/empty_pb.js") as any;
const { Struct } = pulumiRequire("google-protobuf/google/protobuf/struct_pb.js") as any;

const levels = ["advisory", "mandatory", "disabled", "remediate"] as const;
let child: ChildProcess;
let client: any;

function call<T>(method: string, request: unknown): Promise<T> {
  return new Promise((resolve, reject) => client[method](request, (error: Error | null, response: T) => (error ? reject(error) : resolve(response))));
}

function analyzeRequest(type: string, name: string, props: Record<string, unknown>): unknown {
  const request = new messages.AnalyzeRequest();
  request.setType(type);
  request.setName(name);
  request.setUrn(`urn:pulumi:prod::aoai-fleet::${type}::${name}`);
  request.setProperties(Struct.fromJavaScript(props));
  request.setOptions(new messages.AnalyzerResourceOptions());
  return request;
}

async function diagnostics(request: unknown): Promise<[string, string, string][]> {
  const response = await call<any>("analyze", request);
  return response.getDiagnosticsList().map((d: any) => [d.getPolicyname(), levels[d.getEnforcementlevel()], d.getMessage()]);
}

/** Sends a pack config file the way the CLI does: every policy's level and options, resolved. */
async function configureWith(file: string): Promise<void> {
  const request = new messages.ConfigureAnalyzerRequest();
  const map = request.getPolicyconfigMap();
  for (const { rule, enforcementLevel, options } of resolvePackConfig(JSON.parse(fs.readFileSync(file, "utf8")), file)) {
    const config = new messages.PolicyConfig();
    config.setEnforcementlevel(levels.indexOf(enforcementLevel));
    config.setProperties(Struct.fromJavaScript(options));
    map.set(rule.name, config);
  }
  await call("configure", request);
}

beforeAll(async () => {
  const node = path.join(root, "node_modules", ".bin", "node");
  const runPolicyPack = path.join(root, "node_modules", "@pulumi", "pulumi", "cmd", "run-policy-pack");
  child = spawn(node, [runPolicyPack, "127.0.0.1:1", "."], { cwd: path.join(root, "policies") });
  let stdout = "";
  let stderr = "";
  const port = await new Promise<string>((resolve, reject) => {
    child.stdout?.on("data", (chunk) => {
      stdout += String(chunk);
      if (/^\d+\s*$/.test(stdout)) resolve(stdout.trim());
    });
    child.stderr?.on("data", (chunk) => (stderr += String(chunk)));
    child.on("exit", (code) => reject(new Error(`run-policy-pack exited with ${code} before serving:\n${stdout}\n${stderr}`)));
  });
  client = new services.AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
}, 180_000);

afterAll(() => {
  client?.close();
  child?.kill();
});

describe("policy pack loaded by the Pulumi nodejs policy-pack host", () => {
  it("describes every rule with its level, severity and config schema", async () => {
    const info = await call<any>("getAnalyzerInfo", new Empty());
    expect([info.getName(), info.getVersion()]).toEqual(["aoai-fleet-guardrails", "0.1.0"]);
    const policies = info.getPoliciesList().map((p: any) => ({
      name: p.getName(),
      level: levels[p.getEnforcementlevel()],
      properties: p.getConfigschema()?.getProperties()?.toJavaScript(),
    }));
    expect(policies).toEqual(
      allRules.map((rule) => ({ name: rule.name, level: rule.enforcementLevel, properties: JSON.parse(JSON.stringify(configSchemaOf(rule).properties)) })),
    );
  });

  it("blocks a raw azure-native Deployment without a model version", async () => {
    const raw = { accountName: "hand-written", resourceGroupName: "rg", sku: { name: "DataZoneStandard", capacity: 10 }, properties: { model: { format: "OpenAI", name: "gpt-4o" }, versionUpgradeOption: "NoAutoUpgrade" } };
    expect(await diagnostics(analyzeRequest("azure-native:cognitiveservices:Deployment", "raw", raw))).toEqual([
      [
        "aoai-deployment-missing-model-version",
        "mandatory",
        // CrossGuard prefixes each violation with the policy's description.
        "Azure OpenAI model deployments must pin properties.model.version to an explicit version.\n" +
          'Deployment "raw" does not set properties.model.version, so Azure deploys whatever version is the default and may swap it later; pin an explicit version from the model catalog, e.g. properties.model.version: "2024-11-20".',
      ],
    ]);
  });

  it("blocks a versioned azure-native Deployment and a classic azure Deployment without a model version", async () => {
    const versioned = { accountName: "hand-written", resourceGroupName: "rg", sku: { name: "DataZoneStandard", capacity: 10 }, properties: { model: { format: "OpenAI", name: "gpt-4o" }, versionUpgradeOption: "NoAutoUpgrade" } };
    const classic = {
      name: "chat",
      cognitiveAccountId: "/subscriptions/0000/resourceGroups/rg/providers/Microsoft.CognitiveServices/accounts/hand-written",
      model: { format: "OpenAI", name: "gpt-4o" },
      sku: { name: "DataZoneStandard", capacity: 10 },
      versionUpgradeOption: "NoAutoUpgrade",
    };
    for (const [type, props] of [["azure-native:cognitiveservices/v20250901:Deployment", versioned], ["azure:cognitive/deployment:Deployment", classic]] as const) {
      expect(await diagnostics(analyzeRequest(type, "raw", props))).toEqual([
        [
          "aoai-deployment-missing-model-version",
          "mandatory",
          "Azure OpenAI model deployments must pin properties.model.version to an explicit version.\n" +
            'Deployment "raw" does not set properties.model.version, so Azure deploys whatever version is the default and may swap it later; pin an explicit version from the model catalog, e.g. properties.model.version: "2024-11-20".',
        ],
      ]);
    }
  });

  it("applies the per-stack pack config (prod forbids auto-upgrade to new defaults, dev allows it)", async () => {
    const deployment = { accountName: "a", resourceGroupName: "rg", sku: { name: "DataZoneStandard", capacity: 10 }, properties: { model: { format: "OpenAI", name: "gpt-4.1", version: "2025-04-14" }, versionUpgradeOption: "OnceNewDefaultVersionAvailable" } };
    await configureWith(path.join(root, "policies", "config", "prod.json"));
    expect(await diagnostics(analyzeRequest("azure-native:cognitiveservices:Deployment", "chat", deployment))).toEqual([
      [
        "aoai-deployment-enforce-upgrade-option",
        "mandatory",
        "Azure OpenAI model deployments must set properties.versionUpgradeOption to a value this environment allows.\n" +
          'Deployment "chat" sets properties.versionUpgradeOption to "OnceNewDefaultVersionAvailable", which this environment does not allow; use NoAutoUpgrade or OnceCurrentVersionExpired.',
      ],
    ]);
    await configureWith(path.join(root, "policies", "config", "dev.json"));
    expect(await diagnostics(analyzeRequest("azure-native:cognitiveservices:Deployment", "chat", deployment))).toEqual([]);
  });

  it("requires private accounts in prod (endpoint + zone group), matched over the analyzer protocol", async () => {
    await configureWith(path.join(root, "policies", "config", "prod.json"));
    const rg = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers";
    const analyzerResource = (type: string, name: string, props: Record<string, unknown>) => {
      const resource = new messages.AnalyzerResource();
      resource.setType(type);
      resource.setName(name);
      resource.setUrn(`urn:pulumi:prod::aoai-fleet::${type}::${name}`);
      resource.setProperties(Struct.fromJavaScript(props));
      resource.setOptions(new messages.AnalyzerResourceOptions());
      return resource;
    };
    const account = (access: string) =>
      analyzerResource("azure-native:cognitiveservices:Account", "aoai-eastus2", {
        accountName: "aoai-eastus2", resourceGroupName: "rg", kind: "OpenAI", location: "eastus2", identity: { type: "SystemAssigned" },
        properties: { customSubDomainName: "aoai-eastus2", disableLocalAuth: true, publicNetworkAccess: access, networkAcls: { defaultAction: "Deny" } },
      });
    const endpoint = analyzerResource("azure-native:network:PrivateEndpoint", "pe-aoai-eastus2", {
      privateEndpointName: "pe-aoai-eastus2", resourceGroupName: "rg", location: "eastus2", subnet: { id: `${rg}/Microsoft.Network/virtualNetworks/v/subnets/pe` },
      privateLinkServiceConnections: [{ name: "pe-aoai-eastus2", groupIds: ["account"], privateLinkServiceId: `${rg}/Microsoft.CognitiveServices/accounts/aoai-eastus2` }],
    });
    const zoneGroup = analyzerResource("azure-native:network:PrivateDnsZoneGroup", "pe-aoai-eastus2-dns", {
      privateEndpointName: "pe-aoai-eastus2", resourceGroupName: "rg", privateDnsZoneGroupName: "default",
      privateDnsZoneConfigs: [{ name: "openai", privateDnsZoneId: `${rg}/Microsoft.Network/privateDnsZones/privatelink.openai.azure.com` }],
    });
    const stack = async (resources: unknown[]) => {
      const request = new messages.AnalyzeStackRequest();
      request.setResourcesList(resources);
      const response = await call<any>("analyzeStack", request);
      return response.getDiagnosticsList().map((d: any) => [d.getPolicyname(), levels[d.getEnforcementlevel()], d.getMessage().split("\n")[1]]);
    };
    expect(await stack([account("Enabled")])).toEqual([
      [
        "aoai-account-enforce-private-endpoint",
        "mandatory",
        'Account "aoai-eastus2" sets publicNetworkAccess to "Enabled", and has no private endpoint (an azure-native network PrivateEndpoint with groupIds ["account"] whose privateLinkServiceId is this account); set properties.publicNetworkAccess: "Disabled" and create a private endpoint with a DNS zone group (stack config: aoai-fleet:fleet.network).',
      ],
    ]);
    expect(await stack([account("Disabled"), endpoint])).toEqual([
      [
        "aoai-account-enforce-private-endpoint",
        "mandatory",
        'Account "aoai-eastus2" has private endpoint "pe-aoai-eastus2" without a DNS zone group, so its host name still resolves to the public address; set properties.publicNetworkAccess: "Disabled" and create a private endpoint with a DNS zone group (stack config: aoai-fleet:fleet.network).',
      ],
    ]);
    expect(await stack([account("Disabled"), endpoint, zoneGroup])).toEqual([]);
    // The resource rule on public access is mandatory in prod too (deny-by-default ACLs do not excuse it there).
    expect((await diagnostics(analyzeRequest("azure-native:cognitiveservices:Account", "aoai-eastus2", account("Enabled").getProperties().toJavaScript()))).map(([policy, level]) => [policy, level])).toEqual([
      ["aoai-account-configure-public-network", "mandatory"],
    ]);
  });

  it("blocks a backend with a key in its credentials; a {{named-value}} passes and an unknown value is only an advisory note", async () => {
    await configureWith(path.join(root, "policies", "config", "prod.json"));
    const backend = (header: Record<string, string[]>) => ({ backendId: "partner", serviceName: "apim", resourceGroupName: "rg", protocol: "http", url: "https://partner.example.com", credentials: { header } });
    const type = "azure-native:apimanagement:Backend";
    expect(await diagnostics(analyzeRequest(type, "partner", backend({ "api-key": ["0123456789abcdef0123456789abcdef"] })))).toEqual([
      [
        "aoai-gateway-disallow-plaintext-secret",
        "mandatory",
        "APIM policy documents, backend credentials, urls and proxy passwords, and non-secret named values must not contain keys, tokens or other credentials.\n" +
          'Backend "partner" has what looks like an Azure AI services key (32 hex characters) in plain text at credentials.header.api-key[0]; move it to a secret or Key Vault named value and reference it there as {{name}}, or omit credentials and authenticate with managed identity (authentication-managed-identity in the API policy, as aoai-fleet\'s generated backends do).',
      ],
    ]);
    expect(await diagnostics(analyzeRequest(type, "partner", backend({ "api-key": ["{{openai-key}}"] })))).toEqual([]);
    // Pulumi's wire sentinel for a string not known during a preview (an output of a resource not created yet):
    // CrossGuard's proxy stops the rule on reading it and reports the note itself, without the description.
    expect(await diagnostics(analyzeRequest(type, "partner", backend({ "api-key": ["04da6b54-80e4-46f7-96ec-b56ff0331ba9"] })))).toEqual([
      [
        "aoai-gateway-disallow-plaintext-secret",
        "advisory",
        "can't run policy 'aoai-gateway-disallow-plaintext-secret' from policy pack 'aoai-fleet-guardrails@v0.1.0' during preview: string value at .credentials.header.api-key.0 can't be known during preview",
      ],
    ]);
  });

  it("blocks a backend with a Functions key in its url; a {{named-value}} passes and an unknown url is only an advisory note", async () => {
    await configureWith(path.join(root, "policies", "config", "prod.json"));
    const backend = (url: string) => ({ backendId: "fn", serviceName: "apim", resourceGroupName: "rg", protocol: "http", url });
    const type = "azure-native:apimanagement:Backend";
    expect(await diagnostics(analyzeRequest(type, "fn", backend("https://fn.azurewebsites.net/api/f?code=not-a-pattern")))).toEqual([
      [
        "aoai-gateway-disallow-plaintext-secret",
        "mandatory",
        "APIM policy documents, backend credentials, urls and proxy passwords, and non-secret named values must not contain keys, tokens or other credentials.\n" +
          'Backend "fn" has a literal value at url query parameter "code", which by its name is an Azure Functions key; remove it from the url and send the key from a secret or Key Vault named value in a header instead: credentials.header: { "x-functions-key": ["{{name}}"] } (Azure Functions accepts its key there).',
      ],
    ]);
    expect(await diagnostics(analyzeRequest(type, "fn", backend("https://fn.azurewebsites.net/api/f?code={{fn-key}}")))).toEqual([]);
    expect(await diagnostics(analyzeRequest(type, "fn", backend("04da6b54-80e4-46f7-96ec-b56ff0331ba9")))).toEqual([
      [
        "aoai-gateway-disallow-plaintext-secret",
        "advisory",
        "can't run policy 'aoai-gateway-disallow-plaintext-secret' from policy pack 'aoai-fleet-guardrails@v0.1.0' during preview: string value at .url can't be known during preview",
      ],
    ]);
  });

  it("runs stack rules over the whole stack (an anonymous API is blocked)", async () => {
    await configureWith(path.join(root, "policies", "config", "prod.json"));
    const resource = new messages.AnalyzerResource();
    resource.setType("azure-native:apimanagement:Api");
    resource.setName("openai");
    resource.setUrn("urn:pulumi:prod::aoai-fleet::azure-native:apimanagement:Api::openai");
    resource.setProperties(Struct.fromJavaScript({ apiId: "openai", serviceName: "apim", resourceGroupName: "rg", path: "openai", subscriptionRequired: false }));
    resource.setOptions(new messages.AnalyzerResourceOptions());
    const request = new messages.AnalyzeStackRequest();
    request.setResourcesList([resource]);
    const response = await call<any>("analyzeStack", request);
    expect(response.getDiagnosticsList().map((d: any) => [d.getPolicyname(), levels[d.getEnforcementlevel()], d.getUrn()])).toEqual([
      ["aoai-api-enforce-authentication", "mandatory", "urn:pulumi:prod::aoai-fleet::azure-native:apimanagement:Api::openai"],
    ]);
  });
});
