// The per-backend table's "utilization" of a provisioned deployment read 212.8% beside a summary
// "PTU utilisation" of 113.8% for the same run: the row counted every token the PTU admitted,
// including about a minute of them still in its utilisation bucket at the end, the summary only
// the tokens it worked off. A PTU row now uses the summary's worked-off definition, so the two agree;
// standard rows keep charged tokens ÷ limit (their sliding window admits no backlog). The summary's
// figure itself read 113.8%: it counted what the PTU worked off until the gateway's last retry of a
// late request, 8 s after the 60-s run; it is now as of the run's end (admitted by then, minus what
// the bucket held then).
import { describe, expect, it } from "vitest";
import { ourSetup } from "../../bench/routing/fleet";
import { formatSummary } from "../../simulator/report/console";
import { simulate } from "../../simulator/run/simulate";
import { validateScenario } from "../../simulator/scenario/load";

const over = validateScenario(
  { name: "ptu-over", seed: 7, duration: "60s", load: [{ at: 0, percentOfCapacity: 130 }], request: { promptTokens: 400, maxTokens: 300, completionTokens: 200 } },
  "ptu-over.yaml",
);

describe("simulate report: PTU utilisation in the summary and the per-backend table", () => {
  it("the benchmark fleet at 130% for 60 s: the PTU row prints the summary's worked-off figure", async () => {
    const { run, summary } = await simulate(ourSetup(false), over);
    const ptu = run.deployments.find((d) => d.spec.deployment === "chat-ptu")!;
    // 380 admissions of 700 charged tokens, some of them after the run's end (gateway retries).
    expect(ptu.stats.acceptedTokens).toBe(380 * 700);
    expect(summary.backends[0]!.utilization).toBe(summary.cost.ptuUtilization);
    expect(summary.cost.ptuUtilization).toBe(0.9984831665615058);
    expect(ptu.workedOffTokens(60_000)).toBe(0.9984831665615058 * 125_000);
    const text = formatSummary(summary, "bench · ptu-over");
    expect(text).toContain("│ PTU utilisation                            │ 99.8%");
    expect(text).toContain("│ backend                │ TPM limit │ RPM limit  │ utilization │ accepted │ 429 │ 5xx │ refused │");
    expect(text).toContain("│ chat-ptu@eastus2       │ 125000    │ none (PTU) │ 99.8%       │ 380      │ 46  │ 0   │ 0       │");
    // Standard rows are unchanged: charged tokens ÷ (limit × minutes).
    expect(text).toContain("│ chat-std@eastus2       │ 100000    │ 600        │ 99.4%       │ 142      │ 1   │ 0   │ 0       │");
    expect(summary.backends.slice(1).map((b) => b.utilization)).toEqual([0.994, 0.994, 0.994]);
  });
});
