/**
 * Schema stage: raw `aoai-fleet:fleet` value → typed FleetConfig, or every problem at once.
 * Version problems get the catalog's known versions appended, since that is the fix.
 */
import { FleetConfigError, type ConfigIssue, zodIssuesToConfigIssues } from "../../stacks/config/errors";
import { FLEET_CONFIG_KEY, FleetConfigSchema, type FleetConfig } from "../../stacks/config/fleet";
import type { ModelCatalog } from "../catalog/catalog";

const VERSION_PATH = /^aoai-fleet:fleet\.deployments\.([^.]+)\.version$/;

function withVersionHint(issue: ConfigIssue, raw: unknown, catalog: ModelCatalog): ConfigIssue {
  const match = VERSION_PATH.exec(issue.path);
  if (!match || raw === null || typeof raw !== "object") return issue;
  const deployments = (raw as { deployments?: unknown }).deployments;
  const deployment = deployments && typeof deployments === "object" ? (deployments as Record<string, unknown>)[match[1] ?? ""] : undefined;
  const model = deployment && typeof deployment === "object" ? (deployment as { model?: unknown }).model : undefined;
  if (typeof model !== "string" || !catalog.model(model)) return issue;
  return { path: issue.path, message: `${issue.message}; known versions of ${model}: ${catalog.versionNames(model).join(", ")}` };
}

/** Validates the shape of the config; throws FleetConfigError listing every schema problem. */
export function parseFleetConfig(raw: unknown, catalog: ModelCatalog): FleetConfig {
  if (raw === undefined) {
    throw new FleetConfigError([{ path: FLEET_CONFIG_KEY, message: "is required: add an `aoai-fleet:fleet` block under `config:` in Pulumi.<stack>.yaml (see README.md, Config reference)" }]);
  }
  const parsed = FleetConfigSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const issues = zodIssuesToConfigIssues(FLEET_CONFIG_KEY, parsed.error, raw, FleetConfigSchema).map((i) => withVersionHint(i, raw, catalog));
  throw new FleetConfigError(issues);
}
