// The simulated 429 body named "AIServices S0" whatever the fleet's accounts were. Azure's older
// message names the account's pricing tier: "OpenAI S0" on OpenAI-kind accounts, "AIServices S0" on
// AIServices-kind ones (reference sheet azure-openai-models.md §7.3). The simulator now takes the
// kind from `aoai-fleet:fleet.kind` (default OpenAI) through the plan into each simulated deployment.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { VirtualClock } from "../../simulator/clock";
import type { SimResponse } from "../../simulator/http-types";
import { Rng } from "../../simulator/rng";
import { loadStackSetup, type SimSetup } from "../../simulator/stack";
import { buildWorld } from "../../simulator/world";
import { chatRequest, textOf } from "./support";

const TODAY = new Date("2026-11-23");
const FIXTURE = join(__dirname, "fixtures", "Pulumi.spillover.yaml");

/** The spillover fixture (no `kind`), or the same fleet with `kind: <kind>` set. */
function setupOfKind(kind?: "OpenAI" | "AIServices"): SimSetup {
  if (kind === undefined) return loadStackSetup("spillover", { configFile: FIXTURE, today: TODAY });
  const text = readFileSync(FIXTURE, "utf8").replace("    name: spill\n", `    name: spill\n    kind: ${kind}\n`);
  const file = join(mkdtempSync(join(tmpdir(), "aoai-kind-")), "Pulumi.kind.yaml");
  writeFileSync(file, text);
  return loadStackSetup("kind", { configFile: file, today: TODAY });
}

/** One chat call to chat-std while a throttle fault holds it: the deployment's own 429. */
async function throttledAnswer(setup: SimSetup): Promise<SimResponse> {
  const clock = new VirtualClock();
  const world = buildWorld({
    backends: setup.backends,
    pools: setup.pools,
    clock,
    rng: new Rng(1),
    faults: [{ fromMs: 0, toMs: 10_000, deployment: "chat-std", fault: { kind: "throttle", retryAfterSeconds: 7 } }],
    latency: { baseMs: 10, perOutputTokenMs: 0, sigma: 0, rejectMs: 1 },
  });
  let answer: Promise<SimResponse> | undefined;
  clock.schedule(0, () => {
    answer = world.accounts[0]!.send(chatRequest("chat-std"), 60_000);
  });
  await clock.run();
  return answer!;
}

const message = (tier: string) =>
  `Requests to the ChatCompletions_Create Operation under Azure OpenAI API version 2024-10-21 have exceeded token rate limit of your current ${tier} S0 pricing tier. Please retry after 7 seconds.`;

describe("429 body: the account kind's pricing tier", () => {
  it("a fleet without kind (default OpenAI) answers 'OpenAI S0', and every backend carries the kind", async () => {
    const setup = setupOfKind();
    expect(setup.backends.map((b) => b.accountKind)).toEqual(["OpenAI", "OpenAI", "OpenAI", "OpenAI"]);
    const r = await throttledAnswer(setup);
    expect(r.status).toBe(429);
    expect(JSON.parse(textOf(r))).toEqual({ error: { code: "429", message: message("OpenAI") } });
  });

  it("kind: AIServices answers 'AIServices S0'", async () => {
    const setup = setupOfKind("AIServices");
    expect(setup.backends.map((b) => b.accountKind)).toEqual(["AIServices", "AIServices", "AIServices", "AIServices"]);
    const r = await throttledAnswer(setup);
    expect(r.status).toBe(429);
    expect(JSON.parse(textOf(r))).toEqual({ error: { code: "429", message: message("AIServices") } });
  });

  it("kind: OpenAI set explicitly answers 'OpenAI S0'", async () => {
    const r = await throttledAnswer(setupOfKind("OpenAI"));
    expect(JSON.parse(textOf(r)).error.message).toBe(message("OpenAI"));
  });
});
