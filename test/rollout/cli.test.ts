import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { rolloutCli as cli, withoutPulumiOrAzure } from "./support-cli";
import { tempStack } from "./support";

withoutPulumiOrAzure();

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

  it("commands that change no config take no --apply: exit 2 saying why, nothing looked up or written (found by QA)", async () => {
    // They offered --apply and, without the pulumi CLI, exited 3 though nothing would be applied.
    const stack = tempStack();
    const before = stack.read();
    const commands = [
      ["status", "demo", "chat"],
      ["canary", "evaluate", "demo", "chat", "--source", "sim"],
      ["bluegreen", "smoke", "demo", "chat-bg"],
      ["ab", "report", "demo", "prompt-v2", "--source", "sim"],
      ["shadow", "report", "demo", "chat-ab", "--source", "sim"],
    ];
    for (const command of commands) {
      const result = await cli([...command, "--apply", "--dir", stack.dir]);
      const name = command.filter((word) => !["demo", "chat", "chat-bg", "chat-ab", "prompt-v2", "--source", "sim"].includes(word)).join(" ");
      expect([result.code, result.out]).toEqual([2, ""]);
      expect(result.err.split("\n")[0]).toBe(`error: unknown option '--apply': rollout ${name} changes no config, so there is nothing to apply`);
      expect(result.err).toContain(`Usage: aoai-fleet rollout ${name} [options]`);
      expect(result.err).not.toContain("--apply ");
    }
    expect(stack.read()).toBe(before);
    // Commands that change config keep it: without the pulumi CLI it is exit 3 before anything is written.
    const start = await cli(["canary", "start", "demo", "chat", "--deployment", "chat-next", "--apply", "--dir", stack.dir]);
    expect(start).toMatchObject({ code: 3, err: "rollout: --apply: cannot apply, the pulumi CLI is not on PATH and no Azure credentials were found (ARM_*/AZURE_* variables or `az login`); nothing was changed\n" });
    expect(stack.read()).toBe(before);
  });

  it("a bad decision or window option is the only output (exit 2): no header first, checked before the source (found by QA)", async () => {
    const stack = tempStack();
    const bad: [string[], string][] = [
      [["--max-error-points", "-1"], "--max-error-points -1: expected a number between 0 and 100"],
      [["--min-samples", "2.5"], "--min-samples 2.5: expected a whole number between 1 and 10000000"],
      [["--window", "0"], "--window 0: expected a number between 1 and 604800"],
    ];
    for (const [options, message] of bad) {
      for (const source of [["--source", "sim"], []]) {
        // Without --source: the default azure source, which without credentials is exit 3; the bad option comes first.
        const evaluate = await cli(["canary", "evaluate", "demo", "chat", ...source, ...options, "--dir", stack.dir]);
        expect(evaluate).toEqual({ code: 2, out: "", err: `rollout: ${message}\n` });
      }
      const run = await cli(["canary", "run", "demo", "chat", "--source", "sim", ...options, "--dir", stack.dir]);
      expect(run).toEqual({ code: 2, out: "", err: `rollout: ${message}\n` });
    }
    const ab = await cli(["ab", "report", "demo", "prompt-v2", "--source", "sim", "--confidence", "2", "--dir", stack.dir]);
    expect(ab).toEqual({ code: 2, out: "", err: "rollout: --confidence 2: expected a number between 0.5 and 0.9999\n" });
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

  it("canary start with another --schedule on the running canary: the new schedule in status and history", async () => {
    const stack = tempStack();
    await cli(["canary", "start", "demo", "chat", "--deployment", "chat-next", "--dir", stack.dir]);
    const again = await cli(["canary", "start", "demo", "chat", "--deployment", "chat-next", "--schedule", "5,50,100", "--dir", stack.dir]);
    expect(again).toEqual({
      code: 0,
      out: `canary chat-next is already running at 5%; schedule changed from 5 → 25 → 50 → 100 to 5 → 50 → 100 (traffic stays at 5%, next step 50%)\nno change: ${stack.file} already has this state\n`,
      err: "",
    });
    const status = await cli(["status", "demo", "chat", "--dir", stack.dir]);
    expect(status.out).toContain("│ canary   │ chat-next at 5% (sticky)                │ running, schedule 5 → 50 → 100 │");
    expect(status.out).toMatch(/│ canary start │\s+│ unchanged │ schedule 5,25,50,100 replaced by 5,50,100 at 5% +│/);
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
    expect(out).toMatch(/│ success rate \(b − a\)\s+│ 30 \/ 30\s+│ -0\.9802\s+│ .* │ <0\.0001\s+│ significant\s+│ two-proportion z, -0\.9800, p < 0\.0001 │/);
    expect(out).toContain("conclusion: significant at 95% per caller: success rate (b − a = -0.9802, p < 0.0001)");
  });
});
