// Dispatch table: one codec per element name. Unknown names throw (xast `one.js` style).
import type { StatementKind } from "../ast";
import type { ElementCodec } from "./codec";
import { compoundCodecs } from "./compound";
import { simpleCodecs } from "./simple";
import { traceCodec } from "./trace";

export const CODECS: ReadonlyMap<string, ElementCodec> = new Map([...simpleCodecs, ...compoundCodecs, traceCodec].map((c) => [c.name, c]));

/** Every element kind the model supports, in table order. */
export const SUPPORTED_ELEMENTS: readonly StatementKind[] = [...CODECS.keys()] as StatementKind[];

export { PolicyModelError, type AttrSpec, type ElementCodec } from "./codec";
