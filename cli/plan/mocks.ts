/**
 * Deterministic Pulumi mocks for offline plans: ids and outputs are functions of the inputs and
 * names only, so two plans of the same config are byte-identical. Outputs mimic what Azure returns
 * where the program reads them (names, ARM ids, the account endpoint, the random suffix).
 *
 * Each answer's state holds only what the mock computes: outside a preview, Pulumi gives every input
 * the state leaves out back as that output (runtime/resource.js resolveOutputs), so the outputs are
 * the same as with `{ ...inputs, … }`, without sending every input through protobuf twice more per
 * resource (plan.json and every output of dev, prod and the 793-resource bench plan are byte-identical).
 */
import { createHash } from "node:crypto";
import type * as pulumi from "@pulumi/pulumi";
import { endpointFor } from "../../components/openai-account";

/**
 * ARM ids of network resources: type token → (inputs → the id's path below the resource group).
 * The name inputs are the ones the components set (`virtualNetworkName`, `subnetName`, …).
 */
const NETWORK_IDS: Readonly<Record<string, (inputs: Record<string, unknown>, name: string) => string>> = {
  "azure-native:network:VirtualNetwork": (i, n) => `Microsoft.Network/virtualNetworks/${str(i.virtualNetworkName, n)}`,
  "azure-native:network:Subnet": (i, n) => `Microsoft.Network/virtualNetworks/${str(i.virtualNetworkName, "unknown-vnet")}/subnets/${str(i.subnetName, n)}`,
  "azure-native:network:NetworkSecurityGroup": (i, n) => `Microsoft.Network/networkSecurityGroups/${str(i.networkSecurityGroupName, n)}`,
  "azure-native:network:VirtualNetworkPeering": (i, n) => `Microsoft.Network/virtualNetworks/${str(i.virtualNetworkName, "unknown-vnet")}/virtualNetworkPeerings/${str(i.virtualNetworkPeeringName, n)}`,
  "azure-native:network:PrivateEndpoint": (i, n) => `Microsoft.Network/privateEndpoints/${str(i.privateEndpointName, n)}`,
  "azure-native:network:PrivateDnsZoneGroup": (i, n) => `Microsoft.Network/privateEndpoints/${str(i.privateEndpointName, "unknown-endpoint")}/privateDnsZoneGroups/${str(i.privateDnsZoneGroupName, n)}`,
  "azure-native:privatedns:PrivateZone": (i, n) => `Microsoft.Network/privateDnsZones/${str(i.privateZoneName, n)}`,
  "azure-native:privatedns:VirtualNetworkLink": (i, n) => `Microsoft.Network/privateDnsZones/${str(i.privateZoneName, "unknown-zone")}/virtualNetworkLinks/${str(i.virtualNetworkLinkName, n)}`,
};

/** Placeholder subscription in offline ARM ids (never a real one). */
export const OFFLINE_SUBSCRIPTION = "00000000-0000-0000-0000-000000000000";

type Inputs = Record<string, unknown>;
const str = (v: unknown, fallback: string): string => (typeof v === "string" && v !== "" ? v : fallback);

/** Lowercase letters and digits derived from a seed; stands in for RandomString results. */
export function deterministicSuffix(seed: string, length: number): string {
  const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
  const bytes = createHash("sha256").update(seed).digest();
  return Array.from({ length }, (_, i) => alphabet[(bytes[i % bytes.length] ?? 0) % alphabet.length]).join("");
}

export interface CapturedInputs {
  readonly type: string;
  readonly name: string;
  readonly inputs: Inputs;
}

