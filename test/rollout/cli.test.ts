import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { main } from "../../cli/main";
import { tempStack } from "./support";

// No pulumi on PATH and no Azure login: every apply must be the honest write-only one.
beforeAll(() => {
  process.env.PATH = "";
  process.env.AZURE_CONFIG_DIR = mkdtempSync(join(tmpdir(), "no-azure-"));
  for (const key of Object.keys(process.env)) if (key.startsWith("ARM_") || key.startsWith("AZURE_CLIENT")) delete process.env[key];
});

afterEach(() => {
  process.exitCode = undefined;
  vi.restoreAllMocks();
});

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  vi.spyOn(process.stdout, "write").mockImplementation((chunk) => ((out += String(chunk)), true));
  vi.spyOn(process.stderr, "write").mockImplementation((chunk) => ((err += String(chunk)), true));
  const code = await main(["rollout", ...args]);
  vi.restoreAllMocks();
  process.exitCode = undefined;
  return { code, out, err };
}

describe("rollout CLI", () => {
  it("canary run rolls back a bad canary, prints the decision line and exits 1", async () => {
    const stack = tempStack();
    const start = await cli(["canary", "start", "demo", "chat", "--deployment", "chat-next", "--dir", stack.dir]);
    expect(start.code).toBe(0);
    expect(start.out).toContain(`written to ${stack.file} — NOT applied: the pulumi CLI is not on PATH and no Azure credentials were found`);
    expect(start.out).toContain("to apply, run: pulumi up --stack demo\n");
    const run = await cli(["canary", "run", "demo", "chat", "--source", "sim", "--scenario", "canary-errors", "--dir", stack.dir]);
    expect(run.code).toBe(1);
    expect(run.out).toMatch(/\ndecision: ROLLBACK — canary error rate \d+\.\d\d% vs stable \d+\.\d\d% \(\+\d+\.\d\d points > 2 allowed\)\n/);
    expect(run.out).toMatch(/\nresult: ROLLED-BACK after \d+ evaluation\(s\); canary now at 0% — /);
    expect(stack.read()).toContain("canary: { deployment: chat-next, percent: 0, sticky: true }");
  });

  it("reports read from a file say the whole file is the window, not --window's seconds (found by exploratory QA)", async () => {
    // The headers said "over 300 s from file …" while a file source ignores --window and reads it whole.
    const stack = tempStack();
    const records = join(__dirname, "fixtures", "records.csv");
    const whole = "the whole file (--window does not apply to a file)";
    const evaluate = await cli(["canary", "evaluate", "demo", "chat", "--source", `file:${records}`, "--window", "60", "--dir", stack.dir]);
    expect(evaluate.code).toBe(0);
    expect(evaluate.out.split("\n")[0]).toBe(`evaluating route chat over ${whole} from file ${records}`);
    const ab = await cli(["ab", "report", "demo", "prompt-v2", "--source", `file:${records}`, "--dir", stack.dir]);
    expect(ab.out.split("\n")[0]).toBe(`A/B report for route chat-ab over ${whole} from file ${records}`);
    const shadow = await cli(["shadow", "report", "demo", "chat-ab", "--source", `file:${records}`, "--dir", stack.dir]);
    expect(shadow.out.split("\n")[0]).toBe(`shadow report for route chat-ab (20% copied to chat-next) over ${whole} from file ${records}`);
  });

  it("bad input is one clear error with exit code 2 and no change", async () => {
    const stack = tempStack();
    const before = stack.read();
    const bad = await cli(["canary", "start", "demo", "chat", "--deployment", "chat-next", "--schedule", "5,50", "--dir", stack.dir]);
    expect(bad).toMatchObject({ code: 2, err: "rollout: --schedule: last step is 50, not 100; use whole percents, strictly increasing, ending at 100, e.g. --schedule 5,25,50,100\n" });
    const unknown = await cli(["canary", "start", "demo", "chat", "--deployment", "gpt-9", "--dir", stack.dir]);
    expect(unknown.code).toBe(2);
    expect(unknown.err).toContain('aoai-fleet:gateway.routes.chat.canary.deployment: deployment "gpt-9" is not in aoai-fleet:fleet.deployments');
    expect(stack.read()).toBe(before);
  });

  it("smoke --target that is neither sim nor an http(s) URL is bad input (exit 2), not an unreachable gateway", async () => {
    const stack = tempStack();
    for (const target of ["ftp://x", "localhost:8080", "not a url"]) {
      const result = await cli(["bluegreen", "smoke", "demo", "chat-bg", "--target", target, "--dir", stack.dir]);
      expect(result).toMatchObject({ code: 2, err: `rollout: --target "${target}": use sim or the gateway's http(s) base URL, e.g. https://contoso-ai.azure-api.net or http://127.0.0.1:8080\n` });
    }
  });

  it("the Azure source without credentials says so and exits 3", async () => {
    const stack = tempStack();
    const result = await cli(["canary", "evaluate", "demo", "chat", "--dir", stack.dir]);
    expect(result).toMatchObject({
      code: 3,
      err: "rollout: the Azure Monitor source needs Azure credentials and none were found (ARM_*/AZURE_* variables or `az login`); use --source sim or --source file:<export.json|csv>\n",
    });
  });

  it("a failed smoke exits 1 and the switch is refused", async () => {
    const stack = tempStack();
    const smoke = await cli(["bluegreen", "smoke", "demo", "chat-bg", "--scenario", "green-broken", "--dir", stack.dir]);
    expect(smoke.code).toBe(1);
    expect(smoke.out).toContain("smoke: FAILED — success rate too low:");
    const sw = await cli(["bluegreen", "switch", "demo", "chat-bg", "--dir", stack.dir]);
    expect(sw.code).toBe(1);
    expect(sw.err).toMatch(/^rollout: switch blocked: the last smoke test of the green slot \(chat-next\) failed/);
  });
});

