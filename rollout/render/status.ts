import { consoleTable } from "../../core/console/table";
import type { GatewayRoute } from "../../stacks/config/gateway";
import type { RouteState } from "../state";

/** `rollout status`: what the stack file says the route does, and what rollout remembers. */
export function renderStatus(stack: string, routeName: string, route: GatewayRoute, state: RouteState, historyLimit = 10): string {
  const config = consoleTable(["pattern", "config (aoai-fleet:gateway.routes." + routeName + ")", "rollout state"], { lines: "rows" });
  config.push(["backends", route.backends.map((b) => `${b.deployment}${b.priority !== undefined ? ` p${b.priority}` : ""}`).join(", "), ""]);
  if (route.canary) {
    const c = state.canary;
    config.push(["canary", `${route.canary.deployment} at ${route.canary.percent}%${route.canary.sticky ? " (sticky)" : ""}`, c ? `${c.status}, schedule ${c.schedule.join(" → ")}` : "not tracked"]);
  }
  if (route.blueGreen) {
    const bg = route.blueGreen;
    const smoke = state.blueGreen?.lastSmoke;
    config.push([
      "blue-green",
      `blue ${bg.blue}, green ${bg.green}; active ${bg.active}`,
      smoke ? `last smoke ${smoke.passed ? "passed" : "FAILED"} on ${smoke.slot} (${smoke.deployment})` : "no smoke on record",
    ]);
  }
  if (route.abTest) {
    config.push(["A/B", `${route.abTest.id}: ${Object.entries(route.abTest.variants).map(([k, v]) => `${k}=${v.deployment} ${v.percent}%`).join(", ")}`, ""]);
  }
  if (route.shadow) config.push(["shadow", `${route.shadow.percent}% copied to ${route.shadow.deployment}`, ""]);
  const history = consoleTable(["at", "action", "changes", "applied", "note"], { lines: "rows" });
  for (const h of state.history.slice(-historyLimit)) {
    history.push([h.at, h.action, h.changes.map((c) => `${c.path.split(".").slice(-2).join(".")}: ${JSON.stringify(c.from) ?? "(absent)"} → ${JSON.stringify(c.to) ?? "(absent)"}`).join("\n"), h.applied, h.note ?? ""]);
  }
  const shown = state.history.length > historyLimit ? ` (last ${historyLimit} of ${state.history.length})` : "";
  return `stack ${stack}, route ${routeName}\n${config.toString()}\nhistory${shown}\n${state.history.length > 0 ? history.toString() : "(none)"}`;
}
