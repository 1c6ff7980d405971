import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { applyConfigEdits } from "../../rollout/stackfile/textEdit";
import { commitStackEdits } from "../../rollout/stackfile/stackFile";
import { FIXTURE, tempStack } from "./support";

const fixture = readFileSync(FIXTURE, "utf8");

describe("stack file edits", () => {
  it("rewrites only the edited scalar and keeps every comment and flow map", () => {
    const { text, changes } = applyConfigEdits(fixture, [{ path: ["routes", "chat", "canary", "percent"], value: 25 }]);
    expect(changes).toEqual([{ path: "aoai-fleet:gateway.routes.chat.canary.percent", from: 0, to: 25 }]);
    expect(text).toBe(fixture.replace("canary: { deployment: chat-next, percent: 0,", "canary: { deployment: chat-next, percent: 25,"));
  });

  it("is idempotent: the same edit again changes nothing", () => {
    const once = applyConfigEdits(fixture, [{ path: ["routes", "chat-bg", "blueGreen", "active"], value: "green" }]).text;
    const twice = applyConfigEdits(once, [{ path: ["routes", "chat-bg", "blueGreen", "active"], value: "green" }]);
    expect(twice.changes).toEqual([]);
    expect(twice.text).toBe(once);
  });

  it("adds a missing block to a block map at the right indentation", () => {
    const { text } = applyConfigEdits(fixture, [{ path: ["routes", "chat-bg", "canary"], value: { deployment: "chat-v2", percent: 5 } }]);
    expect(text).toBe(
      fixture.replace(
        "        blueGreen: { blue: chat, green: chat-next, active: blue }   # slot switch = one value\n",
        "        blueGreen: { blue: chat, green: chat-next, active: blue }   # slot switch = one value\n        canary: { deployment: chat-v2, percent: 5 }\n",
      ),
    );
  });

  it("keeps the quoting style of a quoted scalar and quotes strings YAML would misread", () => {
    const quoted = fixture.replace("active: blue }", 'active: "blue" }');
    expect(applyConfigEdits(quoted, [{ path: ["routes", "chat-bg", "blueGreen", "active"], value: "green" }]).text).toBe(fixture.replace("active: blue }", 'active: "green" }'));
    expect(applyConfigEdits(fixture, [{ path: ["routes", "chat", "canary", "deployment"], value: "true" }]).text).toContain('canary: { deployment: "true", percent: 0');
  });

  it("refuses an edit the gateway schema rejects and leaves the file byte-identical", () => {
    const stack = tempStack();
    expect(() => commitStackEdits(stack.file, [{ path: ["routes", "chat", "canary", "percent"], value: 150 }])).toThrow(
      /aoai-fleet:gateway\.routes\.chat\.canary\.percent: 150 is above the maximum 100/,
    );
    expect(() => commitStackEdits(stack.file, [{ path: ["routes", "chat", "canary", "deployment"], value: "nope" }])).toThrow(
      'aoai-fleet:gateway.routes.chat.canary.deployment: deployment "nope" is not in aoai-fleet:fleet.deployments; known deployments: chat, chat-next, chat-v2',
    );
    expect(stack.read()).toBe(fixture);
    expect(readdirSync(stack.dir)).toEqual(["Pulumi.demo.yaml"]);
  });

  it("writes atomically and reports what changed", () => {
    const stack = tempStack();
    const result = commitStackEdits(stack.file, [{ path: ["routes", "chat", "canary", "percent"], value: 5 }]);
    expect(result.changed).toBe(true);
    expect(result.originalText).toBe(fixture);
    expect(readdirSync(stack.dir)).toEqual(["Pulumi.demo.yaml"]);
    expect(commitStackEdits(stack.file, [{ path: ["routes", "chat", "canary", "percent"], value: 5 }]).changed).toBe(false);
  });

  it("reports a missing route with the routes that exist", () => {
    const stack = tempStack();
    writeFileSync(stack.file, fixture);
    expect(() => commitStackEdits(stack.file, [{ path: ["routes", "nope", "canary", "percent"], value: 5 }])).toThrow(
      "aoai-fleet:gateway.routes.nope.canary does not exist; add it to the stack file first",
    );
    expect(stack.read()).toBe(fixture);
  });
});
