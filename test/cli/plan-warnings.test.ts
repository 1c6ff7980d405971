import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { planCommand } from "../../cli/plan/command";
import { designGateway } from "../../components/gateway/design";
import { parseGatewayConfig } from "../../stacks/config/gateway";

describe("plan warnings", () => {
  it("come from the gateway design with their config path (paths in the stack-config style)", () => {
    const config = parseGatewayConfig({
      sku: "StandardV2",
      capacity: 1,
      publisher: { name: "P", email: "p@example.com" },
      auth: { entra: { tenantId: "5f1c7e2a-9d4b-4c3e-8a61-2b7f0d9e4c18", audiences: ["api://contoso-ai"] } },
      routes: { chat: { strategy: "weighted", backends: [{ deployment: "chat" }] } },
    });
    const inventory = [{ deployment: "chat", region: "eastus2", capacity: 10, tokensPerMinute: 10_000, sku: "GlobalStandard", embeddings: false, accountOpenAiUrl: "https://a.openai.azure.com/openai" }];
    expect(designGateway(config, inventory).warnings).toEqual([
      {
        path: "aoai-fleet:gateway.auth.entra.audiences",
        message: "no audience is the API's client id (a GUID), so v2 access tokens (aud = client id) will be rejected; add the application (client) id of the API, or use api://<client id> as the App ID URI",
      },
    ]);
  });

  it("lists the gateway's warnings with the fleet's on the console and in plan.json (prod)", async () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), "aoai-plan-warnings-"));
    const lines: string[] = [];
    const code = await planCommand("prod", { out, today: "2026-12-07" }, (l = "") => lines.push(l));
    expect(code).toBe(0);
    const doc = JSON.parse(fs.readFileSync(path.join(out, "prod", "plan.json"), "utf8")) as { warnings: Array<{ path: string; message: string }> };
    const audience = doc.warnings.find((w) => w.path === "aoai-fleet:gateway.auth.entra.audiences");
    expect(audience?.message).toMatch(/^no audience is the API's client id/);
    expect(lines).toContain(`Warnings (${doc.warnings.length}):`);
    expect(lines).toContain(`  ! ${audience?.path}: ${audience?.message}`);
    expect(lines).not.toContain("Warnings: none.");
    expect(lines.filter((l) => l.includes(audience?.message ?? "?"))).toHaveLength(1);
  });
});
