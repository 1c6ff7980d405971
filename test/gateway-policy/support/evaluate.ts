// A minimal structural evaluator for inbound selection logic (set-variable, choose, typed Exprs), used to
// test routing behaviour without APIM. The simulator owns the full emulator; this only covers what the
// strategy tests need and throws on anything else.
import type { Expr, PolicyDocument, Statement, Value } from "../../../gateway-policy/index";
import { hashBucketOf } from "../../../gateway-policy/index";

export interface EvalRequest {
  headers?: Record<string, string>;
  namedValues: Record<string, string>;
  subscriptionId?: string;
  deploymentId?: string;
  /** The matched operation (context.Operation.Id); default `chat-completions` (deployment in the path). */
  operationId?: string;
  /** The JSON request body (v1 and Responses calls name the route in its `model`). */
  body?: Record<string, unknown>;
  /** Value returned by randomBelow (deterministic tests). */
  random?: number;
}

type Scalar = string | number | boolean | null;

function evalExpr(e: Expr, req: EvalRequest, vars: Map<string, Scalar>): Scalar {
  const ev = (x: Expr) => evalExpr(x, req, vars);
  switch (e.kind) {
    case "string": case "int": case "bool": return e.value;
    case "null": return null;
    case "namedValue": {
      const v = req.namedValues[e.name];
      if (v === undefined) throw new Error(`named value ${e.name} is not defined`);
      return v;
    }
    case "requestHeader": return req.headers?.[e.name.toLowerCase()] ?? e.fallback;
    case "matchedParameter": return e.name === "deployment-id" && req.deploymentId !== undefined ? req.deploymentId : e.fallback;
    case "variable": {
      const v = vars.get(e.name);
      if (v === undefined) return e.fallback;
      if (typeof v !== (e.type === "int" ? "number" : e.type === "bool" ? "boolean" : "string")) throw new Error(`variable ${e.name} holds ${typeof v}, read as ${e.type}`);
      return v;
    }
    case "context":
      if (e.property === "subscriptionId") return req.subscriptionId ?? "";
      if (e.property === "operationId") return req.operationId ?? "chat-completions";
      throw new Error(`context ${e.property} not modelled`);
    case "bodyField": {
      if (e.source !== "request") break;
      const v = req.body?.[e.field];
      return v === undefined || v === null ? "" : typeof v === "string" ? v : JSON.stringify(v);
    }
    case "bodyFieldType": {
      const v = req.body?.[e.field];
      if (v === undefined) return "";
      if (v === null) return "Null";
      if (typeof v === "string") return "String";
      if (typeof v === "number") return Number.isInteger(v) ? "Integer" : "Float";
      return typeof v === "boolean" ? "Boolean" : Array.isArray(v) ? "Array" : "Object";
    }
    case "hashBucket": return hashBucketOf(String(ev(e.key)), e.buckets);
    case "randomBelow": return req.random ?? 0;
    case "parseInt": { const s = String(ev(e.value)); return /^-?\d+$/.test(s) ? Number(s) : e.fallback; }
    case "compare": {
      const l = ev(e.left); const r = ev(e.right);
      switch (e.op) {
        case "==": return l === r;
        case "!=": return l !== r;
        case "<": return (l as number) < (r as number);
        case "<=": return (l as number) <= (r as number);
        case ">": return (l as number) > (r as number);
        case ">=": return (l as number) >= (r as number);
      }
      break;
    }
    case "and": return e.operands.every((o) => ev(o) === true);
    case "or": return e.operands.some((o) => ev(o) === true);
    case "not": return !ev(e.operand);
    case "conditional": return ev(e.test) ? ev(e.whenTrue) : ev(e.whenFalse);
    case "concat": return e.parts.map((p) => String(ev(p))).join("");
  }
  throw new Error(`expression ${e.kind} not modelled`);
}

const evalValue = (v: Value, req: EvalRequest, vars: Map<string, Scalar>): Scalar => {
  if (typeof v === "string") return v;
  if (v.kind === "raw") throw new Error("raw expressions cannot be evaluated");
  return evalExpr(v, req, vars);
};

function run(statements: Statement[], req: EvalRequest, vars: Map<string, Scalar>): { returned?: number } {
  for (const s of statements) {
    if (s.kind === "set-variable") vars.set(s.name, evalValue(s.value, req, vars));
    else if (s.kind === "choose") {
      const branch = s.when.find((w) => evalValue(w.condition, req, vars) === true);
      const r = run(branch ? branch.policies : (s.otherwise ?? []), req, vars);
      if (r.returned !== undefined) return r;
    } else if (s.kind === "return-response") return { returned: typeof s.status?.code === "number" ? s.status.code : 200 };
    // Other statements do not affect target selection.
  }
  return {};
}

/** Run the inbound section; returns the policy variables it leaves (or the status of a return-response). */
export function evaluateInbound(doc: PolicyDocument, req: EvalRequest): { vars: Map<string, Scalar>; returned?: number } {
  const vars = new Map<string, Scalar>();
  const r = run(doc.inbound, { ...req, headers: Object.fromEntries(Object.entries(req.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v])) }, vars);
  return { vars, ...r };
}
