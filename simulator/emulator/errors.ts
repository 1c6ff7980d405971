// Errors the emulator raises. PolicyRuntimeError mirrors APIM's runtime errors (they send the
// request to on-error with context.LastError set); UnsupportedPolicyError is a load-time refusal of
// something the emulator does not implement — never silently skipped.
import { jsonResponse, type SimResponse } from "../http-types";

export class PolicyRuntimeError extends Error {
  /** The failing policy's `id` attribute (APIM's LastError.PolicyId), set where the policy has one. */
  policyId?: string;

  constructor(
    /** APIM's LastError.Reason, e.g. ExpressionValueEvaluationFailure, BackendConnectionFailure. */
    readonly reason: string,
    message: string,
    /** APIM's LastError.Source (the policy element that failed). */
    readonly source: string,
    /** What the gateway answers when on-error does not (e.g. 401 from token validation, 503 from a pool). */
    readonly response?: SimResponse,
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

/** A response the gateway generates itself (APIM's JSON error shape). */
export function gatewayError(status: number, code: string, message: string, headers: Record<string, string> = {}): SimResponse {
  return jsonResponse(status, { statusCode: status, message: `${code}: ${message}` }, headers);
}
