// The forcing function for model retirements. A shipped stack pins versions with NoAutoUpgrade, and
// its guardrails make a version mandatory-fail 90 days (prod) before it retires, so one day every
// preview, deploy and drift run would start failing with no code change. This test fails 60 days
// before that day instead: it plans every shipped stack as of "today" + 60 days with its own pack
// config. "Today" is AOAI_FLEET_TODAY when set (.ci/run and the workflows pin it to the run's UTC
// date) and the real date otherwise, so the suite turns red while there is still time to move the
// pins (npm run catalog -- list shows live versions and their retirement dates).
import * as fs from "node:fs";
import { describe, expect, it } from "vitest";
import { runOfflinePlan } from "../../cli/plan/runner";
import { REPO_ROOT } from "../../cli/plan/stack-config";
import { evaluateOffline, loadPackConfig, packConfigFile } from "../../policies/offline";
import { isFleetConfigError } from "../../stacks/config/errors";
import { todayFromEnvironment } from "../../stacks/program";

/** Days of warning the suite gives before a shipped stack's own guardrails would fail. */
const HORIZON_DAYS = 60;
const DAY_MS = 86_400_000;

const shippedStacks = fs
  .readdirSync(REPO_ROOT)
  .flatMap((file) => /^Pulumi\.(.+)\.yaml$/.exec(file)?.[1] ?? [])
  .sort();

/** What a stack's plan + guardrails say on `date`: mandatory violations or config errors, as lines. */
async function blockingProblemsOn(stack: string, date: Date, configOverride?: Record<string, unknown>): Promise<string[]> {
  let plan;
  try {
    plan = await runOfflinePlan(stack, { today: date, ...(configOverride ? { configOverride } : {}) });
  } catch (error) {
    if (isFleetConfigError(error)) return error.issues.map((issue) => `${issue.path}: ${issue.message}`);
    throw error;
  }
  const report = evaluateOffline({
    plan: { stack, resources: plan.resources },
    fleet: plan.config["aoai-fleet:fleet"],
    rules: loadPackConfig(packConfigFile(REPO_ROOT, stack)).rules,
    now: plan.today,
  });
  return report.violations.filter((v) => v.enforcementLevel === "mandatory").map((v) => `${v.ruleId} on ${v.resourceName}: ${v.message}`);
}

const isoDay = (date: Date) => date.toISOString().slice(0, 10);

describe(`shipped stacks keep passing their own guardrails for ${HORIZON_DAYS} days`, () => {
  const today = todayFromEnvironment();
  const horizon = new Date(today.getTime() + HORIZON_DAYS * DAY_MS);

  it("ships at least dev and prod", () => {
    expect(shippedStacks).toEqual(expect.arrayContaining(["dev", "prod"]));
  });

  it.each(shippedStacks)(`Pulumi.%s.yaml plans with no mandatory violation ${HORIZON_DAYS} days from today`, async (stack) => {
    const problems = await blockingProblemsOn(stack, horizon);
    expect(
      problems,
      `Pulumi.${stack}.yaml would fail its guardrails on ${isoDay(horizon)} (${HORIZON_DAYS} days after ${isoDay(today)}); pin versions that retire later (npm run catalog -- list) and re-run the plan with --today ${isoDay(horizon)}`,
    ).toEqual([]);
  });

  it("can fail: prod pinned to gpt-4.1 2025-04-14 (retiring 2027-04-14) is blocked 60 days after 2026-12-07", async () => {
    const prod = (await runOfflinePlan("prod", { today: new Date("2026-11-23T00:00:00Z") })).config["aoai-fleet:fleet"] as { deployments: Record<string, Record<string, unknown>>; regions: Record<string, { quota?: Record<string, number> }> };
    const legacy = structuredClone(prod);
    for (const deployment of Object.values(legacy.deployments)) {
      if (deployment.model === "gpt-5.4") Object.assign(deployment, { model: "gpt-4.1", version: "2025-04-14" });
    }
    for (const region of Object.values(legacy.regions)) {
      region.quota = Object.fromEntries(Object.entries(region.quota ?? {}).map(([key, units]) => [key.replace(/^gpt-5\.4\//, "gpt-4.1/"), units]));
    }
    const problems = await blockingProblemsOn("prod", new Date(Date.parse("2026-12-07T00:00:00Z") + HORIZON_DAYS * DAY_MS), { "aoai-fleet:fleet": legacy });
    expect(problems.length).toBeGreaterThan(0);
    // chat (2 regions) and chat-std (3 regions) enter the 90-day window; nothing else is blocking.
    expect(problems.map((p) => p.slice(0, p.indexOf(":")))).toEqual([
      "aoai-deployment-disallow-retiring-version on contoso-ai-eastus2-chat-std",
      "aoai-deployment-disallow-retiring-version on contoso-ai-eastus2-chat",
      "aoai-deployment-disallow-retiring-version on contoso-ai-eastus-chat-std",
      "aoai-deployment-disallow-retiring-version on contoso-ai-eastus-chat",
      "aoai-deployment-disallow-retiring-version on contoso-ai-westus3-chat-std",
    ]);
    for (const problem of problems) expect(problem).toContain("retires on 2027-04-14");
  });
});
