// Every invalid network config of issue 13 (item 4) through `npm run plan`: exit 2, the config path
// and what to do, no stack trace, nothing written. The fixtures are small stacks users can run too.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { parse, stringify } from "yaml";
import { runCliCaptured } from "../support/cli";

const fixture = (name: string) => path.join(__dirname, "fixtures", "network", `${name}.yaml`);


afterEach(() => vi.restoreAllMocks());

const cases: [string, string, string][] = [
  [
    "no-network",
    "aoai-fleet:fleet.publicNetworkAccess",
    'is "Disabled" and aoai-fleet:gateway is set, but the gateway has no network path to the accounts (only private endpoints reach them, so every gateway call would get 403); add aoai-fleet:fleet.network with a network in eastus2, the gateway\'s region (network: { regions: { eastus2: {} } } creates a VNet, subnets, private endpoints and DNS zones), or set publicNetworkAccess: Enabled',
  ],
  ["overlap", "aoai-fleet:fleet.network.regions.westus3.addressSpace", "10.1.4.0/24 overlaps the eastus2 network's 10.1.0.0/16; networks the gateway reaches (peered or linked) need distinct address spaces"],
  ["small-subnet", "aoai-fleet:fleet.network.regions.eastus2.gatewaySubnet", "/28 has 16 addresses; StandardV2 outbound VNet integration needs at least /27 (32 addresses; /24 recommended)"],
  [
    "no-delegation",
    "aoai-fleet:fleet.network.regions.eastus2.existing.gatewaySubnet.delegation",
    "the subnet is not delegated, but StandardV2 outbound integration needs it delegated to Microsoft.Web/serverFarms; delegate it (az network vnet subnet update --delegations Microsoft.Web/serverFarms) and declare delegation: Microsoft.Web/serverFarms",
  ],
  [
    "no-reachable-endpoint",
    "aoai-fleet:fleet.network.regions.eastus2.existing.privateEndpointSubnet",
    "is required: the eastus2 and westus3 accounts have no private endpoint reachable from the gateway although public access is disabled (the gateway's eastus2 network has no private-endpoint subnet, and no network of their own region has one); add { id, addressPrefix } of a subnet in the gateway's VNet",
  ],
  [
    "missing-zones",
    "aoai-fleet:fleet.network.dnsZones",
    "misses privatelink.cognitiveservices.azure.com, privatelink.services.ai.azure.com, which AIServices accounts' private endpoints need (privatelink.cognitiveservices.azure.com, privatelink.openai.azure.com, privatelink.services.ai.azure.com); with dnsZones set the stack creates no zones, so add their resource ids, or remove dnsZones to let the stack create and link the zones",
  ],
  [
    "tier",
    "aoai-fleet:gateway.sku",
    "BasicV2 cannot reach private endpoints (Basic v2 has no outbound VNet integration; only Standard v2 and Premium v2 have it), and aoai-fleet:fleet.publicNetworkAccess is Disabled; choose StandardV2 (outbound VNet integration), Developer or Premium (VNet injection)",
  ],
];

describe("npm run plan on invalid network configs", () => {
  it.each(cases)("%s exits 2 naming %s, without a stack trace, and writes nothing", async (name, configPath, message) => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), "aoai-net-bad-"));
    const { code, stderr, stdout } = await runCliCaptured(["plan", `net-${name}`, "--config", fixture(name), "--out", out, "--today", "2026-11-23"]);
    expect(code).toBe(2);
    expect(stderr).toContain("Invalid stack config (1 problem):");
    expect(stderr).toContain(`  - ${configPath}: ${message}\n`);
    expect(stderr).toContain("Nothing was planned or created.");
    expect(stderr).not.toMatch(/\n\s+at /);
    expect(stdout).toBe("");
    expect(fs.readdirSync(out)).toEqual([]);
  });

  it("reports every network and gateway problem of one config in one run", async () => {
    const doc = parse(fs.readFileSync(fixture("overlap"), "utf8")) as { config: Record<string, Record<string, unknown>> };
    const fleet = doc.config["aoai-fleet:fleet"] as { network: { regions: Record<string, Record<string, unknown>> } };
    (fleet.network.regions.eastus2 as Record<string, unknown>).gatewaySubnet = "10.1.0.0/28";
    (doc.config["aoai-fleet:gateway"] as Record<string, unknown>).network = { mode: "internal" };
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "aoai-net-many-"));
    const file = path.join(dir, "Pulumi.many.yaml");
    fs.writeFileSync(file, stringify(doc));
    const { code, stderr } = await runCliCaptured(["plan", "many", "--config", file, "--out", dir, "--today", "2026-11-23"]);
    expect(code).toBe(2);
    expect(stderr.split("\n").filter((line) => line.startsWith("  - "))).toEqual([
      "  - aoai-fleet:gateway.network.mode: \"internal\" is not available on StandardV2 (Azure refuses an Internal virtual network type for StandardV2; for private inbound access use privateEndpoint: true); allowed values: integration",
      "  - aoai-fleet:fleet.network.regions.westus3.addressSpace: 10.1.4.0/24 overlaps the eastus2 network's 10.1.0.0/16; networks the gateway reaches (peered or linked) need distinct address spaces",
      "  - aoai-fleet:fleet.network.regions.eastus2.gatewaySubnet: /28 has 16 addresses; StandardV2 outbound VNet integration needs at least /27 (32 addresses; /24 recommended)",
    ]);
    expect(fs.readdirSync(dir)).toEqual(["Pulumi.many.yaml"]);
  });
});
