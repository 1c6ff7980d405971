import { chmodSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { rolloutCli as cli, withoutPulumiOrAzure } from "../support-cli";
import { tempStack } from "../support";

withoutPulumiOrAzure();

describe("stack files rollout may not or cannot write", () => {
  it("a read-only stack file is refused with exit 2 and left as it was (the atomic rename replaced it before)", async () => {
    const stack = tempStack();
    const before = stack.read();
    chmodSync(stack.file, 0o444);
    const result = await cli(["canary", "start", "demo", "chat", "--deployment", "chat-next", "--dir", stack.dir]);
    expect(result).toEqual({
      code: 2,
      out: "",
      err: `rollout: ${stack.file} is read-only (mode 0444); make it writable (chmod u+w) to let rollout edit it, or work on a copy with --dir; nothing was changed\n`,
    });
    expect(stack.read()).toBe(before);
    // No write-ahead record is left for the next command to "recover".
    const status = await cli(["status", "demo", "chat", "--dir", stack.dir]);
    expect(status.code).toBe(0);
    expect(status.out).toContain("canary   │ chat-next at 0% (sticky)");
    expect(status.out).not.toContain("recovered");
    expect(status.out).not.toContain("rolled back an interrupted");
  });

  it("an out/ path that cannot be a folder is exit 2 naming it, not an unexpected crash (exit 70, stack trace)", async () => {
    const stack = tempStack();
    writeFileSync(join(stack.dir, "out"), "");
    const result = await cli(["canary", "start", "demo", "chat", "--deployment", "chat-next", "--dir", stack.dir]);
    expect(result.code).toBe(2);
    expect(result.err).toBe(
      `rollout: cannot mkdir ${join(stack.dir, "out", "demo", "rollout")}: a part of the path is not a folder (ENOTDIR); rollout needs to read and write the stack file, its folder and <dir>/out/ — check their permissions or pass --dir <a writable copy>\n`,
    );
    expect(readFileSync(stack.file, "utf8")).toContain("canary: { deployment: chat-next, percent: 0, sticky: true }");
  });

  it("a folder where the stack file should be is exit 2", async () => {
    const dir = mkdtempSync(join(tmpdir(), "rollout-isdir-"));
    mkdirSync(join(dir, "Pulumi.demo.yaml"));
    const result = await cli(["status", "demo", "chat", "--dir", dir]);
    expect(result).toEqual({ code: 2, out: "", err: `rollout: stack file ${join(dir, "Pulumi.demo.yaml")} is a folder; pass --dir <folder with Pulumi.<stack>.yaml>\n` });
  });
});
