import { describe, expect, it } from "vitest";
import { NAMES } from "../../gateway-policy/strategies/edge";
import { abBucket, hashBucketOf } from "../../gateway-policy/strategies/hash";
import { routeRequest } from "../../rollout/metrics/simRouter";
import type { GatewayRoute } from "../../stacks/config/gateway";

const input = { canaryDraw: 0.5, shadowDraw: 0.5, backendDraw: 0 };

describe("simulated routing mirrors the generated policy's selection order", () => {
  it("uses the policy's slot header name in the CLI default", async () => {
    expect(NAMES.slotHeader).toBe("x-aoai-slot");
  });

  it("blue-green follows the active slot unless a slot is forced", () => {
    const route: GatewayRoute = { strategy: "priority", backends: [{ deployment: "chat" }], blueGreen: { blue: "chat", green: "chat-next", active: "blue" } };
    expect(routeRequest("r", route, { ...input, callerId: "u" }).deployment).toBe("chat");
    expect(routeRequest("r", route, { ...input, callerId: "u", forceSlot: "green" }).deployment).toBe("chat-next");
  });

  it("A/B assigns by the policy's bucket of experiment:caller, and a canary overrides it", () => {
    const route: GatewayRoute = {
      strategy: "priority",
      backends: [{ deployment: "chat" }],
      abTest: { id: "exp", variants: { a: { deployment: "chat", percent: 50 }, b: { deployment: "chat-v2", percent: 50 } } },
    };
    for (const caller of ["u1", "u2", "u3", "u4", "u5", "u6"]) {
      const expected = abBucket("exp", caller) < 50 ? "a" : "b";
      expect(routeRequest("r", route, { ...input, callerId: caller })).toMatchObject({ variant: expected, experiment: "exp" });
    }
    const withCanary: GatewayRoute = { ...route, canary: { deployment: "chat-next", percent: 100, sticky: false } };
    expect(routeRequest("r", withCanary, { ...input, callerId: "u1" })).toEqual({ deployment: "chat-next" });
  });

  it("sticky canary callers use the policy's route-canary bucket", () => {
    const route: GatewayRoute = { strategy: "priority", backends: [{ deployment: "chat" }], canary: { deployment: "chat-next", percent: 30, sticky: true } };
    for (const caller of ["a", "b", "c", "d", "e", "f", "g", "h"]) {
      const expected = hashBucketOf(`chat-canary:${caller}`) < 30 ? "chat-next" : "chat";
      expect(routeRequest("chat", route, { ...input, callerId: caller }).deployment).toBe(expected);
    }
  });

  it("samples shadow copies by percent", () => {
    const route: GatewayRoute = { strategy: "priority", backends: [{ deployment: "chat" }], shadow: { deployment: "chat-next", percent: 20 } };
    expect(routeRequest("r", route, { ...input, callerId: "u", shadowDraw: 0.19 }).shadowDeployment).toBe("chat-next");
    expect(routeRequest("r", route, { ...input, callerId: "u", shadowDraw: 0.2 }).shadowDeployment).toBeUndefined();
  });
});
