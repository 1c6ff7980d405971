// Parses scenario YAML and turns a scenario into concrete inputs: fault windows and a rate curve.
import { readFileSync } from "node:fs";
import { parse as parseYaml } from "yaml";
import type { z } from "zod";
import { fractionMessage, valueAt } from "../../stacks/config/errors";
import { isFractionIssue } from "../../stacks/config/whole-number";
import type { FaultWindow } from "../azure/faults";
import { scenarioSchema, type Scenario } from "./schema";

export class ScenarioError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ScenarioError";
  }
}

/** Validates a parsed scenario; the error lists every problem as `<file>: <path>: <message>`. */
export function validateScenario(data: unknown, source: string): Scenario {
  const result = scenarioSchema.safeParse(data);
  if (result.success) return result.data;
  const lines = result.error.issues.map((i) => `${source}: ${i.path.length ? i.path.join(".") : "(root)"}: ${issueMessage(i, data)}`);
  throw new ScenarioError(`Invalid scenario:\n  ${lines.join("\n  ")}`);
}

/** zod's message, except that a fraction where a whole number belongs names the whole numbers allowed. */
function issueMessage(issue: z.core.$ZodIssue, data: unknown): string {
  const value = valueAt(data, issue.path);
  return isFractionIssue(issue, value) ? fractionMessage(value, scenarioSchema, issue.path) : issue.message;
}

export function loadScenarioFile(file: string): Scenario {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    throw new ScenarioError(`Scenario file ${file} cannot be read; pass a path to a YAML scenario (see scenarios/).`);
  }
  let data: unknown;
  try {
    data = parseYaml(text);
  } catch (e) {
    throw new ScenarioError(`Scenario file ${file} is not valid YAML: ${(e as Error).message}`);
  }
  return validateScenario(data, file);
}

export function faultWindows(s: Scenario): FaultWindow[] {
  return s.faults.map((f) => {
    const window: FaultWindow = { fromMs: f.at, toMs: f.at + f.for, fault: toFault(f) };
    if (f.region !== undefined) window.region = f.region;
    if (f.deployment !== undefined) window.deployment = f.deployment;
    return window;
  });
}

function toFault(f: Scenario["faults"][number]): FaultWindow["fault"] {
  switch (f.kind) {
    case "outage":
      return { kind: "outage" };
    case "errors":
      return { kind: "errors", rate: f.rate, status: f.status };
    case "throttle":
      return { kind: "throttle", retryAfterSeconds: f.retryAfterSeconds };
    case "latency":
      return { kind: "latency", addMs: f.addMs };
    case "capacity":
      return { kind: "capacity", factor: f.factor };
  }
}

/**
 * Requests per second at time t: linear interpolation between load points, flat before the first
 * and after the last. `capacityRps` converts percentOfCapacity into requests per second.
 */
export function rateAt(s: Scenario, t: number, capacityRps: number): number {
  const pts = [...s.load].sort((a, b) => a.at - b.at).map((p) => ({ at: p.at, rps: p.requestsPerSecond ?? ((p.percentOfCapacity ?? 0) / 100) * capacityRps }));
  if (t <= pts[0]!.at) return pts[0]!.rps;
  for (let i = 1; i < pts.length; i++) {
    const a = pts[i - 1]!;
    const b = pts[i]!;
    if (t <= b.at) return b.at === a.at ? b.rps : a.rps + ((b.rps - a.rps) * (t - a.at)) / (b.at - a.at);
  }
  return pts[pts.length - 1]!.rps;
}
