// Config mutations for the fuzz property (test/stacks/config-fuzz.test.ts): the shipped stacks and
// the rollout demo stack, mutated at the object level (hostile values, deleted and renamed keys,
// case-variant duplicates, forbidden tag names) and at the YAML text level (unknown tags such as
// !!js/function, alias bombs, deep nesting, cut or flipped text), then read the way the CLI reads a
// stack file. Everything is seeded by fast-check.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { parse, stringify } from "yaml";

const ROOT = join(__dirname, "..", "..");
export const SEEDS: Record<string, Record<string, unknown>> = Object.fromEntries(
  [
    ["dev", join(ROOT, "Pulumi.dev.yaml")],
    ["prod", join(ROOT, "Pulumi.prod.yaml")],
    ["demo", join(ROOT, "test", "rollout", "fixtures", "Pulumi.demo.yaml")],
  ].map(([name, file]) => [name, (parse(readFileSync(file!, "utf8")) as { config: Record<string, unknown> }).config]),
);

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Container = Json[] | { [k: string]: Json };
type Path = Array<string | number>;

/** Every path in a value (containers included), depth first. */
function paths(value: Json, prefix: Path = []): Path[] {
  const out: Path[] = [prefix];
  if (Array.isArray(value)) value.forEach((v, i) => out.push(...paths(v, [...prefix, i])));
  else if (value !== null && typeof value === "object") for (const [k, v] of Object.entries(value)) out.push(...paths(v, [...prefix, k]));
  return out;
}

function parentOf(root: Json, path: Path): Container | undefined {
  let node: Json = root;
  for (const key of path.slice(0, -1)) {
    if (node === null || typeof node !== "object") return undefined;
    node = (node as Record<string | number, Json>)[key] as Json;
  }
  return node !== null && typeof node === "object" ? (node as Container) : undefined;
}

/** A value nested `depth` levels deep (built iteratively: the generator itself must not overflow). */
function nested(depth: number, leaf: Json, asArray: boolean): Json {
  let value = leaf;
  for (let i = 0; i < depth; i++) value = asArray ? [value] : { x: value };
  return value;
}

const CONTROL = ["\u0000", "\u0007", "\u001b[31m", "\u001b]0;title\u0007", "\r", "\n", "\u007f", "\u009b", "\u202e", "\u2066", "\u200b", "\ufeff"];
const hostileString = fc.oneof(
  fc.string({ maxLength: 20 }),
  fc.string({ unit: "grapheme", maxLength: 20 }),
  fc.constantFrom(...CONTROL).chain((c) => fc.string({ maxLength: 8 }).map((s) => `chat${c}${s}`)),
  fc.integer({ min: 201, max: 6000 }).map((n) => "x".repeat(n)),
  fc.constantFrom("", " ", "latest", "LATEST", "__proto__", "constructor", "toString", "a/b", "a%b", "a<b>", "x&y", "q?", "back\\slash", "GlobalStandard", "NoAutoUpgrade", "Developer", "chat", "CHAT", "eastus2", "PT1M", "P", "-1"),
);
const hostileNumber = fc.oneof(
  fc.constantFrom(0, -0, -1, 1, 2, 5, 10, 15, 29, 30, 31, 32, 33, 50, 99, 100, 101, 255, 256, 1e308, -1e308, Number.MAX_SAFE_INTEGER, 2 ** 53 + 1, 0.5, 1e-9),
  fc.integer({ min: -1000, max: 100_000 }),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
);
const hostileValue: fc.Arbitrary<Json> = fc.oneof(
  { arbitrary: hostileString, weight: 4 },
  { arbitrary: hostileNumber, weight: 3 },
  { arbitrary: fc.boolean(), weight: 1 },
  { arbitrary: fc.constant(null), weight: 1 },
  { arbitrary: fc.array(fc.oneof(hostileString, hostileNumber), { maxLength: 4 }), weight: 1 },
  { arbitrary: fc.dictionary(hostileString, fc.oneof(hostileString, hostileNumber), { maxKeys: 3 }), weight: 1 },
  { arbitrary: fc.constantFrom<Json>({ ["__proto__"]: { polluted: true } }, { constructor: { prototype: { polluted: true } } }), weight: 1 },
  { arbitrary: fc.tuple(fc.integer({ min: 20, max: 400 }), fc.boolean()).map(([d, a]) => nested(d, "deep", a)), weight: 1 },
);

