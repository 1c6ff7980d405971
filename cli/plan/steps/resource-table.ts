import { compactTable } from "../../../core/console/table";
import { countOf } from "../../../core/console/count";
import { capacityCell, numberCell } from "../../../core/console/cells";
import { definePlanStep } from "../steps";

/** Network resources counted on the summary line (created ones; existing subnets and zones are not resources). */
const NETWORK_COUNTS: readonly (readonly [string, string])[] = [
  ["azure-native:network:VirtualNetwork", "VNet"],
  ["azure-native:network:Subnet", "subnet"],
  ["azure-native:network:PrivateEndpoint", "private endpoint"],
  ["azure-native:privatedns:PrivateZone", "private DNS zone"],
];

/** Prints the summary line and one row per deployment × region. */
export const resourceTableStep = definePlanStep({
  name: "resource-table",
  order: 10,
  run({ plan, print }) {
    const counts = new Map<string, number>();
    plan.resources.forEach((r) => counts.set(r.type, (counts.get(r.type) ?? 0) + 1));
    const accounts = counts.get("azure-native:cognitiveservices:Account") ?? 0;
    const deployments = counts.get("azure-native:cognitiveservices:Deployment") ?? 0;
    const network = NETWORK_COUNTS.map(([type, label]) => [counts.get(type) ?? 0, label] as const).filter(([count]) => count > 0);
    const networkText = network.map(([count, label]) => `, ${countOf(count, label)}`).join("");
    print(`Offline plan of stack "${plan.stack}" (Pulumi mocks; nothing was created): ${countOf(plan.resources.length, "resource")}, ${countOf(accounts, "account")}, ${countOf(deployments, "deployment")}${networkText}, resource group ${plan.outputs.resourceGroupName}`);
    const table = compactTable(["region", "deployment", "model@version", "SKU", "capacity", "TPM", "RPM", "upgrade policy", "spillover"], ["left", "left", "left", "left", "right", "right", "right", "left", "left"]);
    for (const b of plan.outputs.backends) {
      table.push([b.region, b.name, `${b.model}@${b.version}`, b.sku, capacityCell(b.capacity, b.sku), numberCell(b.tpm), numberCell(b.rpm), b.upgrade, b.spillover ?? ""]);
    }
    print(table.toString());
  },
});
