// Errors the emulator raises. PolicyRuntimeError mirrors APIM's runtime errors (they send the
// request to on-error with context.LastError set); UnsupportedPolicyError is a load-time refusal of
// something the emulator does not implement — never silently skipped.

export class PolicyRuntimeError extends Error {
  constructor(
    /** APIM's LastError.Reason, e.g. ExpressionValueEvaluationFailure, BackendConnectionFailure. */
    readonly reason: string,
    message: string,
    /** APIM's LastError.Source (the policy element that failed). */
    readonly source: string,
  ) {
    super(message);
    this.name = "PolicyRuntimeError";
  }
}

export class UnsupportedPolicyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UnsupportedPolicyError";
  }
}
