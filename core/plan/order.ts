/**
 * Creation order of deployments in one account. Azure accepts one deployment write per account at a
 * time (409 RequestConflict otherwise), so the component chains them with dependsOn in this order:
 * spillover targets first (a provisioned deployment may only name a target that exists), then the
 * rest, each group sorted by name so the chain never reshuffles between runs.
 */
import type { PlannedDeployment } from "./types";

export function orderForCreation(deployments: readonly PlannedDeployment[]): PlannedDeployment[] {
  const targets = new Set(deployments.flatMap((d) => (d.spillover ? [d.spillover] : [])));
  const byName = (a: PlannedDeployment, b: PlannedDeployment) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
  const first = deployments.filter((d) => targets.has(d.name)).sort(byName);
  const rest = deployments.filter((d) => !targets.has(d.name)).sort(byName);
  return [...first, ...rest];
}
