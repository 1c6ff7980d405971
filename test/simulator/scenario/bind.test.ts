import { describe, expect, it } from "vitest";
import { join } from "node:path";
import { loadStackSetup } from "../../../simulator/stack";
import { scenarioProblems } from "../../../simulator/scenario/bind";
import { validateScenario } from "../../../simulator/scenario/load";

const setup = loadStackSetup("rollout-sides", { configFile: join(__dirname, "..", "fixtures", "Pulumi.rollout-sides.yaml"), today: new Date("2026-06-01") });
const scenario = (extra: Record<string, unknown>) =>
  validateScenario({ name: "s", duration: "1m", load: [{ at: "0s", percentOfCapacity: 50 }], request: { promptTokens: 100, maxTokens: 100 }, ...extra }, "s.yaml");

describe("scenarioProblems: the request's operation must suit the route", () => {
  it("refuses chat requests on an embeddings route (every one would be a 400 the summary does not count)", () => {
    expect(scenarioProblems(scenario({ route: "emb" }), setup, "s.yaml")).toEqual([
      's.yaml: request.operation: "chat" does not suit route "emb", which serves embeddings only, so every request would be answered 400 OperationNotSupported; set request.operation: embeddings, or route: one of bg, ab',
    ]);
  });

  it("refuses embeddings on the default (first) route when that is a chat route, naming the embeddings routes", () => {
    expect(scenarioProblems(scenario({ request: { operation: "embeddings", promptTokens: 100 } }), setup, "s.yaml")).toEqual([
      's.yaml: request.operation: "embeddings" does not suit route "bg" (the first route: the scenario names none), which serves chat only, so every request would be answered 400 OperationNotSupported; set request.operation: chat, or route: one of emb',
    ]);
  });

  it("accepts matching kinds", () => {
    expect(scenarioProblems(scenario({ route: "emb", request: { operation: "embeddings", promptTokens: 100 } }), setup, "s.yaml")).toEqual([]);
    expect(scenarioProblems(scenario({ route: "ab" }), setup, "s.yaml")).toEqual([]);
  });
});
