import { afterEach, describe, expect, it } from "vitest";
import { blueGreenSmoke, blueGreenSwitch } from "../../rollout/bluegreen/actions";
import { HttpSmokeTarget } from "../../rollout/bluegreen/targets";
import { startGateway, type RunningGateway } from "../../simulator/http/server";
import { loadStackSetup } from "../../simulator/stack";
import { tempStack } from "./support";

// The project's local emulator gateway (a real HTTP server running the stack's generated policy on
// simulated deployments), with fast simulated latency so the test does not wait on model time.
let gateway: RunningGateway | undefined;
afterEach(async () => {
  await gateway?.close();
  gateway = undefined;
});

async function start(stackFile: string, headers: Record<string, string> = { "api-key": "smoke-tests" }): Promise<HttpSmokeTarget> {
  // The demo stack lets subscription sub-smoke-tests steer; the local gateway maps api-key K to sub-K
  // and accepts only the keys it is given, as APIM accepts only active subscriptions' keys.
  gateway = await startGateway(loadStackSetup("demo", { configFile: stackFile }), { seed: 3, latency: { baseMs: 5, perOutputTokenMs: 0, sigma: 0, rejectMs: 1 }, subscriptionKeys: ["smoke-tests"] });
  return new HttpSmokeTarget({ baseUrl: gateway.url, slotHeader: "x-aoai-slot", headers, apiVersion: "2024-10-21", timeoutMs: 10_000 });
}

describe("bluegreen smoke through the local emulator gateway (HTTP)", () => {
  it("passes on a healthy green slot, then the switch goes through", async () => {
    const stack = tempStack();
    const target = await start(stack.file);
    const verdict = await blueGreenSmoke(stack.ctx, "chat-bg", target, { requests: 10, minSuccessRate: 0.98, maxP95Ms: 10_000 });
    expect(verdict).toMatchObject({ passed: true, slot: "green", deployment: "chat-next", successRate: 1 });
    expect((await blueGreenSwitch(stack.ctx, "chat-bg")).changes).toEqual([{ path: "aoai-fleet:gateway.routes.chat-bg.blueGreen.active", from: "blue", to: "green" }]);
  });

  it("fails when the green slot's deployment is down in every region, and blocks the switch", async () => {
    const stack = tempStack();
    const target = await start(stack.file);
    for (const region of ["eastus2", "swedencentral"]) gateway!.takeDown("chat-next", region, "unavailable");
    const verdict = await blueGreenSmoke(stack.ctx, "chat-bg", target, { requests: 10, minSuccessRate: 0.98, maxP95Ms: 10_000 });
    expect(verdict).toMatchObject({ passed: false, slot: "green", successRate: 0 });
    await expect(blueGreenSwitch(stack.ctx, "chat-bg")).rejects.toThrow(/^switch blocked: the last smoke test of the green slot \(chat-next\) failed/);
    // The blue slot was never touched by the smoke requests: the header forced green.
    expect(stack.read()).toContain("blueGreen: { blue: chat, green: chat-next, active: blue }");
  });

  it("does not pass when the gateway refuses the smoke requests (no subscription key), and says why", async () => {
    const stack = tempStack();
    const target = await start(stack.file, {});
    const verdict = await blueGreenSmoke(stack.ctx, "chat-bg", target, { requests: 5, minSuccessRate: 0.98, maxP95Ms: 10_000 });
    expect(verdict.passed).toBe(false);
    expect(verdict.reason).toBe("the slot was not tested: 5 of 5 smoke requests were refused with 401; pass the gateway's credentials (e.g. --api-key-env with its subscription key)");
    await expect(blueGreenSwitch(stack.ctx, "chat-bg")).rejects.toThrow(/^switch blocked: the last smoke test of the green slot \(chat-next\) failed/);
  });
});
