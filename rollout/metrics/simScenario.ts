import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { z } from "zod";
import { RolloutError } from "../errors";

const behaviour = z.strictObject({
  /** Share (0–1) of accepted requests the deployment answers with HTTP 500. */
  errorRate: z.number().min(0).max(1).default(0),
  /** Extra latency on every answer, ms. */
  addLatencyMs: z.number().min(0).default(0),
  /** Capacity units in each region instead of the fleet plan's (TPM and RPM scale with it). */
  capacityUnits: z.number().int().positive().optional(),
  /** Probability (0–1) that each successful request records outcome `<name>` = 1 (else 0). */
  outcomes: z.record(z.string().min(1), z.number().min(0).max(1)).default({}),
});

export const rolloutSimScenarioSchema = z.strictObject({
  /** Seed of every random draw: one seed, one run. */
  seed: z.number().int().default(42),
  /** Client requests per second on the route (Poisson arrivals). */
  requestsPerSecond: z.number().positive().default(5),
  /** Distinct callers (user ids) — A/B assignment and sticky canaries are per caller. */
  callers: z.number().int().positive().default(1000),
  /** Prompt size in characters (~4 characters per token). */
  promptChars: z.number().int().positive().default(400),
  /** max_tokens sent with each request (the simulated model writes up to 200 tokens). */
  maxTokens: z.number().int().positive().default(100),
  /** Behaviour per fleet deployment name; unnamed deployments behave as the simulator's defaults. */
  deployments: z.record(z.string().min(1), behaviour).default({}),
});

export type RolloutSimScenario = z.output<typeof rolloutSimScenarioSchema>;
export type SimDeploymentBehaviour = z.output<typeof behaviour>;

/** Folder of the scenarios shipped with rollout (`--scenario healthy` means `healthy.yaml` there). */
export const BUILTIN_SCENARIOS = join(__dirname, "..", "scenarios");

/**
 * `--scenario <name|file>`: a built-in name or a YAML/JSON file path. `file` is set for a user's
 * file only: built-ins describe the demo stack's deployments (`chat`, `chat-next`, `chat-v2`) and
 * are run against any stack, so only a user's file is held to the stack's deployment names.
 */
export function loadRolloutScenario(nameOrFile: string): { name: string; scenario: RolloutSimScenario; file?: string } {
  const builtin = join(BUILTIN_SCENARIOS, `${nameOrFile}.yaml`);
  const file = existsSync(builtin) ? builtin : nameOrFile;
  if (!existsSync(file)) {
    throw new RolloutError(`--scenario ${nameOrFile}: no such built-in scenario or file; built-ins live in rollout/scenarios/`, 2);
  }
  const result = rolloutSimScenarioSchema.safeParse(parse(readFileSync(file, "utf8")) ?? {});
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new RolloutError(`${file}: ${issue?.path.join(".") ?? ""}: ${issue?.message ?? "invalid scenario"}`, 2);
  }
  return { name: nameOrFile, scenario: result.data, ...(file === builtin ? {} : { file }) };
}

/**
 * Deployments a user's scenario file names that the stack does not have. The simulator gives an
 * unnamed deployment its default behaviour, so a misspelt `chat-nxt: { errorRate: 0.2 }` would run a
 * healthy canary and promote it: an error (exit 2) naming the file, the key and the stack's names.
 */
export function checkScenarioDeployments(scenario: RolloutSimScenario, file: string, stackFile: string, deployments: readonly string[]): void {
  const unknown = Object.keys(scenario.deployments).filter((name) => !deployments.includes(name));
  if (unknown.length === 0) return;
  const known = [...new Set(deployments)].sort().join(", ");
  const lines = unknown.map((name) => `${file}: deployments.${name}: not a deployment of ${stackFile}; its deployments: ${known}`);
  throw new RolloutError(lines.join("\n"), 2);
}
