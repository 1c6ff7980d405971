// APIM limits the generator enforces, and the error type every limit violation raises.
import type { PolicyWarning } from "./strategies/types";

export const LIMITS = {
  /** Members per load-balanced pool (APIM backends.md). */
  poolMembers: 30,
  /** `retry count` range (retry-policy.md). */
  retryCount: { min: 1, max: 50 },
  /** Policy document size (service limits; Consumption allows only 16 KiB). */
  policyBytes: 256 * 1024,
  /** Above this the document is rendered but a warning is returned. */
  policyWarnBytes: 64 * 1024,
  /** Custom dimensions per emit-token-metric policy (llm-emit-token-metric page, 2026). */
  metricDimensions: 5,
  /** Pool member priority and weight range. */
  priority: { min: 0, max: 100 },
  weight: { min: 1, max: 100 },
} as const;

/** A limit or input violation; `path` is the config path under `aoai-fleet:gateway`. */
export class PolicyLimitError extends Error {
  constructor(readonly path: string, readonly detail: string) {
    super(`${path}: ${detail}`);
    this.name = "PolicyLimitError";
  }
}

/** Config path helper: `aoai-fleet:gateway.routes.chat.backends`. */
export const gatewayPath = (...parts: Array<string | number>): string =>
  ["aoai-fleet:gateway", ...parts].map((p, i) => (typeof p === "number" ? `[${p}]` : i === 0 ? p : `.${p}`)).join("");

/** Throws above 256 KiB; returns a warning above 64 KiB. `limitBytes` lets Consumption pass 16 KiB. */
export function checkPolicySize(xml: string, path = gatewayPath("policy"), limitBytes: number = LIMITS.policyBytes): PolicyWarning[] {
  const bytes = Buffer.byteLength(xml, "utf8");
  const kib = (n: number) => `${(n / 1024).toFixed(1)} KiB`;
  if (bytes > limitBytes)
    throw new PolicyLimitError(path, `the generated policy is ${kib(bytes)}; APIM accepts at most ${kib(limitBytes)} per policy document; move some routes to another stack's gateway, remove strategies, or turn off routing options that grow with the members of a route (routes.<r>.routing.avoidSlow.enabled: false, routes.<r>.routing.waitBudgetSeconds: 0)`);
  if (bytes > LIMITS.policyWarnBytes)
    return [{ path, message: `the generated policy is ${kib(bytes)}, above ${kib(LIMITS.policyWarnBytes)}; it is valid but slow to review and close to the ${kib(limitBytes)} limit` }];
  return [];
}

export function checkRetryCount(count: number, path: string): void {
  if (!Number.isInteger(count) || count < LIMITS.retryCount.min || count > LIMITS.retryCount.max)
    throw new PolicyLimitError(path, `retry count ${count} is outside ${LIMITS.retryCount.min}–${LIMITS.retryCount.max}, the range APIM's retry policy accepts; use a value in that range`);
}

export function checkPercent(value: number, path: string): void {
  if (!Number.isInteger(value) || value < 0 || value > 100) throw new PolicyLimitError(path, `${value} is not an integer percent 0–100`);
}
