/**
 * google-protobuf's Struct conversions, short-circuited while an offline plan's program runs.
 *
 * Every resource registration crosses Pulumi's resource monitor as `google.protobuf.Struct`
 * messages: the runtime converts the serialized inputs with `Struct.fromJavaScript`, the mock monitor
 * converts them back with `toJavaScript`, and the answer and each component's registered outputs make
 * the same round trip. Under the mocks no message is ever encoded (the monitor is an object in this
 * process), yet each conversion builds a protobuf `Value` per property and element, with its map and
 * arrays: in the 793-resource benchmark plan about a fifth of the program's time and much of its
 * garbage.
 *
 * While a run lasts, `Struct.fromJavaScript` takes a snapshot of the plain value instead, and the
 * Struct it returns hands back a copy of that snapshot from `toJavaScript`. The copy is what the round
 * trip gives: object keys sorted (a protobuf map iterates in key order), arrays in order, and only
 * strings, finite or not numbers, booleans, null, arrays and plain objects, with the same
 * "Unexpected struct type." error for anything else. Any other use of the message (its fields map, its
 * binary encoding) gets a real Struct built by the original conversion. The original is put back when
 * the run ends. test/cli/plan-struct-passthrough.test.ts holds this to google-protobuf's own round trip
 * and checks that dev's plan is byte-identical with and without it; google-protobuf is the version
 * @pulumi/pulumi (pinned exactly) brings.
 */
import { createRequire } from "node:module";

type JsonLike = null | boolean | number | string | JsonLike[] | { [key: string]: JsonLike };

/** The parts of google-protobuf's Struct class this module touches. */
interface StructMessage {
  toJavaScript(): Record<string, JsonLike>;
  getFieldsMap(noLazyCreate?: boolean): unknown;
  serializeBinary(): Uint8Array;
  toObject(includeInstance?: boolean): unknown;
}

interface StructClass {
  new (): StructMessage;
  fromJavaScript(value: Record<string, unknown>): StructMessage;
}

const requireFromPulumi = createRequire(createRequire(__filename).resolve("@pulumi/pulumi"));

/** google-protobuf's Struct class: the one @pulumi/pulumi's runtime and mock monitor load. */
export function pulumiStructClass(): StructClass {
  const loaded: unknown = requireFromPulumi("google-protobuf/google/protobuf/struct_pb");
  const struct = typeof loaded === "object" && loaded !== null ? (loaded as { Struct?: unknown }).Struct : undefined;
  const descriptor = typeof struct === "function" ? Object.getOwnPropertyDescriptor(struct, "fromJavaScript") : undefined;
  if (!descriptor || typeof descriptor.value !== "function" || descriptor.writable !== true) {
    throw new Error(
      "google-protobuf/google/protobuf/struct_pb no longer has a writable Struct.fromJavaScript; " +
        "cli/plan/struct-passthrough.ts must be revisited for this @pulumi/pulumi version",
    );
  }
  return struct as StructClass;
}

/**
 * The value google-protobuf's round trip would give back: object keys sorted, nothing but JSON's
 * kinds (numbers may be NaN or infinite, as protobuf's double allows); anything else throws as
 * `Value.fromJavaScript` does.
 */
export function structRoundTrip(value: unknown): JsonLike {
  if (value === null) return null;
  switch (typeof value) {
    case "string":
    case "number":
    case "boolean":
      return value;
    case "object": {
      if (Array.isArray(value)) {
        // Index by index, as ListValue.fromJavaScript reads an array (a hole is undefined and throws).
        const copy: JsonLike[] = [];
        for (let i = 0; i < value.length; i++) copy.push(structRoundTrip(value[i]));
        return copy;
      }
      return objectRoundTrip(value as Record<string, unknown>);
    }
    default:
      throw new Error("Unexpected struct type.");
  }
}

function objectRoundTrip(value: Record<string, unknown>): { [key: string]: JsonLike } {
  const keys: string[] = [];
  // for…in, as Struct.fromJavaScript reads an object (inherited enumerable keys included).
  for (const key in value) keys.push(key);
  keys.sort();
  const copy: { [key: string]: JsonLike } = {};
  for (const key of keys) copy[key] = structRoundTrip(value[key]);
  return copy;
}

/** Switches the conversions to snapshots until the returned function is called, which restores them. */
export function suspendStructConversions(): () => void {
  const Struct = pulumiStructClass();
  const original = Struct.fromJavaScript;
  const build = (snapshot: Record<string, JsonLike>): StructMessage => original.call(Struct, snapshot);

  class SnapshotStruct extends Struct {
    private real: StructMessage | undefined;
    constructor(private readonly snapshot: { [key: string]: JsonLike }) {
      super();
    }
    override toJavaScript(): Record<string, JsonLike> {
      return objectRoundTrip(this.snapshot);
    }
    override getFieldsMap(noLazyCreate?: boolean): unknown {
      return this.materialized().getFieldsMap(noLazyCreate);
    }
    override serializeBinary(): Uint8Array {
      return this.materialized().serializeBinary();
    }
    override toObject(includeInstance?: boolean): unknown {
      return this.materialized().toObject(includeInstance);
    }
    private materialized(): StructMessage {
      this.real ??= build(this.snapshot);
      return this.real;
    }
  }

  Struct.fromJavaScript = (value) => new SnapshotStruct(objectRoundTrip(value));
  return () => {
    Struct.fromJavaScript = original;
  };
}