export function createOfflineMocks(stack: string, onResource: (captured: CapturedInputs) => void): pulumi.runtime.Mocks {
  return {
    newResource(args: pulumi.runtime.MockResourceArgs): { id: string | undefined; state: Inputs } {
      const inputs = (args.inputs ?? {}) as Inputs;
      onResource({ type: args.type, name: args.name, inputs });
      const rgId = (rg: string) => `/subscriptions/${OFFLINE_SUBSCRIPTION}/resourceGroups/${rg}`;
      switch (args.type) {
        case "random:index/randomString:RandomString": {
          const length = typeof inputs.length === "number" ? inputs.length : 8;
          return { id: args.name, state: { result: deterministicSuffix(`${stack}/${args.name}`, length) } };
        }
        case "random:index/randomPassword:RandomPassword": {
          // A visible placeholder, never a usable key: offline plans must not look like they hold secrets.
          const length = typeof inputs.length === "number" ? inputs.length : 16;
          return { id: args.name, state: { result: `offline${deterministicSuffix(`${stack}/${args.name}`, Math.max(length - 7, 1))}` } };
        }
        case "azure-native:resources:ResourceGroup": {
          const name = str(inputs.resourceGroupName, args.name);
          return { id: rgId(name), state: { name } };
        }
        case "azure-native:cognitiveservices:Account": {
          const name = str(inputs.accountName, args.name);
          const properties = (inputs.properties ?? {}) as Inputs;
          const kind = inputs.kind === "AIServices" ? "AIServices" : "OpenAI";
          const id = `${rgId(str(inputs.resourceGroupName, "unknown-rg"))}/providers/Microsoft.CognitiveServices/accounts/${name}`;
          const endpoint = endpointFor(kind, str(properties.customSubDomainName, name));
          return { id, state: { name, properties: { ...properties, endpoint, provisioningState: "Succeeded" } } };
        }
        case "azure-native:cognitiveservices:Deployment": {
          const name = str(inputs.deploymentName, args.name);
          const account = `${rgId(str(inputs.resourceGroupName, "unknown-rg"))}/providers/Microsoft.CognitiveServices/accounts/${str(inputs.accountName, "unknown-account")}`;
          return { id: `${account}/deployments/${name}`, state: { name } };
        }
        case "azure-native:apimanagement:ApiManagementService": {
          // The gateway reads identity.principalId (role assignments) and gatewayUrl (outputs).
          const name = str(inputs.serviceName, args.name);
          const principal = createHash("sha256").update(`${stack}/${args.name}/principal`).digest("hex");
          const principalId = `${principal.slice(0, 8)}-${principal.slice(8, 12)}-${principal.slice(12, 16)}-${principal.slice(16, 20)}-${principal.slice(20, 32)}`;
          const identity = { ...((inputs.identity ?? {}) as Inputs), principalId, tenantId: OFFLINE_SUBSCRIPTION };
          const id = `${rgId(str(inputs.resourceGroupName, "unknown-rg"))}/providers/Microsoft.ApiManagement/service/${name}`;
          return { id, state: { name, identity, gatewayUrl: `https://${name}.azure-api.net` } };
        }
        case "azure-native:operationalinsights:Workspace": {
          // The stack exports the workspace's customer id (a GUID): rollout --source azure queries by it.
          const guid = createHash("sha256").update(`${stack}/${args.name}/customer`).digest("hex");
          const customerId = `${guid.slice(0, 8)}-${guid.slice(8, 12)}-${guid.slice(12, 16)}-${guid.slice(16, 20)}-${guid.slice(20, 32)}`;
          return { id: `${args.name}-id`, state: { name: str(inputs.workspaceName, args.name), customerId } };
        }
        case "azure-native:apimanagement:Backend": {
          // Pool members reference backends by ARM id.
          const name = str(inputs.backendId, args.name);
          const service = `${rgId(str(inputs.resourceGroupName, "unknown-rg"))}/providers/Microsoft.ApiManagement/service/${str(inputs.serviceName, "unknown-service")}`;
          return { id: `${service}/backends/${name}`, state: { name } };
        }
        default: {
          const networkId = NETWORK_IDS[args.type];
          if (networkId) {
            const path = networkId(inputs, args.name);
            return { id: `${rgId(str(inputs.resourceGroupName, "unknown-rg"))}/providers/${path}`, state: { name: path.slice(path.lastIndexOf("/") + 1) } };
          }
          return { id: `${args.name}-id`, state: { name: str(inputs.name, args.name) } };
        }
      }
    },
    call(args: pulumi.runtime.MockCallArgs): Record<string, unknown> {
      throw new Error(`offline plan: the program called ${args.token}, which has no offline answer; plans must not depend on live lookups`);
    },
  };
}
