import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it, vi } from "vitest";
import { simulateCommand } from "../../cli/simulate/command";

// Found by exploratory QA: `npm run simulate -- dev --out <a file>` ran the whole simulation, then
// crashed in mkdir with exit 70 and a stack trace. A bad --out is the user's input: exit 2, named.
describe("simulate --out", () => {
  it("a file in the way of the report folder is exit 2 naming --out and the folder", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "aoai-out-"));
    const file = path.join(dir, "not-a-folder");
    fs.writeFileSync(file, "");
    const scenario = path.join(dir, "tiny.yaml");
    fs.writeFileSync(scenario, "name: tiny\nseed: 1\nduration: 5s\nroute: chat\nload: [{ at: 0, requestsPerSecond: 2 }]\nrequest: { promptTokens: 100, maxTokens: 50, completionTokens: 20 }\n");
    vi.spyOn(process.stdout, "write").mockImplementation(() => true);
    try {
      await expect(simulateCommand("dev", { scenario, out: file })).rejects.toMatchObject({
        exitCode: 2,
        message: `--out ${file}: cannot create the folder ${path.join(file, "dev", "sim", "tiny")} (a file is in the way); choose a folder you can write to`,
      });
    } finally {
      vi.restoreAllMocks();
    }
    expect(fs.readFileSync(file, "utf8")).toBe("");
  });
});
