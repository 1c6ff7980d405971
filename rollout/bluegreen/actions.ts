import type { GatewayRoute } from "../../stacks/config/gateway";
import { loadRoute, recordEvent, transact, type ActionResult, type RolloutContext, type StepDecision } from "../engine";
import { RolloutError } from "../errors";
import { judgeSmoke, type SmokeCriteria, type SmokeTarget, type SmokeVerdict } from "./smoke";

type Slot = "blue" | "green";
type BlueGreen = NonNullable<GatewayRoute["blueGreen"]>;

export const otherSlot = (slot: Slot): Slot => (slot === "blue" ? "green" : "blue");
const slotPath = (route: string, key: string): string[] => ["routes", route, "blueGreen", key];

function requireBlueGreen(route: string, config: GatewayRoute): BlueGreen {
  if (!config.blueGreen) {
    throw new RolloutError(`aoai-fleet:gateway.routes.${route}.blueGreen is not set; add { blue: <deployment>, green: <deployment>, active: blue } to the stack file`, 2);
  }
  return config.blueGreen;
}

/** `bluegreen deploy`: the inactive slot serves `deployment`. The active slot is never touched. */
export async function blueGreenDeploy(ctx: RolloutContext, route: string, deployment: string): Promise<ActionResult> {
  return transact(ctx, route, "bluegreen deploy", ({ route: config }): StepDecision => {
    const bg = requireBlueGreen(route, config);
    const inactive = otherSlot(bg.active);
    if (bg[bg.active] === deployment) {
      throw new RolloutError(`${deployment} already serves the active ${bg.active} slot of route ${route}; deploy a different deployment to the ${inactive} slot`, 2);
    }
    if (bg[inactive] === deployment) return { kind: "nothing-to-do", message: `${deployment} already serves the inactive ${inactive} slot; next: bluegreen smoke` };
    return {
      kind: "change",
      edits: [{ path: slotPath(route, inactive), value: deployment }],
      updateState: (s) => {
        // The inactive slot now serves something new: no smoke covers it, and rolling back to it
        // would no longer mean "what served before the last switch".
        s.blueGreen = {};
      },
      message: `${inactive} slot of route ${route} now serves ${deployment} (inactive; ${bg.active} stays live); next: bluegreen smoke`,
    };
  });
}

/** `bluegreen smoke`: requests forced to the inactive slot; the verdict is remembered for `switch`. */
export async function blueGreenSmoke(ctx: RolloutContext, route: string, target: SmokeTarget, criteria: SmokeCriteria): Promise<SmokeVerdict & { slot: Slot; deployment: string }> {
  const bg = requireBlueGreen(route, loadRoute(ctx, route).route);
  const slot = otherSlot(bg.active);
  const deployment = bg[slot];
  const verdict = judgeSmoke(await target.send(route, slot, criteria.requests), criteria);
  await recordEvent(ctx, route, "bluegreen smoke", `${verdict.passed ? "passed" : "FAILED"} on ${slot} (${deployment}) via ${target.description}: ${verdict.reason}`, (s) => {
    s.blueGreen = {
      ...s.blueGreen,
      lastSmoke: {
        slot,
        deployment,
        passed: verdict.passed,
        at: ctx.now().toISOString(),
        requests: verdict.summary.requests,
        successRate: verdict.successRate,
        latencyP95Ms: verdict.summary.latencyP95Ms ?? null,
        reason: verdict.reason,
      },
    };
  });
  return { ...verdict, slot, deployment };
}

/** `bluegreen switch`: flips the active slot, only after a passing smoke of exactly that slot and deployment. */
export async function blueGreenSwitch(ctx: RolloutContext, route: string): Promise<ActionResult> {
  return transact(ctx, route, "bluegreen switch", ({ route: config, state }): StepDecision => {
    const bg = requireBlueGreen(route, config);
    const target = otherSlot(bg.active);
    const smoke = state.blueGreen?.lastSmoke;
    const previous = state.blueGreen?.previousActive;
    if (!smoke && previous !== undefined && previous !== bg.active) {
      // A re-run after a successful switch: the switch is in place (a switch back is `rollback`).
      return { kind: "nothing-to-do", message: `route ${route} is already switched to ${bg.active} (${bg[bg.active]}); to switch back run bluegreen rollback` };
    }
    if (!smoke || smoke.slot !== target || smoke.deployment !== bg[target]) {
      throw new RolloutError(`switch blocked: no smoke test of the ${target} slot (${bg[target]}) on record; run bluegreen smoke first`, 1);
    }
    if (!smoke.passed) {
      throw new RolloutError(`switch blocked: the last smoke test of the ${target} slot (${bg[target]}) failed — ${smoke.reason}`, 1);
    }
    return {
      kind: "change",
      edits: [{ path: slotPath(route, "active"), value: target }],
      updateState: (s) => {
        // The smoke result was for the slot that is now live; the next switch needs a new one.
        s.blueGreen = { previousActive: bg.active };
      },
      message: `route ${route} switched: ${bg.active} (${bg[bg.active]}) → ${target} (${bg[target]})`,
    };
  });
}

/** `bluegreen rollback`: flips back to the slot that was active before the last switch. */
export async function blueGreenRollback(ctx: RolloutContext, route: string): Promise<ActionResult> {
  return transact(ctx, route, "bluegreen rollback", ({ route: config, state }): StepDecision => {
    const bg = requireBlueGreen(route, config);
    const previous = state.blueGreen?.previousActive;
    if (!previous) throw new RolloutError(`no switch of route ${route} is on record; nothing to roll back`, 2);
    if (bg.active === previous) return { kind: "nothing-to-do", message: `route ${route} is already on the ${previous} slot (${bg[previous]})` };
    return {
      kind: "change",
      edits: [{ path: slotPath(route, "active"), value: previous }],
      message: `route ${route} rolled back: ${bg.active} (${bg[bg.active]}) → ${previous} (${bg[previous]})`,
    };
  });
}
