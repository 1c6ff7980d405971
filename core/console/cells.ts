// Cells the plan's console tables share, so the resource table and the route table write the same
// number the same way.

/** A count with thousands separators, or `—` when unknown. */
export function numberCell(n: number | null): string {
  return n === null ? "—" : n.toLocaleString("en-US");
}

/** A deployment's capacity as the tables write it: provisioned SKUs in PTU, the rest as a bare count of units. */
export function capacityCell(capacity: number, sku: string): string {
  return `${numberCell(capacity)}${sku.includes("Provisioned") ? " PTU" : ""}`;
}
