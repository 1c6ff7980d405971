import { describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { VirtualClock } from "../../simulator/clock";
import { parseDuration, parseIsoDuration } from "../../simulator/scenario/duration";
import { faultWindows, rateAt, ScenarioError, validateScenario } from "../../simulator/scenario/load";
import { runScenario } from "../../simulator/run/runner";
import { summarize } from "../../simulator/run/metrics";
import { Rng } from "../../simulator/rng";
import { buildWorld } from "../../simulator/world";
import { SizeModel } from "../../simulator/scenario/sizes";
import { PolicyEmulator } from "../../simulator/emulator/emulator";
import { expr, policyDocument, renderPolicy } from "../../gateway-policy/index";
import { BACKENDS, BREAKER, POOL } from "./support";

/** The lines of the ScenarioError `validateScenario(raw, "bad.yaml")` throws (fails when it throws none or another error). */
function scenarioErrorLines(raw: unknown): string[] {
  try {
    validateScenario(raw, "bad.yaml");
  } catch (e) {
    expect(e).toBeInstanceOf(ScenarioError);
    return (e as Error).message.split("\n");
  }
  throw new Error("expected a ScenarioError, got none");
}

describe("scenario files", () => {
  it("every file under scenarios/ validates", () => {
    const dir = join(__dirname, "..", "..", "scenarios");
    for (const f of readdirSync(dir).filter((x) => x.endsWith(".yaml"))) {
      const s = validateScenario(parseYaml(readFileSync(join(dir, f), "utf8")), f);
      expect(`${s.name}.yaml`).toBe(f);
    }
  });

  it("parses durations", () => {
    expect([parseDuration("90s"), parseDuration("10m"), parseDuration("1m30s"), parseDuration("250ms"), parseDuration(12), parseDuration("ten")]).toEqual([90_000, 600_000, 90_000, 250, 12_000, undefined]);
    expect([parseIsoDuration("PT1M"), parseIsoDuration("PT30S"), parseIsoDuration("P1D"), parseIsoDuration("PT"), parseIsoDuration("1M")]).toEqual([60_000, 30_000, 86_400_000, undefined, undefined]);
  });

  it("reports every problem with its path in the file", () => {
    const bad = { name: "Bad Name", duration: "ten minutes", load: [{ at: 0, percentOfCapacity: 90, requestsPerSecond: 3 }], faults: [{ at: "1m", for: "1m", kind: "throttle" }], extra: 1 };
    expect(() => validateScenario(bad, "bad.yaml")).toThrow(ScenarioError);
    expect(scenarioErrorLines(bad)).toEqual([
      "Invalid scenario:",
      "  bad.yaml: name: lower-case letters, digits and dashes",
      '  bad.yaml: duration: "ten minutes" is not a duration; write e.g. 90s, 10m, 1m30s, 250ms or a number of seconds',
      "  bad.yaml: load.0: give exactly one of percentOfCapacity or requestsPerSecond",
      "  bad.yaml: faults.0.retryAfterSeconds: Invalid input: expected number, received undefined",
      '  bad.yaml: (root): Unrecognized key: "extra"',
    ]);
  });

  it("names the path of a bad size distribution, a negative price and an unknown strategy option", () => {
    const bad = {
      name: "bad",
      duration: "1m",
      load: [{ at: 0, percentOfCapacity: 50 }],
      request: { size: { distribution: "pareto", promptTokens: 10 } },
      cost: { prices: [{ model: "gpt-4o", sku: "GlobalStandard", inputPer1K: -0.01 }, { model: "*", sku: "ProvisionedManaged", perPtuHour: 2, inputPer1K: 0.1 }] },
      strategy: { waitBudget: "5s", spill: { holdSeconds: 0 }, avoidSlow: { fast: true } },
      client: { retries: "openai-java" },
    };
    expect(scenarioErrorLines(bad)).toEqual([
      "Invalid scenario:",
      "  bad.yaml: request.size.distribution: Invalid discriminator value. Expected 'fixed' | 'mix' | 'lognormal'",
      '  bad.yaml: client.retries: Invalid option: expected one of "none"|"openai-node"|"openai-node-6.26"|"openai-python"|"openai-python-1"',
      "  bad.yaml: cost.prices.0.inputPer1K: prices cannot be negative",
      "  bad.yaml: cost.prices.1.inputPer1K: ProvisionedManaged is billed per PTU; inputPer1K does not apply",
      "  bad.yaml: strategy.avoidSlow: Unrecognized key: \"fast\"",
      "  bad.yaml: strategy.spill.holdSeconds: Too small: expected number to be >=1",
      '  bad.yaml: strategy: Unrecognized key: "waitBudget"',
    ]);
  });

  it("names the whole numbers allowed where a fraction was given", () => {
    const bad = { name: "frac", duration: "1m", load: [{ at: 0, percentOfCapacity: 50 }], client: { maxRetries: 2.5 }, request: { promptTokens: 100.5 } };
    expect(scenarioErrorLines(bad)).toEqual([
      "Invalid scenario:",
      "  bad.yaml: request.promptTokens: 100.5 is not a whole number; allowed: whole numbers ≥ 1",
      "  bad.yaml: client.maxRetries: 2.5 is not a whole number; allowed: whole numbers 0–10",
    ]);
  });

  it("expands the fixed-size shorthand and refuses it next to request.size", () => {
    const base = { name: "s", duration: "1m", load: [{ at: 0, percentOfCapacity: 50 }] };
    expect(validateScenario({ ...base, request: { promptTokens: 100, maxTokens: 200, completionTokens: 50 } }, "s.yaml").request.size).toEqual({ distribution: "fixed", promptTokens: 100, maxTokens: 200, completionTokens: 50 });
    expect(validateScenario(base, "s.yaml").request.size).toEqual({ distribution: "fixed", promptTokens: 500, maxTokens: 500, completionTokens: 300 });
    // Found by QA: `request: { promptTokens: 10, maxTokens: 10 }` was refused for a completionTokens
    // the file never set (the default 300). A small maxTokens now caps the default completion.
    expect(validateScenario({ ...base, request: { promptTokens: 10, maxTokens: 10 } }, "s.yaml").request.size).toEqual({ distribution: "fixed", promptTokens: 10, maxTokens: 10, completionTokens: 10 });
    expect(scenarioErrorLines({ ...base, request: { maxTokens: 100, completionTokens: 400 } })).toEqual(["Invalid scenario:", "  bad.yaml: request.completionTokens: completionTokens (400) must be ≤ maxTokens (100)"]);
    expect(scenarioErrorLines({ ...base, request: { completionTokens: 600 } })).toEqual(["Invalid scenario:", "  bad.yaml: request.completionTokens: completionTokens (600) must be ≤ maxTokens (500, the default)"]);
    expect(() => validateScenario({ ...base, request: { maxTokens: 200, size: { distribution: "fixed", promptTokens: 1, maxTokens: 1, completionTokens: 1 } } }, "s.yaml")).toThrow(
      "s.yaml: request.maxTokens: give either request.size or the fixed-size shorthand (promptTokens, maxTokens, completionTokens), not both",
    );
  });

  it("interpolates the load curve and turns faults into windows", () => {
    const s = validateScenario(
      { name: "ramp", duration: "10m", load: [{ at: "0s", percentOfCapacity: 50 }, { at: "5m", percentOfCapacity: 100 }], faults: [{ at: "1m", for: "30s", region: "eastus2", kind: "outage" }] },
      "ramp.yaml",
    );
    expect([rateAt(s, 0, 10), rateAt(s, 150_000, 10), rateAt(s, 300_000, 10), rateAt(s, 599_000, 10)]).toEqual([5, 7.5, 10, 10]);
    expect(faultWindows(s)).toEqual([{ fromMs: 60_000, toMs: 90_000, region: "eastus2", fault: { kind: "outage" } }]);
  });
});

describe("discrete-event run", () => {
  it("answers every request exactly once under faults, and the same seed gives the same run", async () => {
    const scenario = validateScenario(
      {
        name: "faulty",
        seed: 9,
        duration: "3m",
        load: [{ at: 0, requestsPerSecond: 20 }],
        request: { promptTokens: 100, maxTokens: 100, completionTokens: 50 },
        faults: [
          { at: "30s", for: "1m", region: "eastus2", kind: "outage" },
          { at: "0s", for: "3m", region: "swedencentral", kind: "errors", rate: 0.3, status: 500 },
          { at: "1m", for: "1m", deployment: "chat-ptu", kind: "throttle", retryAfterSeconds: 60 },
        ],
      },
      "faulty.yaml",
    );
    const once = async () => {
      const clock = new VirtualClock();
      const rng = new Rng(scenario.seed);
      const world = buildWorld({ backends: BACKENDS, pools: [POOL], breaker: BREAKER, clock, rng: rng.fork("world"), faults: faultWindows(scenario), completionTokens: 50 });
      const doc = policyDocument({
        inbound: [{ kind: "set-backend-service", backendId: "chat-stable" }, { kind: "rewrite-uri", template: expr.pathAfterDeployment() }],
        backend: [{ kind: "retry", condition: expr.retryableFailure(), count: 2, interval: 0, firstFastRetry: true, policies: [{ kind: "set-backend-service", backendId: "chat-stable" }, { kind: "forward-request", bufferRequestBody: true }] }],
      });
      const emulator = new PolicyEmulator({ policyXml: renderPolicy(doc), backends: world.registry, upstreams: world.directory, namedValues: new Map(), clock, rng: rng.fork("gw"), apiPath: "openai", region: "eastus2" });
      const run = await runScenario({ scenario, route: "chat", clock, rng: rng.fork("load"), handler: (c) => emulator.handle(c), deployments: world.deployments, backends: BACKENDS, capacityTpm: 50_000, sizes: new SizeModel(scenario.request.size) });
      return summarize(run);
    };
    const a = await once();
    const b = await once();
    expect(a.requests).toBeGreaterThan(3000);
    expect(a.unanswered).toBe(0);
    expect(a.duplicated).toBe(0);
    expect(a.client5xxRate).toBeGreaterThan(0);
    expect({ ...a, wallMs: 0 }).toEqual({ ...b, wallMs: 0 });
  });
});