/** Values that are valid somewhere in the config, so many mutated configs still plan. */
const PLAUSIBLE: Json[] = ["GlobalStandard", "Standard", "DataZoneStandard", "GlobalProvisionedManaged", "NoAutoUpgrade", "OnceCurrentVersionExpired", "priority", "weighted", "blue", "green", "StandardV2", "BasicV2", "Consumption", "PT30S", "PT2M", "chat", "chat-next", "chat-std", "eastus2", "swedencentral", "westus3", true, false, 0, 1, 2, 3, 5, 10, 25, 50, 75, 100, 120, 300];

/** One object-level mutation: a function of the config (mutated in place) and an index to pick a path. */
type Mutation = (config: Json, pick: number) => void;

const setAt = (value: Json): Mutation => (config, pick) => {
  const all = paths(config).filter((p) => p.length > 1);
  const path = all[pick % all.length];
  const parent = path && parentOf(config, path);
  if (parent && path) (parent as Record<string | number, Json>)[path[path.length - 1]!] = value;
};
const deleteAt: Mutation = (config, pick) => {
  const all = paths(config).filter((p) => p.length > 1);
  const path = all[pick % all.length];
  const parent = path && parentOf(config, path);
  if (!parent || !path) return;
  const key = path[path.length - 1]!;
  if (Array.isArray(parent)) parent.splice(Number(key), 1);
  else delete parent[key];
};
const renameAt = (rename: (key: string) => string): Mutation => (config, pick) => {
  const all = paths(config).filter((p) => p.length > 1 && typeof p[p.length - 1] === "string");
  const path = all[pick % all.length];
  const parent = path && parentOf(config, path);
  if (!parent || Array.isArray(parent) || !path) return;
  const key = path[path.length - 1] as string;
  const value = parent[key]!;
  delete parent[key];
  parent[rename(key)] = value;
};
/** Copies a map entry under a case-variant of its key (deployments, routes, regions, tags …). */
const caseTwin: Mutation = (config, pick) => {
  const maps = paths(config).filter((p) => {
    const parent = parentOf(config, p);
    return p.length > 1 && parent && !Array.isArray(parent) && typeof p[p.length - 1] === "string";
  });
  const path = maps[pick % maps.length];
  const parent = path && (parentOf(config, path) as Record<string, Json>);
  if (!parent || !path) return;
  const key = path[path.length - 1] as string;
  const twin = key === key.toUpperCase() ? key.toLowerCase() : key.toUpperCase();
  if (twin !== key) parent[twin] = structuredClone(parent[key]!);
};
const addTag = (name: string): Mutation => (config) => {
  const fleet = (config as Record<string, Json>)["aoai-fleet:fleet"];
  if (fleet && typeof fleet === "object" && !Array.isArray(fleet)) fleet.tags = { ...((fleet.tags as Record<string, Json>) ?? {}), [name]: "v" };
};

/** Replaces a scalar leaf with a plausible value of the same type (numbers nudged, strings swapped). */
const tweakAt = (choice: number): Mutation => (config, pick) => {
  const leaves = paths(config).filter((p) => {
    const parent = p.length > 1 ? parentOf(config, p) : undefined;
    const v = parent ? (parent as Record<string | number, Json>)[p[p.length - 1]!] : undefined;
    return v !== null && v !== undefined && typeof v !== "object";
  });
  const path = leaves[pick % leaves.length];
  const parent = path && (parentOf(config, path) as Record<string | number, Json>);
  if (!parent || !path) return;
  const key = path[path.length - 1]!;
  const current = parent[key];
  const sameType = PLAUSIBLE.filter((v) => typeof v === typeof current);
  if (typeof current === "number") parent[key] = [current + 1, current - 1, current * 2, Math.max(1, Math.floor(current / 2)), sameType[choice % sameType.length]!][choice % 5]!;
  else if (sameType.length > 0) parent[key] = sameType[choice % sameType.length]!;
};

