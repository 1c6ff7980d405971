/**
 * ARM's naming rules the schemas cannot express one key at a time. Azure resource names compare
 * case-insensitively, so `chat` and `CHAT` are one deployment to an account, and APIM backend ids
 * (Single backends and pools) are one namespace per service where `Chat-stable` equals `chat-stable`.
 * Tag names follow "Tag resources: limitations" (Microsoft Learn, azure-resource-manager/management/
 * tag-resources): no `<`, `>`, `%`, `&`, `\`, `?`, `/`; at most 512 characters; at most 50 tags per
 * resource; tag names are case-insensitive. Pure: no Pulumi imports.
 */
import { displayValue, type ConfigIssue } from "./errors";

/** Characters ARM refuses in tag names. */
export const TAG_NAME_FORBIDDEN = ["<", ">", "%", "&", "\\", "?", "/"] as const;
export const MAX_TAGS_PER_RESOURCE = 50;
export const MAX_TAG_NAME_LENGTH = 512;
export const MAX_TAG_VALUE_LENGTH = 256;

/** Why ARM would refuse a tag name, or undefined. */
export function tagNameProblem(name: string): string | undefined {
  const bad = TAG_NAME_FORBIDDEN.filter((c) => name.includes(c));
  if (bad.length > 0) return `contains ${bad.map((c) => `"${c}"`).join(", ")}; Azure tag names can't contain ${TAG_NAME_FORBIDDEN.join(" ")}`;
  return undefined;
}

/** One name and where it is written, for collision messages. */
export interface NamedAt {
  name: string;
  path: string;
  /** How the message describes it, e.g. `deployment "chat"`; default the quoted name. */
  label?: string;
}

/** Pairs [earlier, later] of names equal ignoring case (exact duplicates included), in input order. */
export function caseCollisionPairs<T extends NamedAt>(entries: readonly T[]): Array<[T, T]> {
  const first = new Map<string, T>();
  const pairs: Array<[T, T]> = [];
  for (const entry of entries) {
    const key = entry.name.toLowerCase();
    const earlier = first.get(key);
    if (earlier) pairs.push([earlier, entry]);
    else first.set(key, entry);
  }
  return pairs;
}

/** "`b` and `a` (path of a) differ only in case: <what>; rename one". */
export function collisionMessage(earlier: NamedAt, later: NamedAt, what: string): string {
  const how = earlier.name === later.name ? "are the same" : "differ only in case";
  return `${later.label ?? displayValue(later.name)} and ${earlier.label ?? displayValue(earlier.name)} (${earlier.path}) ${how}: ${what}; rename one`;
}

/** One issue per colliding name after the first, at its path, naming both. */
export function caseCollisions(entries: readonly NamedAt[], what: string): ConfigIssue[] {
  return caseCollisionPairs(entries).map(([a, b]) => ({ path: b.path, message: collisionMessage(a, b, what) }));
}

/** Deployment names per account (region): ARM deployment names are case-insensitive within an account. */
export function deploymentNameCollisions(regionsOf: ReadonlyMap<string, readonly string[]>): ConfigIssue[] {
  const byRegion = new Map<string, string[]>();
  for (const [name, regions] of regionsOf) for (const region of regions) byRegion.set(region, [...(byRegion.get(region) ?? []), name]);
  const issues: ConfigIssue[] = [];
  const seen = new Set<string>();
  for (const [region, names] of byRegion) {
    const found = caseCollisions(
      names.map((name) => ({ name, path: `aoai-fleet:fleet.deployments.${name}` })),
      `Azure deployment names are case-insensitive, so both would be one deployment in the ${region} account`,
    );
    // One report per colliding pair, not one per shared region.
    for (const issue of found) {
      if (seen.has(issue.path)) continue;
      seen.add(issue.path);
      issues.push(issue);
    }
  }
  return issues;
}

/** Tag name problems, as [tag name or undefined for the whole map, message]: forbidden characters, case-insensitive duplicates, count. */
export function tagProblems(tags: Readonly<Record<string, string>>, root: string): Array<[string | undefined, string]> {
  const names = Object.keys(tags);
  const problems: Array<[string | undefined, string]> = [];
  for (const name of names) {
    const problem = tagNameProblem(name);
    if (problem) problems.push([name, `tag name ${displayValue(name)} ${problem}`]);
  }
  const entries = names.map((name) => ({ name, path: `${root}.${name}`, label: `tag name ${displayValue(name)}` }));
  for (const [a, b] of caseCollisionPairs(entries)) problems.push([b.name, collisionMessage(a, b, "Azure tag names are case-insensitive")]);
  if (names.length > MAX_TAGS_PER_RESOURCE) {
    problems.push([undefined, `${names.length} tags; Azure allows at most ${MAX_TAGS_PER_RESOURCE} per resource (every resource gets all of them); put several values in one tag as JSON`]);
  }
  return problems;
}

/**
 * APIM backend ids of the design — one `Single` per deployment × region and the route pools — in
 * one case-insensitive namespace. Pool and backend ids are generated from route, variant and
 * deployment names, so two different names can still meet here (route `x` with A/B variant
 * `stable` and route `x-ab` both make `x-ab-stable`).
 */
export function apimBackendIdCollisions(design: {
  singles: readonly { id: string; deployment: string; region: string }[];
  pools: readonly { id: string; route: string; role: string }[];
}): ConfigIssue[] {
  const entries: NamedAt[] = [
    ...design.singles.map((s) => ({ name: s.id, path: `aoai-fleet:fleet.deployments.${s.deployment}`, label: `backend id ${displayValue(s.id)} (deployment ${displayValue(s.deployment)} in ${s.region})` })),
    ...design.pools.map((p) => ({ name: p.id, path: `aoai-fleet:gateway.routes.${p.route}`, label: `backend id ${displayValue(p.id)} (${p.role} pool of route ${displayValue(p.route)})` })),
  ];
  return caseCollisions(entries, "APIM backend ids are case-insensitive and unique per service");
}
