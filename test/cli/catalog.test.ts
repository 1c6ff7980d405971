import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { main } from "../../cli/main";
import { CATALOG_FILE, regionsFromStacks } from "../../cli/catalog/refresh-command";

async function runCli(args: string[], env: Record<string, string | undefined> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  const apply = (values: Record<string, string | undefined>) => {
    for (const [k, v] of Object.entries(values)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  };
  apply(env);
  vi.spyOn(process.stdout, "write").mockImplementation((c: string | Uint8Array) => ((stdout += String(c)), true));
  vi.spyOn(process.stderr, "write").mockImplementation((c: string | Uint8Array) => ((stderr += String(c)), true));
  try {
    return { code: await main(args), stdout, stderr };
  } finally {
    vi.restoreAllMocks();
    apply(saved);
    process.exitCode = undefined;
  }
}

afterEach(() => vi.restoreAllMocks());

describe("catalog command", () => {
  it("list shows versions with their retirement status on a pinned date", async () => {
    const { code, stdout } = await runCli(["catalog", "list", "--today", "2026-11-23"]);
    expect(code).toBe(0);
    expect(stdout).toContain("Model catalog as of 2026-11-23; status as of 2026-11-23 (warning window 90 days)");
    expect(stdout).toMatch(/│ gpt-4o\s+│ 2024-05-13 │\s+│ Deprecated │ 2026-10-01 \(Standard 2026-03-31\) │ RETIRED\s+│ G D S g d p B\s+│/);
    expect(stdout).toMatch(/│ gpt-5-mini\s+│ 2025-08-07 │ yes\s+│ GA\s+│ 2027-02-09\s+│ retiring in 78 d │ G D g d p\s+│/);
  });

  it("list --model shows sources; an unknown model exits 2", async () => {
    const { stdout } = await runCli(["catalog", "list", "--model", "gpt-4.1", "--today", "2026-11-23"]);
    expect(stdout).toContain("retires: retirement-schedule (2026-09-02); SKUs: matrix-standard (2026-06-03)");
    expect(stdout).toContain("capacity unit (standard SKUs): 1000 TPM, 1 RPM — quota-tiers (2026-02-18)");
    expect(stdout).toContain("provisioned (minimum / step in PTU): Global 15/5, DataZone 15/5, regional 50/50; 3000 input TPM per PTU — ptu-sizing (2026-05-22)");
    expect(stdout).toContain("regions known for 2025-04-14 (matrix-standard, 2026-06-03): brazilsouth GgpB, canadacentral g,");
    const bad = await runCli(["catalog", "list", "--model", "gpt-77"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^catalog: unknown model "gpt-77"; known models: /);
  });

  it("refresh without credentials says so, exits 3 and changes nothing", async () => {
    const before = fs.readFileSync(CATALOG_FILE, "utf8");
    const { code, stderr } = await runCli(["catalog", "refresh", "--regions", "eastus2"], { AZURE_SUBSCRIPTION_ID: undefined });
    expect(code).toBe(3);
    expect(stderr).toBe(
      "catalog refresh: AZURE_SUBSCRIPTION_ID is not set, so there is no subscription to read models and quota from. Set it (and sign in with `az login`, or AZURE_CLIENT_ID/AZURE_TENANT_ID/AZURE_CLIENT_SECRET) and run again. The catalog was not changed.\n",
    );
    expect(fs.readFileSync(CATALOG_FILE, "utf8")).toBe(before);
  });

  it("refresh --recorded rewrites the given catalog file from ARM responses", async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "aoai-cat-")), "models.json");
    fs.copyFileSync(CATALOG_FILE, file);
    const recorded = path.join(__dirname, "..", "core", "fixtures", "arm");
    const { code, stdout } = await runCli(["catalog", "refresh", "--regions", "eastus2,swedencentral", "--recorded", recorded, "--file", file]);
    expect(code).toBe(0);
    expect(stdout).toContain("catalog refreshed from 2 region(s) (eastus2, swedencentral): 1 models added, 1 versions added, 2 versions updated, 4 usages recorded, 1 items skipped (unexpected shape)");
    const written = JSON.parse(fs.readFileSync(file, "utf8")) as { models: Record<string, unknown> };
    expect(Object.keys(written.models)).toContain("gpt-5.6-sol");
  });

  it("refresh defaults to the regions of the repository's stacks", () => {
    expect(regionsFromStacks()).toEqual(expect.arrayContaining(["eastus", "eastus2", "swedencentral", "westus3"]));
  });
});

describe("cli registration", () => {
  it("help lists plan and catalog", async () => {
    const { code, stdout } = await runCli(["--help"]);
    expect(code).toBe(0);
    expect(stdout).toContain("plan [options] <stack>");
    expect(stdout).toContain("catalog");
  });
  it("an unknown command exits 2", async () => {
    const { code } = await runCli(["frobnicate"]);
    expect(code).toBe(2);
  });
});
