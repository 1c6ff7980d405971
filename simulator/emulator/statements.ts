// Execution of each policy statement kind. Values are evaluated structurally (expressions.ts);
// forwarding and retry live in forward.ts; throttling and identity policies in guards.ts.
import type { ExistsAction, SetHeader, Statement } from "../../gateway-policy/ast";
import type { Expr, Value } from "../../gateway-policy/expr/ast";
import type { Clock } from "../clock";
import { lowerCaseHeaders, type Upstream } from "../http-types";
import type { EmulatorOptions } from "./emulator";
import { PolicyRuntimeError, UnsupportedPolicyError } from "./errors";
import { evaluateValue, tryParseInt, type ExprEnv, type PolicyValue } from "./expressions";
import { forwardRequest, runRetry, sendOneWay, sendRequest } from "./forward";
import { emitMetric, emitTokenMetric, managedIdentity, rateLimitByKey, tokenLimit } from "./guards";
import { validateToken } from "./token-validation";
import type { RequestState } from "./state";
import type { QuotaCounters, SlidingCounters, TokenCounters, VolatileCache } from "./stores";

/** One emit-metric data point (APIM custom metric). */
export interface CustomMetric {
  name: string;
  namespace: string;
  value: number;
  dimensions: Record<string, string>;
}

/** Resolves the upstream for a URL (the emulator's own APIs first, then the backends' directory). */
export interface UpstreamResolver {
  resolve(url: URL): Upstream | undefined;
}

/** What statements need from the emulator instance (gateway-wide state and options). */
export interface Machine {
  readonly options: EmulatorOptions;
  readonly clock: Clock;
  readonly cache: VolatileCache;
  readonly tokenCounters: TokenCounters;
  readonly quotaCounters: QuotaCounters;
  readonly rateCounters: SlidingCounters;
  readonly metrics: Array<Record<string, string>>;
  readonly customMetrics: CustomMetric[];
  readonly upstreams: UpstreamResolver;
  env(state: RequestState): ExprEnv;
}

export function valueOf(m: Machine, state: RequestState, v: Value, where: string): PolicyValue {
  return evaluateValue(v, m.env(state), where);
}

export function textOf(m: Machine, state: RequestState, v: Value, where: string): string {
  const x = valueOf(m, state, v, where);
  if (x === null) return "";
  if (typeof x === "object") throw new PolicyRuntimeError("ExpressionValueEvaluationFailure", `${where}: a token object cannot be used as text.`, where);
  return typeof x === "boolean" ? (x ? "true" : "false") : String(x);
}

export function boolOf(m: Machine, state: RequestState, v: Value, where: string): boolean {
  const x = valueOf(m, state, v, where);
  if (typeof x === "boolean") return x;
  if (typeof x === "string" && /^(true|false)$/i.test(x)) return x.toLowerCase() === "true";
  throw new PolicyRuntimeError("ExpressionValueEvaluationFailure", `${where}: expected a bool, got ${JSON.stringify(x)}.`, where);
}

/**
 * Runs statements in order. Most statements finish synchronously (variables, conditions, headers):
 * only those that return a promise (forwarding, retry, send-request, or a block holding one) are
 * awaited, so a policy of hundreds of statements does not allocate a promise per statement.
 * Errors are thrown synchronously or rejected; callers `await` the result either way.
 */
export function runStatements(m: Machine, state: RequestState, statements: readonly Statement[], from = 0): Promise<void> | void {
  for (let i = from; i < statements.length; i++) {
    if (state.ended) return;
    const pending = runStatement(m, state, statements[i]!);
    if (pending) return pending.then(() => runStatements(m, state, statements, i + 1));
  }
}

function applyExists(target: Record<string, string>, name: string, action: ExistsAction, values: string[]): void {
  const key = name.toLowerCase();
  if (action === "delete") {
    delete target[key];
    return;
  }
  if (action === "skip" && key in target) return;
  if (action === "append" && key in target) {
    target[key] = [target[key], ...values].join(", ");
    return;
  }
  target[key] = values.join(", ");
}

