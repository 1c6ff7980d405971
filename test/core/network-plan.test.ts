// The pure network planner: CIDR maths, defaults, subnet sizing per tier, modes per tier, zones per
// kind. The stack-level tests (test/stacks/network-*.test.ts) run the same planner through the program.
import { describe, expect, it } from "vitest";
import { block, firstFreeBlock, overlaps, prefixLengthFor } from "../../core/plan/network/cidr";
import { planNetwork, type NetworkPlanInput } from "../../core/plan/network";
import { endpointSubnetSizeProblem, gatewaySubnetSizeProblem, TIER_NETWORKING } from "../../core/plan/network/tiers";
import { cidrProblem, NetworkConfigSchema } from "../../stacks/config/network";
import { GATEWAY_SKUS } from "../../stacks/config/gateway";

/** Planner input; `network` is written as in YAML and parsed by the schema (defaults applied). */
const input = ({ network, ...over }: Omit<Partial<NetworkPlanInput>, "network"> & { network?: unknown }): NetworkPlanInput => ({
  fleetName: "f",
  kind: "OpenAI",
  publicNetworkAccess: "Disabled",
  accountRegions: ["eastus2", "westus3"],
  gatewayRegion: "eastus2",
  gateway: { sku: "StandardV2", capacity: 1 },
  ...over,
  ...(network === undefined ? {} : { network: NetworkConfigSchema.parse(network) }),
});

describe("CIDR maths", () => {
  it("parses, overlaps and carves aligned blocks", () => {
    expect(cidrProblem("10.170.0.0/24")).toBeUndefined();
    expect(cidrProblem("10.170.0.5/24")).toBe("is not the start of its /24 block; use 10.170.0.0/24");
    expect(cidrProblem("10.170.0.0/33")).toBe("must be an IPv4 network in CIDR form, e.g. 10.170.0.0/24");
    expect(cidrProblem("fd00::/64")).toBe("must be an IPv4 network in CIDR form, e.g. 10.170.0.0/24");
    expect(overlaps(block("10.1.0.0/16"), block("10.1.4.0/24"))).toBe(true);
    expect(overlaps(block("10.1.0.0/24"), block("10.1.1.0/24"))).toBe(false);
    const space = block("10.170.0.0/24");
    expect(firstFreeBlock(space, 26, [])?.cidr).toBe("10.170.0.0/26");
    expect(firstFreeBlock(space, 26, [block("10.170.0.0/27")])?.cidr).toBe("10.170.0.64/26");
    expect(firstFreeBlock(block("10.170.0.0/26"), 26, [block("10.170.0.0/26")])).toBeUndefined();
    expect(firstFreeBlock(block("10.170.0.0/27"), 26, [])).toBeUndefined();
    expect(prefixLengthFor(30)).toBe(27);
  });
});

describe("tiers", () => {
  it("only Developer, Premium and StandardV2 are deployable on a network here; PremiumV2 keeps its facts but no mode", () => {
    expect(GATEWAY_SKUS.filter((sku) => TIER_NETWORKING[sku].modes.length > 0)).toEqual(["Developer", "StandardV2", "Premium"]);
    expect(TIER_NETWORKING.PremiumV2.azureModes).toEqual(["integration", "injection"]);
  });

  it("sizes gateway subnets per tier and mode", () => {
    expect(gatewaySubnetSizeProblem("StandardV2", "integration", 10, 27)).toBeUndefined();
    expect(gatewaySubnetSizeProblem("StandardV2", "integration", 1, 28)).toMatch(/^\/28 has 16 addresses; StandardV2 outbound VNet integration needs at least \/27/);
    // Premium: 5 reserved + 2 per unit (+1 internal): 6 units internal = 18 > 16.
    expect(gatewaySubnetSizeProblem("Premium", "external", 5, 28)).toBeUndefined();
    expect(gatewaySubnetSizeProblem("Premium", "internal", 6, 28)).toBe(
      "/28 has 16 addresses; Premium × 6 in internal mode needs 18 (5 reserved by Azure + 2 per unit + 1 for the internal load balancer, at least a /29)",
    );
    expect(gatewaySubnetSizeProblem("Developer", "external", 1, 29)).toBeUndefined();
    expect(endpointSubnetSizeProblem(3, 29)).toBeUndefined();
    expect(endpointSubnetSizeProblem(4, 29)).toBe("/29 has 3 usable addresses (8 minus 5 Azure reserves) but 4 private endpoints go here");
    expect(endpointSubnetSizeProblem(1, 30)).toBe("/30 is smaller than the smallest subnet Azure allows (/29)");
  });
});

