// The large data-zone fixture stack (three US data-zone regions, PTU + spillover, canary, blue-green,
// A/B on a 64-character route, shadow with a budget, Entra with client apps and roles, overrides,
// a monthly quota) plans through the CLI with a clean guardrail verdict, and every policy it writes
// passes the structural APIM schema and compiles as C# (one mcs batch).
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { main } from "../../cli/main";
import { ARM_NAME_LIMITS, checkPolicyXml } from "../../gateway-policy";
import { collectExpressions, compileExpressions, monoUnavailableReason } from "../gateway-policy/support/csharp";

const fixture = path.join(__dirname, "fixtures", "datazone-large.yaml");
afterEach(() => vi.restoreAllMocks());

describe("large data-zone stack", () => {
  it("plans (exit 0, no guardrail violation); its policies pass the schema and compile; generated ids fit ARM", async () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), "aoai-dz-"));
    let stdout = "";
    vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => ((stdout += String(chunk)), true));
    vi.spyOn(process.stderr, "write").mockImplementation(() => true);
    const code = await main(["plan", "datazone", "--config", fixture, "--out", out, "--today", "2026-11-23"]);
    vi.restoreAllMocks();
    process.exitCode = undefined;
    expect(code).toBe(0);
    expect(stdout).toMatch(/\d+ rules evaluated: 0 mandatory violations, 0 advisory violations\./);
    const dir = path.join(out, "datazone", "policies");
    const files = fs.readdirSync(dir).sort();
    expect(files).toEqual(["_api.xml", "_shadow-relay.xml", "assistant-prompt-experiments-for-the-customer-support-copilot-v2.xml", "chat-bg.xml", "chat-mini.xml", "chat.xml", "embeddings.xml"]);
    const expressions = files.flatMap((file) => {
      const xml = fs.readFileSync(path.join(dir, file), "utf8");
      expect(checkPolicyXml(xml), file).toEqual([]);
      return collectExpressions(xml, file);
    });
    expect(expressions.length).toBeGreaterThan(200);
    const reason = monoUnavailableReason();
    if (reason) console.warn(`[datazone] C# compile skipped: ${reason}`);
    else expect(compileExpressions(expressions)).toEqual([]);
    const plan = JSON.parse(fs.readFileSync(path.join(out, "datazone", "plan.json"), "utf8")) as { resources: Array<{ type: string; inputs: Record<string, unknown> }> };
    const backendIds = plan.resources.filter((r) => r.type === "azure-native:apimanagement:Backend").map((r) => r.inputs.backendId as string);
    expect(backendIds.length).toBe(unique(backendIds).length);
    for (const id of backendIds) expect(id.length).toBeLessThanOrEqual(ARM_NAME_LIMITS.backendId);
    // The 100-character A/B pool id keeps its start and ends in a hash.
    expect(backendIds).toContainEqual(expect.stringMatching(/^assistant-prompt-experiments-for-the-customer-support-copilot-v2-ab-con-[0-9a-f]{8}$/));
    expect(plan.resources.filter((r) => r.type === "azure-native:apimanagement:Api").map((r) => r.inputs.apiId)).toEqual(["openai", "openai-shadow"]);
  });
});

/** Every id once, compared as APIM does (case-insensitively). */
function unique(ids: string[]): string[] {
  return [...new Set(ids.map((id) => id.toLowerCase()))];
}
