/**
 * Keys of the `aoai-fleet:` config namespace. Pulumi hands the program every key of the stack file
 * and never complains about one nobody reads, so a misspelt `aoai-fleet:gatway` would plan, preview
 * and `pulumi up` a stack without its gateway (deleting a deployed one) without a word. Every key in
 * the project's namespace must be one the program reads. Pure: no Pulumi imports.
 */
import type { ConfigIssue } from "./errors";
import { FLEET_CONFIG_KEY } from "./fleet";
import { GATEWAY_CONFIG_KEY } from "./gateway";

/** The project's config keys, as written in a stack file. */
export const PROJECT_CONFIG_KEYS: readonly string[] = [FLEET_CONFIG_KEY, GATEWAY_CONFIG_KEY];

const NAMESPACE = "aoai-fleet:";

/**
 * One issue per key of the `aoai-fleet:` namespace that the program does not read. `keys` are the
 * stack's full config keys (`project:key`, as `pulumi.runtime.allConfig()` returns them); other
 * namespaces (`azure-native:location`) belong to their providers and are left alone.
 */
export function unknownProjectKeyIssues(keys: Iterable<string>): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  for (const key of keys) {
    if (!key.startsWith(NAMESPACE) || PROJECT_CONFIG_KEYS.includes(key)) continue;
    issues.push({
      path: key,
      message: `unknown key; allowed keys in the aoai-fleet namespace: ${PROJECT_CONFIG_KEYS.join(", ")} (Pulumi ignores a key nobody reads, so a misspelt one would leave its part out of the stack)`,
    });
  }
  return issues;
}