const mutationArb: fc.Arbitrary<{ kind: string; apply: Mutation; pick: number }> = fc.record({
  pick: fc.nat(),
  op: fc.oneof(
    { arbitrary: hostileValue.map((v) => ({ kind: "set", apply: setAt(v) })), weight: 4 },
    { arbitrary: fc.nat().map((n) => ({ kind: "tweak", apply: tweakAt(n) })), weight: 6 },
    { arbitrary: fc.constant({ kind: "delete", apply: deleteAt }), weight: 2 },
    { arbitrary: fc.constantFrom<[string, (k: string) => string]>(["upper", (k) => k.toUpperCase()], ["suffix", (k) => `${k}-2`], ["esc", (k) => `${k}\u001b[0m`], ["rtl", (k) => `\u202e${k}`], ["long", (k) => k.repeat(80)]).map(([kind, f]) => ({ kind: `rename-${kind}`, apply: renameAt(f) })), weight: 2 },
    { arbitrary: fc.constant({ kind: "case-twin", apply: caseTwin }), weight: 2 },
    { arbitrary: fc.oneof(hostileString, fc.constantFrom("a/b", "cost<center>", "50%", "R&D", "x\\y", "why?", "Owner", "owner")).map((n) => ({ kind: "tag", apply: addTag(n) })), weight: 1 },
    { arbitrary: fc.constant({ kind: "none", apply: (() => {}) as Mutation }), weight: 3 },
  ),
}).map(({ pick, op }) => ({ ...op, pick }));

/** Text-level mutations of the serialised stack file. */
const textMutationArb: fc.Arbitrary<{ kind: string; apply: (text: string) => string }> = fc.oneof(
  { arbitrary: fc.constant({ kind: "text-none", apply: (t: string) => t }), weight: 20 },
  { arbitrary: fc.nat().map((n) => ({ kind: "js-function-tag", apply: (t: string) => { const lines = t.split("\n"); const i = n % lines.length; lines[i] = lines[i]!.replace(/: (\S.*)$/, ': !!js/function "function () { process.exit(9) }"'); return lines.join("\n"); } })), weight: 1 },
  { arbitrary: fc.constant({ kind: "alias-bomb", apply: () => ["config:", '  a: &a ["x","x","x","x","x","x","x","x","x"]', "  b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]", "  c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]", "  d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]", "  aoai-fleet:fleet: [*d,*d,*d,*d,*d,*d,*d,*d,*d]", ""].join("\n") }), weight: 1 },
  { arbitrary: fc.integer({ min: 200, max: 2_000 }).map((d) => ({ kind: "deep-flow", apply: (t: string) => t.replace(/(aoai-fleet:fleet:)/, `$1 ${"[".repeat(d)}${"]".repeat(d)}\n  ignored:`) })), weight: 1 },
  { arbitrary: fc.tuple(fc.nat(), fc.nat()).map(([a, b]) => ({ kind: "truncate", apply: (t: string) => t.slice(0, (a % t.length) + (b % 2)) })), weight: 1 },
  { arbitrary: fc.tuple(fc.nat(), fc.constantFrom("\t", "{", "}", ":", "&", "*", "!", "%", "@", "`", "\u0000", "'", '"', "-", "\u001b")).map(([i, c]) => ({ kind: "flip", apply: (t: string) => { const at = i % t.length; return t.slice(0, at) + c + t.slice(at + 1); } })), weight: 2 },
  { arbitrary: fc.constant({ kind: "duplicate-key", apply: (t: string) => t.replace(/^(\s+)name: (.*)$/m, "$1name: $2\n$1name: other") }), weight: 1 },
);

export interface FuzzCase {
  seed: string;
  mutations: string[];
  /** The mutated `config:` block. */
  config: Record<string, unknown>;
  /** The stack file's text when a text mutation applies (it must go through the YAML loader); else undefined. */
  text: string | undefined;
}

/** A mutated stack file: a seed, 1–4 object mutations, then maybe one text mutation. */
export const fuzzCaseArb: fc.Arbitrary<FuzzCase> = fc
  .record({ seed: fc.constantFrom(...Object.keys(SEEDS)), mutations: fc.array(mutationArb, { minLength: 1, maxLength: 3 }), text: textMutationArb })
  .map(({ seed, mutations, text }) => {
    const config = structuredClone(SEEDS[seed]!) as Json;
    for (const m of mutations) m.apply(config, m.pick);
    const kinds = [...mutations.map((m) => m.kind), text.kind];
    // Text mutations need the serialised file; untouched text would parse back to `config` exactly.
    return { seed, mutations: kinds, config: config as Record<string, unknown>, text: text.kind === "text-none" ? undefined : text.apply(stringify({ config }, { aliasDuplicateObjects: false })) };
  });
