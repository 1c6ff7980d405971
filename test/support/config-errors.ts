import { expect } from "vitest";
import { FleetConfigError } from "../../stacks/config/errors";

/** The issues of the config error `action` throws, as `path: message` lines (fails when it throws none). */
export function configErrorOf(action: () => unknown): string {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(FleetConfigError);
    return (error as FleetConfigError).issues.map((issue) => `${issue.path}: ${issue.message}`).join("\n");
  }
  throw new Error("expected a FleetConfigError, got none");
}
