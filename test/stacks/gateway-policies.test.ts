// End to end through `npm run plan`: the policy files it writes for dev and prod are valid APIM
// documents (our schema check, the model's parser) and every C# expression in them compiles with
// Mono against the context stubs; the API-level file is exactly what the ApiPolicy resource carries.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { main } from "../../cli/main";
import { checkPolicyXml, parsePolicy } from "../../gateway-policy";
import { collectExpressions, compileExpressions, monoUnavailableReason } from "../gateway-policy/support/csharp";

const monoMissing = monoUnavailableReason();
if (monoMissing) console.warn(`[gateway] C# compile check of generated policies skipped: ${monoMissing}. Install with: apt-get install -y mono-mcs mono-runtime`);

/** Runs `plan <stack> --out <tmp>`; returns `<tmp>/<stack>` and what it printed. */
async function planTo(stack: string): Promise<{ out: string; stdout: string }> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), `aoai-gw-${stack}-`));
  let stdout = "";
  vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => ((stdout += String(chunk)), true));
  process.exitCode = undefined;
  const code = await main(["plan", stack, "--out", root, "--today", "2026-11-23"]);
  process.exitCode = undefined;
  vi.restoreAllMocks();
  expect(code).toBe(0);
  return { out: path.join(root, stack), stdout };
}

afterEach(() => vi.restoreAllMocks());

describe.each([
  ["dev", ["_api.xml", "chat.xml", "embeddings.xml"]],
  ["prod", ["_api.xml", "chat-mini.xml", "chat.xml", "embeddings.xml"]],
])("%s plan gateway artifacts", (stack, files) => {
  it("writes every route policy, the API policy and the topology; prints the route table", async () => {
    const { out, stdout } = await planTo(stack);
    expect(fs.readdirSync(path.join(out, "policies")).sort()).toEqual(files);
    expect(fs.readFileSync(path.join(out, "topology.mmd"), "utf8").startsWith("flowchart LR\n")).toBe(true);
    expect(fs.readFileSync(path.join(out, "topology.svg"), "utf8")).toMatch(/^<svg [^>]*viewBox=/);
    expect(stdout).toMatch(/Gateway: API Management (Developer|StandardV2) × 1, /);
    expect(stdout).toContain("│ route");
    const plan = JSON.parse(fs.readFileSync(path.join(out, "plan.json"), "utf8")) as { resources: { type: string; inputs: { value?: string } }[]; gateway: { files: { policies: string[] } } };
    const attached = plan.resources.find((r) => r.type === "azure-native:apimanagement:ApiPolicy")?.inputs.value;
    expect(attached).toBe(fs.readFileSync(path.join(out, "policies", "_api.xml"), "utf8"));
    expect(plan.gateway.files.policies.map((file) => path.basename(file)).sort()).toEqual(files);
  });

  it("every policy passes the APIM schema check, parses, and its C# compiles", async () => {
    const { out } = await planTo(stack);
    const expressions = [];
    for (const file of files) {
      const xml = fs.readFileSync(path.join(out, "policies", file), "utf8");
      expect(checkPolicyXml(xml), file).toEqual([]);
      expect(() => parsePolicy(xml), file).not.toThrow();
      expressions.push(...collectExpressions(xml, file));
    }
    expect(expressions.some((e) => e.where.includes("rewrite-uri"))).toBe(true);
    // Streams pass through: every forward of the API policy is unbuffered.
    const forwards = fs.readFileSync(path.join(out, "policies", "_api.xml"), "utf8").match(/<forward-request[^>]*>/g) ?? [];
    expect(forwards.length).toBeGreaterThan(0);
    for (const f of forwards) expect(f).toContain('buffer-response="false"');
    if (monoMissing) return;
    expect(compileExpressions(expressions)).toEqual([]);
  });
});
