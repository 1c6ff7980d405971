// `trace`: `<trace source severity><message>…</message><metadata name value/>…</trace>`. Its own file
// because compound.ts is at its size budget; the attribute descriptors drive both directions.
import type { Value } from "../expr/ast";
import { parseValue, renderValue } from "../value";
import { el, textContent } from "../xml";
import { childrenByName, liftAttrs, lowerAttrs, PolicyModelError, single, type AttrSpec, type ElementCodec } from "./codec";

const METADATA_ATTRS: AttrSpec[] = [
  { attr: "name", field: "name", type: "value", required: true },
  { attr: "value", field: "value", type: "value", required: true },
];

export const traceCodec: ElementCodec = {
  name: "trace",
  attrs: [
    // Learn: source is "String literal …; policy expressions aren't allowed".
    { attr: "source", field: "source", type: "string", required: true },
    // APIM's default is verbose; always written, so what the diagnostic's verbosity lets through is visible.
    { attr: "severity", field: "severity", type: { enum: ["verbose", "information", "error"] }, required: true },
  ],
  lowerChildren: (n) => [
    el("message", [], [{ text: renderValue(n.message as Value) }]),
    ...(n.metadata as Array<Record<string, unknown>>).map((m) => el("metadata", lowerAttrs(METADATA_ATTRS, m, "trace/metadata"))),
  ],
  liftChildren: (e, path) => {
    const groups = childrenByName(e, path, ["message", "metadata"]);
    const message = single(groups, "message", path);
    if (!message) throw new PolicyModelError(path, "<trace> needs a <message>");
    return {
      message: parseValue(textContent(message, `${path}/message`)),
      metadata: (groups.get("metadata") ?? []).map((m, i) => liftAttrs(METADATA_ATTRS, m, `${path}/metadata[${i}]`)),
    };
  },
};
