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

  it("refuses a canary on a batch deployment: a rollout must not send online traffic where only Batch API jobs are taken", () => {
    const stack = tempStack();
    const batchDeployment = '      chat-batch:\n        model: gpt-4o\n        version: "2024-11-20"\n        sku: GlobalBatch\n        capacity: 50\n        upgrade: NoAutoUpgrade\n';
    const batchFleet = fixture.replace("  aoai-fleet:gateway:\n", `${batchDeployment}  aoai-fleet:gateway:\n`);
    expect(batchFleet).not.toBe(fixture);
    writeFileSync(stack.file, batchFleet);
    expect(() => commitStackEdits(stack.file, [{ path: ["routes", "chat", "canary", "deployment"], value: "chat-batch" }])).toThrow(
      'aoai-fleet:gateway.routes.chat.canary.deployment: deployment "chat-batch" is a GlobalBatch deployment, which takes only Batch API jobs (files of requests), never the online requests a gateway sends; route to one of: chat, chat-next, chat-v2',
    );
    expect(stack.read()).toBe(batchFleet);
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

describe("stack file edits (property)", () => {
  it("any sequence of percent / slot / deployment edits changes only those values", async () => {
    const fc = await import("fast-check");
    const { parse } = await import("yaml");
    const edit = fc.oneof(
      fc.record({ path: fc.constant(["routes", "chat", "canary", "percent"]), value: fc.integer({ min: 0, max: 100 }) }),
      fc.record({ path: fc.constant(["routes", "chat-bg", "blueGreen", "active"]), value: fc.constantFrom("blue", "green") }),
      fc.record({ path: fc.constant(["routes", "chat-bg", "blueGreen", "green"]), value: fc.constantFrom("chat-next", "chat-v2", "a b", "x: y", "#z", "'q'", '"d"', "yes", "1e3") }),
    );
    fc.assert(
      fc.property(fc.array(edit, { minLength: 1, maxLength: 6 }), (edits) => {
        const { text } = applyConfigEdits(fixture, edits);
        const expected = parse(fixture) as { config: Record<string, { routes: Record<string, Record<string, Record<string, unknown>>> }> };
        for (const e of edits) expected.config["aoai-fleet:gateway"]!.routes[e.path[1]!]![e.path[2]!]![e.path[3]!] = e.value;
        expect(parse(text)).toEqual(expected);
        // Lines other than the two edited ones are untouched, comments included.
        const before = fixture.split("\n");
        const after = text.split("\n");
        expect(after.length).toBe(before.length);
        const changed = before.flatMap((line, i) => (line === after[i] ? [] : [line.trim().split(":")[0]]));
        expect(changed.every((key) => key === "canary" || key === "blueGreen")).toBe(true);
      }),
      { numRuns: 200, seed: 8 },
    );
  });
});