describe("rollout status", () => {
  it("shows config, tracked state and history", async () => {
    const stack = tempStack();
    await cli(["canary", "start", "demo", "chat", "--deployment", "chat-next", "--dir", stack.dir]);
    const status = await cli(["status", "demo", "chat", "--dir", stack.dir]);
    expect(status.code).toBe(0);
    expect(status.out).toContain("│ canary   │ chat-next at 5% (sticky)                │ running, schedule 5 → 25 → 50 → 100 │");
    expect(status.out).toMatch(/│ canary start │ canary\.percent: 0 → 5 │ written │/);
  });

  it("a canary started on a route without a canary block (the block inserted) can be read back, stepped and rolled back", async () => {
    const stack = tempStack();
    const start = await cli(["canary", "start", "demo", "chat-ab", "--deployment", "chat-v2", "--dir", stack.dir]);
    expect(start.code).toBe(0);
    const status = await cli(["status", "demo", "chat-ab", "--dir", stack.dir]);
    expect(status.err).toBe("");
    expect(status.code).toBe(0);
    expect(status.out).toContain("(absent)");
    const rollback = await cli(["canary", "rollback", "demo", "chat-ab", "--dir", stack.dir]);
    expect([rollback.code, rollback.err]).toEqual([0, ""]);
    expect(stack.read()).toMatch(/chat-ab:[\s\S]*canary: \{ deployment: chat-v2, percent: 0/);
  });

  it("ab report on an export where variant b is all 500s: exit 0, b at 0.00% success, significant per caller", async () => {
    const stack = tempStack();
    const file = join(__dirname, "fixtures", "ab-variant-all-500.csv");
    const { code, out } = await cli(["ab", "report", "demo", "prompt-v2", "--source", `file:${file}`, "--dir", stack.dir]);
    expect(code).toBe(0);
    expect(out).toMatch(/│ a\s+│ chat\s+│ 200\s+│ 30\s+│ 98\.00%\s+│/);
    expect(out).toMatch(/│ b\s+│ chat-v2\s+│ 200\s+│ 30\s+│ 0\.00%\s+│ –\s+│ –\s+│ –\s+│/);
    expect(out).toMatch(/│ success rate \(b − a\)\s+│ 30 \/ 30\s+│ -0\.9802\s+│ .* │ <0\.0001\s+│ significant\s+│ two-proportion z, -0\.9800, p <0\.0001 │/);
    expect(out).toContain("conclusion: significant at 95% per caller: success rate (b − a = -0.9802, p = <0.0001)");
  });
});