const EXISTS_ACTIONS: readonly ExistsAction[] = ["override", "skip", "append", "delete"];

/**
 * The action of a set-header / set-query-parameter: a literal, or an expression that must give one of
 * the four (exists-action allows expressions; anything else fails the policy, as set-status's code does).
 * Values are evaluated either way, so a failing value expression fails whatever the action is.
 */
function existsActionOf(m: Machine, state: RequestState, action: ExistsAction | Expr | undefined, where: string): ExistsAction {
  if (action === undefined) return "override";
  if (typeof action === "string") return action;
  const text = textOf(m, state, action, `${where} exists-action`);
  const known = EXISTS_ACTIONS.find((a) => a === text);
  if (known === undefined) throw new PolicyRuntimeError("ExpressionValueEvaluationFailure", `${where}: exists-action ${JSON.stringify(text)} is not one of ${EXISTS_ACTIONS.join(", ")}.`, where);
  return known;
}

export function applySetHeader(m: Machine, state: RequestState, s: SetHeader, target: Record<string, string>): void {
  const where = `set-header "${s.name}"`;
  const values = s.values.map((v) => textOf(m, state, v, where));
  applyExists(target, s.name, existsActionOf(m, state, s.existsAction, where), values);
}

/** A set-status code: a literal or an expression that must give an HTTP status (APIM fails otherwise). */
function statusOf(m: Machine, state: RequestState, code: number | Expr): number {
  const v = typeof code === "number" ? code : valueOf(m, state, code, "return-response set-status code");
  const n = typeof v === "number" ? v : typeof v === "string" ? tryParseInt(v) : undefined;
  if (n === undefined || n < 100 || n > 599) throw new PolicyRuntimeError("ExpressionValueEvaluationFailure", `set-status code ${JSON.stringify(v)} is not an HTTP status.`, "return-response");
  return n;
}

