// Warm-up at load time: before a gateway serves its first caller, a throwaway twin of the emulator —
// same policy, its own backend state, cache, counters and randomness, upstreams that answer at once —
// runs sample requests through every route, alternating success and throttling answers. Node compiles
// the emulator's code paths then, so the first real request costs what the thousandth does. Nothing
// the twin does touches the real emulator's state (APIM, too, compiles a policy when it is saved).
import { UpstreamDirectory } from "../azure/account";
import type { Clock } from "../clock";
import type { CallerIdentity, GatewayCall } from "../gateway-types";
import { jsonResponse, openAiError, type SimRequest, type SimResponse, type Upstream } from "../http-types";
import type { SimSetup } from "../stack";
import { BackendRegistry } from "./backends";
import type { EmulatorOptions } from "./emulator";

/** Time that never waits: the twin's retries and timeouts pass instantly. */
class ZeroClock implements Clock {
  private readonly origin = performance.now();
  now(): number {
    return performance.now() - this.origin;
  }
  sleep(): Promise<void> {
    return Promise.resolve();
  }
}

/** Answers every request at once: two successes, then (when throttling) a 429 with Retry-After (retry and breaker paths). */
class CannedUpstream implements Upstream {
  private calls = 0;
  /** @param throttles whether every third answer is a 429 (else every answer succeeds). */
  constructor(private readonly throttles = true) {}
  send(_request: SimRequest): Promise<SimResponse> {
    this.calls++;
    if (this.throttles && this.calls % 3 === 0) return Promise.resolve(openAiError(429, "429", "Warm-up throttle.", { "retry-after": "1", "retry-after-ms": "1000" }));
    return Promise.resolve(jsonResponse(200, { id: "warm-up", object: "chat.completion", choices: [{ index: 0, message: { role: "assistant", content: "ok" }, finish_reason: "stop" }], usage: { prompt_tokens: 10, completion_tokens: 2, total_tokens: 12 } }));
  }
}

/** Two chat requests per route (a short prompt and one of about 2 KB), authenticated the way the setup's callers are. */
export function warmUpCalls(setup: SimSetup): GatewayCall[] {
  const caller: CallerIdentity = { subscriptionId: "warm-up", userId: "warm-up", ip: "127.0.0.1" };
  return Object.keys(setup.routes).flatMap((route) =>
    ["warm-up", "warm-up ".repeat(256)].map((content) => ({
      caller,
      request: {
        method: "POST",
        path: `/openai/deployments/${encodeURIComponent(route)}/chat/completions`,
        query: { "api-version": "2024-10-21" },
        headers: { "content-type": "application/json", ...setup.callerHeaders(caller) },
        body: JSON.stringify({ messages: [{ role: "user", content }], max_tokens: 5 }),
      },
    })),
  );
}

/**
 * The call as a caller the twin has not seen yet: a gateway's first request from a subscription or
 * user takes the paths that create its counters and cache entries, so the warm-up takes them too.
 */
function asNewCaller(call: GatewayCall, round: number): GatewayCall {
  const { caller } = call;
  return { ...call, caller: { ...caller, subscriptionId: `${caller.subscriptionId}-${round}`, userId: `${caller.userId}-${round}` } };
}

/**
 * Builds the twin and runs `calls` through it `rounds` times. The twin's options keep the real
 * options' shape (same keys, same order) and its last rounds read the real clock: V8 compiles the
 * hot paths for the objects the real requests bring, so the first of them does not throw that code
 * away (a deoptimisation on an unseen object shape or clock class costs about a millisecond).
 */
export async function warmUp(options: EmulatorOptions, build: (o: EmulatorOptions) => { handle(call: GatewayCall): Promise<unknown> }, calls: readonly GatewayCall[], rounds = 150): Promise<void> {
  const rng = options.rng.fork("warm-up");
  const twinOf = (clock: Clock, throttles: boolean): { handle(call: GatewayCall): Promise<unknown> } => {
    const upstreams = new UpstreamDirectory();
    for (const origin of options.upstreams.origins()) upstreams.set(origin, new CannedUpstream(throttles));
    // The twin's callers are synthetic: the subscription check (a key set of the real gateway) stays out of it.
    const noKeys = "subscriptionKeys" in options ? { subscriptionKeys: undefined } : {};
    return build({ ...options, ...noKeys, backends: new BackendRegistry(options.backends.entities, rng.fork("pool-choice")), upstreams, clock, rng });
  };
  // Every path (throttled answers, retries, breakers) on a clock that never waits…
  const throttled = twinOf(new ZeroClock(), true);
  for (let i = 0; i < rounds; i++) for (const call of calls) await throttled.handle(asNewCaller(call, i));
  // …then the success path on the gateway's own clock (a success never waits, so nothing sleeps).
  const onRealClock = twinOf(options.clock, false);
  for (let i = 0; i < Math.ceil(rounds / 3); i++) for (const call of calls) await onRealClock.handle(asNewCaller(call, i));
}
