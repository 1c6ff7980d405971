import { compactTable } from "../../../core/console/table";
import { definePlanStep } from "../steps";

/** Prints capacity used per region and quota key against the declared quota. */
export const quotaTableStep = definePlanStep({
  name: "quota-table",
  order: 20,
  run({ plan, print }) {
    if (plan.outputs.quota.length === 0) return;
    const table = compactTable(["region", "quota", "used", "declared", "use", "deployments"], ["left", "left", "right", "right", "right", "left"]);
    for (const q of plan.outputs.quota) {
      const share = q.limit === null ? "not declared" : q.limit === 0 ? (q.used === 0 ? "0%" : "over") : `${Math.round((q.used / q.limit) * 100)}%`;
      table.push([q.region, q.key, String(q.used), q.limit === null ? "—" : String(q.limit), share, q.deployments.join(", ")]);
    }
    print("Quota use per region (capacity units; PTU for provisioned pools):");
    print(table.toString());
  },
});
