/** The pool role palette shared by the topology graph and table. */

/** Stroke and fill of one pool role: a strong colour for edges and borders, a tint for the box. */
interface RoleColours {
  readonly stroke: string;
  readonly fill: string;
}

/** Blue and green look like their names; stable is neutral, canary amber (caution), A/B violet. */
const ROLE_COLOURS: Readonly<Record<string, RoleColours>> = {
  stable: { stroke: "#475569", fill: "#f1f5f9" },
  canary: { stroke: "#b45309", fill: "#fef3c7" },
  blue: { stroke: "#1d4ed8", fill: "#dbeafe" },
  green: { stroke: "#15803d", fill: "#dcfce7" },
  ab: { stroke: "#6d28d9", fill: "#ede9fe" },
};
const OTHER_ROLE: RoleColours = { stroke: "#3f3f46", fill: "#f4f4f5" };

/** Colours of a pool role (`stable`, `canary`, `blue`, `green`, `ab-<variant>`; a trailing share such as `stable 90%` is ignored). */
export function roleColours(role: string): RoleColours {
  const kind = role.startsWith("ab-") ? "ab" : (role.split(" ")[0] ?? role);
  return ROLE_COLOURS[kind] ?? OTHER_ROLE;
}
