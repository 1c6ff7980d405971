import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { metricSourceFor } from "../../rollout/cli/options";
import { RolloutError } from "../../rollout/errors";
import { loadRolloutScenario } from "../../rollout/metrics/simScenario";
import { tempStack } from "./support";

// Found by exploratory QA: a scenario file whose deployment name was misspelt (`chat-nxt` for the
// canary `chat-next`) ran the canary with the simulator's default behaviour, so `canary run` on a
// scenario meant to show a failing canary held and promoted it instead. A user's file must name the
// stack's deployments; built-ins describe the demo stack and keep running against any stack.
describe("rollout scenario files name the stack's deployments", () => {
  it("a misspelt deployment in a scenario file is exit 2 naming the file, the key and the stack's deployments", async () => {
    const stack = tempStack();
    const scenarioFile = join(stack.dir, "canary-broken.yaml");
    writeFileSync(scenarioFile, "seed: 1\nrequestsPerSecond: 2\ndeployments:\n  chat-nxt: { errorRate: 0.5 }\n");
    expect(loadRolloutScenario(scenarioFile).file).toBe(scenarioFile);
    const source = metricSourceFor({ source: "sim", scenario: scenarioFile, window: "10", dir: stack.dir }, stack.file);
    const error = await source.fetch({ stack: "demo", route: "chat", windowSeconds: 10 }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(RolloutError);
    expect((error as RolloutError).exitCode).toBe(2);
    expect((error as RolloutError).message).toBe(`${scenarioFile}: deployments.chat-nxt: not a deployment of ${stack.file}; its deployments: chat, chat-next, chat-v2`);
  });

  it("a scenario file naming the stack's deployments runs, and so does a built-in on any stack", async () => {
    const stack = tempStack();
    const scenarioFile = join(stack.dir, "canary-broken.yaml");
    writeFileSync(scenarioFile, "seed: 1\nrequestsPerSecond: 2\ndeployments:\n  chat-next: { errorRate: 0.5 }\n");
    const records = await metricSourceFor({ source: "sim", scenario: scenarioFile, window: "10", dir: stack.dir }, stack.file).fetch({ stack: "demo", route: "chat", windowSeconds: 10 });
    expect(records.length).toBeGreaterThan(0);
    // `canary-errors` names chat and chat-next; a built-in is not held to the stack's names.
    expect(loadRolloutScenario("canary-errors").file).toBeUndefined();
  });
});