describe("planNetwork", () => {
  it("defaults the address space and carves the gateway and endpoint subnets", () => {
    const { plan, errors } = planNetwork(input({ network: { regions: { eastus2: {} } } }));
    expect(errors).toEqual([]);
    expect(plan?.networks.map((n) => [n.region, n.addressSpace, n.gatewaySubnet?.addressPrefix, n.privateEndpointSubnet?.addressPrefix])).toEqual([["eastus2", "10.170.0.0/24", "10.170.0.0/26", "10.170.0.64/26"]]);
    expect(plan?.endpoints.map((e) => [e.name, e.networkRegion])).toEqual([["pe-f-eastus2", "eastus2"], ["pe-f-westus3", "eastus2"]]);
  });

  it("default spaces skip blocks other networks use", () => {
    const { plan } = planNetwork(input({ network: { regions: { westus3: { addressSpace: "10.170.0.0/16" }, eastus2: {} } } }));
    expect(plan?.networks.map((n) => [n.region, n.addressSpace])).toEqual([["eastus2", "10.171.0.0/24"], ["westus3", "10.170.0.0/16"]]);
  });

  it("refuses subnets outside the space, overlapping subnets, a full space and a gateway subnet in a spoke", () => {
    const { errors } = planNetwork(
      input({
        network: {
          regions: {
            eastus2: { addressSpace: "10.170.0.0/26", gatewaySubnet: "10.170.0.0/26" },
            westus3: { addressSpace: "10.180.0.0/24", gatewaySubnet: "10.180.0.0/26", privateEndpointSubnet: "10.181.0.0/26" },
          },
        },
      }),
    );
    expect(errors).toEqual([
      { path: "aoai-fleet:fleet.network.regions.eastus2.addressSpace", message: "10.170.0.0/26 has no room for a /26 privateEndpointSubnet next to 10.170.0.0/26; use a larger address space (a /24 fits both subnets) or give privateEndpointSubnet explicitly" },
      { path: "aoai-fleet:fleet.network.regions.westus3.gatewaySubnet", message: "only the gateway's region (eastus2) has a gateway subnet; remove it here" },
      { path: "aoai-fleet:fleet.network.regions.westus3.privateEndpointSubnet", message: "10.181.0.0/26 is outside the network's address space 10.180.0.0/24" },
    ]);
  });

  it("without a network: private accounts behind a gateway are an error, without a gateway a warning", () => {
    expect(planNetwork(input({})).errors.map((e) => e.path)).toEqual(["aoai-fleet:fleet.publicNetworkAccess"]);
    const { gateway: _gateway, ...noGateway } = input({});
    const result = planNetwork(noGateway);
    expect([result.errors, result.warnings.map((w) => w.path)]).toEqual([[], ["aoai-fleet:fleet.publicNetworkAccess"]]);
    expect(planNetwork(input({ publicNetworkAccess: "Enabled" }))).toEqual({ errors: [], warnings: [] });
  });

  it("a network in a region where the fleet has no account (a misspelt region) is refused, naming the fleet's regions", () => {
    expect(planNetwork(input({ network: { regions: { eastus2: {}, uksouth: {}, westus: {} } } }))).toEqual({
      errors: [
        { path: "aoai-fleet:fleet.network.regions.uksouth", message: '"uksouth" is not a region of this fleet, so its network would hold no private endpoint; network regions must be fleet regions: eastus2, westus3' },
        { path: "aoai-fleet:fleet.network.regions.westus", message: '"westus" is not a region of this fleet, so its network would hold no private endpoint; network regions must be fleet regions: eastus2, westus3' },
      ],
      warnings: [],
    });
    expect(planNetwork(input({ network: { regions: { eastus2: {}, westus3: {} } } })).errors).toEqual([]);
  });

  it("a network without the gateway's region is refused", () => {
    expect(planNetwork(input({ network: { regions: { westus3: {} } } })).errors).toEqual([
      { path: "aoai-fleet:fleet.network.regions", message: "has no network in eastus2, the fleet's first region, where the gateway and the private endpoints live; add eastus2: {} (or an existing one)" },
    ]);
  });

  it("refuses modes and inbound options a tier does not have", () => {
    const refused = (gateway: NonNullable<NetworkPlanInput["gateway"]>) => planNetwork(input({ gateway, network: { regions: { eastus2: {} } } })).errors.map((e) => [e.path, e.message]);
    expect(refused({ sku: "Premium", capacity: 1, network: { mode: "integration", privateEndpoint: true, publicNetworkAccess: "Enabled" } })).toEqual([
      ["aoai-fleet:gateway.network.mode", '"integration" is not available on Premium; allowed values: external, internal'],
      ["aoai-fleet:gateway.network.privateEndpoint", "Premium is injected into the VNet, and Azure refuses private endpoints on injected classic instances; for private inbound access use mode: internal"],
    ]);
    expect(refused({ sku: "StandardV2", capacity: 1, network: { privateEndpoint: false, publicNetworkAccess: "Disabled" } })).toEqual([
      ["aoai-fleet:gateway.network.publicNetworkAccess", '"Disabled" needs privateEndpoint: true (Azure refuses to disable the gateway\'s public access unless a Gateway private endpoint exists)'],
    ]);
    // PremiumV2 never reaches the network planner: the gateway config refuses the SKU (APIM API 2024-05-01 has none; test/stacks/gateway-config.test.ts).
  });

  it("public accounts with a tier that cannot join: no gateway subnet, endpoints still created", () => {
    const { plan, errors } = planNetwork(input({ publicNetworkAccess: "Enabled", gateway: { sku: "BasicV2", capacity: 1 }, network: { regions: { eastus2: {} } } }));
    expect(errors).toEqual([]);
    expect(plan?.gateway).toBeUndefined();
    expect(plan?.networks[0]?.gatewaySubnet).toBeUndefined();
    expect(plan?.networks[0]?.privateEndpointSubnet?.addressPrefix).toBe("10.170.0.0/26");
  });

  it("an existing spoke that is not peered cannot hold an endpoint the gateway must reach", () => {
    const id = (vnet: string, subnet: string) => `/subscriptions/1/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/${vnet}/subnets/${subnet}`;
    const { errors } = planNetwork(
      input({ network: { regions: { eastus2: {}, westus3: { existing: { privateEndpointSubnet: { id: id("spoke", "pe"), addressPrefix: "10.50.0.0/27" } } } } } }),
    );
    expect(errors).toEqual([
      { path: "aoai-fleet:fleet.network.regions.westus3.existing.peeredWithGatewayNetwork", message: "the westus3 account's private endpoint goes into the westus3 network, which the gateway cannot reach (not peered with the eastus2 network); peer the VNets and set peeredWithGatewayNetwork: true, or remove this network's privateEndpointSubnet so the endpoint goes into the gateway's network" },
    ]);
  });
});
