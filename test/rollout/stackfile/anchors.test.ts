import { describe, expect, it } from "vitest";
import { validatedGateway } from "../../../rollout/stackfile/stackFile";
import { applyConfigEdits } from "../../../rollout/stackfile/textEdit";

const stack = (routes: string): string => `config:\n  aoai-fleet:gateway:\n    routes:\n${routes}`;

describe("stack file edits and YAML anchors / aliases", () => {
  const shared = stack(
    [
      "      chat:",
      "        canary: &can { deployment: chat-next, percent: 0 }   # shared",
      "      chat2:",
      "        canary: *can",
      "",
    ].join("\n"),
  );

  it("an anchored value an alias reuses is refused naming the anchor (was: internal error … would differ)", () => {
    expect(() => applyConfigEdits(shared, [{ path: ["routes", "chat", "canary", "percent"], value: 5 }])).toThrow(
      "aoai-fleet:gateway.routes.chat.canary.percent: aoai-fleet:gateway.routes.chat.canary is the YAML anchor &can, which *can reuses elsewhere in the file; editing it would change both — write the value out in full where *can is used (or drop the anchor) and retry",
    );
  });

  it("a value behind an alias is refused naming the alias (was: … does not exist; add it to the stack file first)", () => {
    expect(() => applyConfigEdits(shared, [{ path: ["routes", "chat2", "canary", "percent"], value: 5 }])).toThrow(
      "aoai-fleet:gateway.routes.chat2.canary.percent: aoai-fleet:gateway.routes.chat2.canary is the YAML alias *can, shared with the anchor &can; rollout edits one value only — write aoai-fleet:gateway.routes.chat2.canary out in full (without the alias) and retry",
    );
  });

  it("anchors nothing reuses, aliases elsewhere and merge keys do not block an edit; every other byte is kept", () => {
    const text = stack(
      [
        "      chat:",
        "        backends: &b",
        "          - deployment: chat   # stable",
        "        canary: &unused { deployment: chat-next, percent: 0 }",
        "      chat2:",
        "        backends: *b",
        "      chat4:",
        "        canary:",
        "          <<: { deployment: chat-next, percent: 0 }",
        "          sticky: true",
        "",
      ].join("\n"),
    );
    const first = applyConfigEdits(text, [{ path: ["routes", "chat", "canary", "percent"], value: 5 }]);
    expect(first.text).toBe(text.replace("&unused { deployment: chat-next, percent: 0 }", "&unused { deployment: chat-next, percent: 5 }"));
    const second = applyConfigEdits(first.text, [{ path: ["routes", "chat2", "canary"], value: { deployment: "chat-v2", percent: 5 } }]);
    expect(second.text).toBe(first.text.replace("        backends: *b\n", "        backends: *b\n        canary: { deployment: chat-v2, percent: 5 }\n"));
  });
});

describe("a stack file that is not YAML", () => {
  it("is exit 2 naming the file as well as the line", () => {
    expect(() => validatedGateway("config:\n  aoai-fleet:gateway: [\n", "/x/Pulumi.bad.yaml")).toThrow(
      expect.objectContaining({ exitCode: 2, message: expect.stringMatching(/^\/x\/Pulumi\.bad\.yaml: stack file is not valid YAML: .* at line 3, column 1:/) }),
    );
  });
});