function runStatement(m: Machine, state: RequestState, s: Statement): Promise<void> | void {
  switch (s.kind) {
    case "base":
      // effective() already spliced every <base/>; one left here sits somewhere APIM ignores it.
      return;
    case "set-backend-service": {
      if (s.backendId !== undefined) {
        const id = textOf(m, state, s.backendId, "set-backend-service backend-id");
        if (!m.options.backends.has(id)) throw new PolicyRuntimeError("BackendNotFound", `Backend "${id}" is not defined.`, "set-backend-service");
        state.backend = { kind: "id", id };
      } else if (s.baseUrl !== undefined) {
        state.backend = { kind: "url", url: textOf(m, state, s.baseUrl, "set-backend-service base-url") };
      }
      return;
    }
    case "forward-request":
      return forwardRequest(m, state, s);
    case "retry":
      return runRetry(m, state, s, runStatements);
    case "choose": {
      for (const w of s.when) {
        if (boolOf(m, state, w.condition, "choose/when condition")) return runStatements(m, state, w.policies);
      }
      return s.otherwise ? runStatements(m, state, s.otherwise) : undefined;
    }
    case "set-variable": {
      try {
        state.variables.set(s.name, valueOf(m, state, s.value, `set-variable "${s.name}"`));
      } catch (error) {
        // APIM reports the failing policy's `id` as context.LastError.PolicyId.
        if (error instanceof PolicyRuntimeError && s.id !== undefined) error.policyId = s.id;
        throw error;
      }
      return;
    }
    case "set-body": {
      const text = textOf(m, state, s.value, "set-body");
      const onResponse = state.section === "outbound" || state.section === "on-error";
      if (onResponse) {
        if (state.response) state.response = { ...state.response, body: text };
      } else state.request.body = text;
      return;
    }
    case "send-request":
      return sendRequest(m, state, s);
    case "set-header": {
      const onResponse = state.section === "outbound" || state.section === "on-error";
      if (onResponse) {
        if (state.response) applySetHeader(m, state, s, state.response.headers);
      } else applySetHeader(m, state, s, state.request.headers);
      return;
    }
    case "set-query-parameter": {
      const where = `set-query-parameter "${s.name}"`;
      const values = s.values.map((v) => textOf(m, state, v, where));
      const q = state.request.query;
      const action = existsActionOf(m, state, s.existsAction, where);
      if (action === "delete") delete q[s.name];
      else if (!(action === "skip" && s.name in q)) q[s.name] = action === "append" && s.name in q ? [q[s.name], ...values].join(",") : values.join(",");
      return;
    }
    case "rewrite-uri": {
      const template = textOf(m, state, s.template, "rewrite-uri template");
      const [p, qs] = template.split("?", 2);
      state.operationPath = p!.startsWith("/") ? p! : `/${p}`;
      if (s.copyUnmatchedParams === false) state.request.query = {};
      if (qs) for (const [k, v] of new URLSearchParams(qs)) state.request.query[k] = v;
      return;
    }
    case "return-response": {
      if (s.responseVariableName !== undefined) throw new UnsupportedPolicyError("return-response response-variable-name needs send-request, which the emulator does not run.");
      const headers: Record<string, string> = {};
      for (const h of s.headers) applySetHeader(m, state, h, headers);
      const body = s.body !== undefined ? textOf(m, state, s.body, "return-response set-body") : "";
      state.response = { status: statusOf(m, state, s.status?.code ?? 200), headers: lowerCaseHeaders(headers), body };
      state.ended = true;
      state.trace.gatewayGenerated = true;
      return;
    }
    case "send-one-way-request":
      return sendOneWay(m, state, s);
    case "authentication-managed-identity":
      return managedIdentity(m, state, s);
    case "validate-azure-ad-token":
    case "validate-jwt":
      return validateToken(m, state, s);
    case "azure-openai-token-limit":
    case "llm-token-limit":
      return tokenLimit(m, state, s);
    case "azure-openai-emit-token-metric":
    case "llm-emit-token-metric":
      return emitTokenMetric(m, state, s);
    case "emit-metric":
      return emitMetric(m, state, s);
    case "trace":
      // Kept with the request, as APIM adds it to the request's log entry (never sampled).
      state.trace.logs.push({
        source: s.source,
        severity: s.severity,
        message: textOf(m, state, s.message, "trace message"),
        metadata: Object.fromEntries(s.metadata.map((d) => [textOf(m, state, d.name, "trace metadata name"), textOf(m, state, d.value, "trace metadata value")])),
      });
      return;
    case "rate-limit-by-key":
      return rateLimitByKey(m, state, s);
    case "cache-lookup-value": {
      const key = textOf(m, state, s.key, "cache-lookup-value key");
      const hit = m.cache.get(key, m.clock.now());
      if (hit !== undefined) state.variables.set(s.variableName, hit);
      else if (s.defaultValue !== undefined) state.variables.set(s.variableName, valueOf(m, state, s.defaultValue, "cache-lookup-value default-value"));
      return;
    }
    case "cache-store-value": {
      const key = textOf(m, state, s.key, "cache-store-value key");
      const v = valueOf(m, state, s.value, "cache-store-value value");
      if (v === null || typeof v === "object") throw new PolicyRuntimeError("ExpressionValueEvaluationFailure", "cache-store-value: only strings, ints and bools can be cached.", "cache-store-value");
      const seconds = typeof s.duration === "number" ? s.duration : valueOf(m, state, s.duration, "cache-store-value duration");
      if (typeof seconds !== "number") throw new PolicyRuntimeError("ExpressionValueEvaluationFailure", `cache-store-value duration: expected an int, got ${JSON.stringify(seconds)}.`, "cache-store-value");
      // A duration of 0 or less stores nothing that could be read back.
      if (seconds > 0) m.cache.set(key, v, seconds * 1000, m.clock.now());
      return;
    }
    default:
      throw new UnsupportedPolicyError(`Policy element <${(s as { kind: string }).kind}> is not supported by the emulator.`);
  }
}
