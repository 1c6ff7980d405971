/**
 * How stack files (`Pulumi.<stack>.yaml`) are parsed, by the plan and by rollout's reader and editor:
 * as the Pulumi CLI reads them (Go yaml.v3), so merge keys (`<<: *base`) merge (pulumi/pulumi#6480).
 */
export const STACK_FILE_YAML = { merge: true } as const;
