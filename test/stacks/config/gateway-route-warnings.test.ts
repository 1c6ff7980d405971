import { describe, expect, it } from "vitest";
import { parseGatewayConfig } from "../../../stacks/config/gateway";
import { abBypassedBackendWarnings } from "../../../stacks/config/gateway-route-warnings";

const gateway = (chat: Record<string, unknown>) =>
  parseGatewayConfig({
    sku: "StandardV2",
    capacity: 1,
    publisher: { name: "QA", email: "qa@example.com" },
    auth: { subscriptionKeys: true },
    circuitBreaker: { failures: 1, interval: "PT1M", trip: "PT1M" },
    routes: { chat },
  });

const ptuWithSpillover = { strategy: "priority", backends: [{ deployment: "chat-ptu", priority: 1 }, { deployment: "chat-paygo", priority: 2 }] };

describe("abBypassedBackendWarnings", () => {
  it("warns for each backend no A/B variant serves, with its path and the variants", () => {
    const config = gateway({ ...ptuWithSpillover, abTest: { id: "swap", variants: { control: { deployment: "chat-ptu", percent: 70 }, treatment: { deployment: "chat-b", percent: 30 } } } });
    expect(abBypassedBackendWarnings(config)).toEqual([
      {
        path: "aoai-fleet:gateway.routes.chat.backends.1.deployment",
        message:
          'deployment "chat-paygo" serves no request while the route\'s abTest runs: every request goes to a variant pool (control: chat-ptu, treatment: chat-b), which holds only its variant\'s deployment, so this backend is not a failover tier either; make it a variant, or remove it for the test',
      },
    ]);
  });

  it("is silent when every backend is a variant, and without an A/B test", () => {
    expect(abBypassedBackendWarnings(gateway({ backends: [{ deployment: "chat" }], abTest: { id: "x", variants: { a: { deployment: "chat", percent: 50 }, b: { deployment: "chat-v2", percent: 50 } } } }))).toEqual([]);
    expect(abBypassedBackendWarnings(gateway({ ...ptuWithSpillover, blueGreen: { blue: "chat-ptu", green: "chat-next" } }))).toEqual([]);
  });
});
