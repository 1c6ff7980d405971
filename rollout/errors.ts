/**
 * An expected rollout failure reported as one plain message. Exit codes follow `cli/registry.ts`:
 * 1 = a check failed or a step was refused (smoke failed, canary rolled back), 2 = invalid input
 * or config, 3 = missing environment (no Pulumi CLI, no Azure credentials).
 */
export class RolloutError extends Error {
  constructor(
    message: string,
    /** Process exit code the CLI should use. */
    readonly exitCode: 1 | 2 | 3,
  ) {
    super(message);
    this.name = "RolloutError";
  }
}
