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

const FILE_PROBLEMS: Readonly<Record<string, string>> = {
  EACCES: "permission denied",
  EPERM: "operation not permitted",
  EROFS: "read-only file system",
  EISDIR: "is a folder",
  ENOTDIR: "a part of the path is not a folder",
};

/**
 * A file-system refusal (a read-only `--dir`, an unwritable `out/`, a folder where a file belongs) as
 * an exit-2 error naming the path, instead of an unexpected crash with a stack trace; undefined for
 * anything else.
 */
export function fileSystemProblem(error: unknown): RolloutError | undefined {
  const e = error as NodeJS.ErrnoException | undefined;
  const what = e?.code ? FILE_PROBLEMS[e.code] : undefined;
  if (!what || !e?.path) return undefined;
  return new RolloutError(`cannot ${e.syscall ?? "use"} ${e.path}: ${what} (${e.code}); rollout needs to read and write the stack file, its folder and <dir>/out/ — check their permissions or pass --dir <a writable copy>`, 2);
}
