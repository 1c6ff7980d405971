// Structural schema of the APIM policy elements we emit, written from Microsoft's policy reference
// (learn.microsoft.com/azure/api-management/*-policy, summarised in shared/reference/apim-policies.md §2).
// It checks XML text independently of our AST: allowed sections and children, required attributes,
// attribute types and ranges, and where policy expressions are not allowed.
import { isElement, parseXml, type XmlElement } from "./xml";

type Section = "inbound" | "backend" | "outbound" | "on-error";
const ALL: Section[] = ["inbound", "backend", "outbound", "on-error"];

interface AttrRule {
  type: "string" | "int" | "bool" | { enum: readonly string[] };
  required?: boolean;
  /** Policy expressions allowed in this attribute. */
  expr: boolean;
  min?: number;
  max?: number;
}
interface ElementRule {
  /** Sections where a policy may appear; absent for elements that only nest inside another element. */
  sections?: Section[];
  attrs: Record<string, AttrRule>;
  /** Allowed child element names, or "policies" for any policy statement. */
  children?: readonly string[] | "policies";
  requiredChildren?: string[];
  /** Holds text (a value or expression) rather than elements. */
  text?: boolean;
  check?: (e: XmlElement, fail: (msg: string) => void) => void;
}

const s = (required = false, expr = true): AttrRule => ({ type: "string", required, expr });
const n = (min: number, max: number, required = false, expr = true): AttrRule => ({ type: "int", required, expr, min, max });
const b = (required = false, expr = true): AttrRule => ({ type: "bool", required, expr });
const oneOf = (values: readonly string[], expr = false): AttrRule => ({ type: { enum: values }, expr });
const INT_MAX = 2_147_483_647;
const HEADER_ATTRS = { name: s(true), "exists-action": oneOf(["override", "skip", "append", "delete"], true) };
const attr = (e: XmlElement, name: string) => e.attributes.find(([k]) => k === name)?.[1];

export const POLICY_SCHEMA: Record<string, ElementRule> = {
  base: { sections: ALL, attrs: {} },
  "set-backend-service": {
    sections: ["inbound", "backend"],
    attrs: { "backend-id": s(), "base-url": s() },
    check: (e, fail) => {
      if ((attr(e, "backend-id") === undefined) === (attr(e, "base-url") === undefined)) fail("needs exactly one of backend-id or base-url");
    },
  },
  "forward-request": {
    sections: ["backend"],
    attrs: {
      timeout: n(0, INT_MAX), "timeout-ms": n(0, INT_MAX), "continue-timeout": n(0, INT_MAX), "http-version": oneOf(["1", "2", "2or1"]),
      "follow-redirects": b(), "buffer-request-body": b(false, false), "buffer-response": b(false, false), "fail-on-error-status-code": b(false, false),
    },
    check: (e, fail) => {
      if (attr(e, "timeout") !== undefined && attr(e, "timeout-ms") !== undefined) fail("timeout and timeout-ms are mutually exclusive");
    },
  },
  retry: {
    sections: ALL,
    attrs: { condition: s(true), count: n(1, 50, true), interval: n(0, INT_MAX, true), "max-interval": n(0, INT_MAX), delta: n(0, INT_MAX), "first-fast-retry": b() },
    children: "policies",
    check: (e, fail) => {
      // A request body can only be replayed on retry when it was buffered.
      for (const c of e.children) if (isElement(c) && c.name === "forward-request" && attr(c, "buffer-request-body") !== "true") fail('forward-request inside retry needs buffer-request-body="true"');
      if (e.children.some((c) => isElement(c) && c.name === "wait")) fail("wait is not allowed inside retry");
    },
  },
  choose: { sections: ALL, attrs: {}, children: ["when", "otherwise"], requiredChildren: ["when"],
    check: (e, fail) => {
      const names = e.children.filter(isElement).map((c) => c.name);
      if (names.filter((x) => x === "otherwise").length > 1 || (names.includes("otherwise") && names[names.length - 1] !== "otherwise")) fail("at most one otherwise, after every when");
    } },
  when: { attrs: { condition: s(true) }, children: "policies" },
  otherwise: { attrs: {}, children: "policies" },
  "set-variable": { sections: ALL, attrs: { name: s(true, false), value: s(true), id: s(false, false) } },
  "set-header": { sections: ALL, attrs: HEADER_ATTRS, children: ["value"] },
  "set-query-parameter": { sections: ["inbound", "backend"], attrs: HEADER_ATTRS, children: ["value"] },
  value: { attrs: {}, text: true },
  "rewrite-uri": { sections: ["inbound"], attrs: { template: s(true), "copy-unmatched-params": b(false, false) } },
  "return-response": { sections: ALL, attrs: { "response-variable-name": s(false, false) }, children: ["set-status", "set-header", "set-body"] },
  "set-status": { attrs: { code: n(100, 599, true), reason: s() } },
  // Learn, set-body policy, Usage: "Policy sections: inbound, outbound, backend" (as a child of return-response or send-request it is not a policy).
  "set-body": { sections: ["inbound", "outbound", "backend"], attrs: { template: oneOf(["liquid"]), "xsi-nil": oneOf(["blank", "null"]), "parse-date": b(false, false) }, text: true },
  "set-url": { attrs: {}, text: true },
  "set-method": { attrs: {}, text: true },
  "send-one-way-request": {
    sections: ALL,
    attrs: { mode: oneOf(["new", "copy"], true), timeout: n(1, INT_MAX) },
    children: ["set-url", "set-method", "set-header", "set-body", "authentication-certificate", "proxy"],
    check: (e, fail) => {
      if (attr(e, "mode") !== "copy" && !e.children.some((c) => isElement(c) && c.name === "set-url")) fail("set-url is required unless mode is copy");
    },
  },
  "send-request": {
    sections: ALL,
    attrs: { mode: oneOf(["new", "copy"], true), "response-variable-name": s(true, false), timeout: n(1, INT_MAX), "ignore-error": b(false, false) },
    children: ["set-url", "set-method", "set-header", "set-body", "authentication-certificate", "authentication-managed-identity", "proxy"],
    check: (e, fail) => {
      if (attr(e, "mode") !== "copy" && !e.children.some((c) => isElement(c) && c.name === "set-url")) fail("set-url is required unless mode is copy");
    },
  },
  "authentication-managed-identity": {
    sections: ["inbound"],
    attrs: { resource: s(true), "client-id": s(false, false), "output-token-variable-name": s(false, false), "ignore-error": b() },
  },
  "validate-azure-ad-token": {
    sections: ["inbound"],
    attrs: {
      "tenant-id": s(true), "header-name": s(), "query-parameter-name": s(), "token-value": s(), "failed-validation-httpcode": n(100, 599),
      "failed-validation-error-message": s(), "output-token-variable-name": s(false, false),
    },
    children: ["client-application-ids", "backend-application-ids", "audiences", "required-claims"],
    requiredChildren: ["client-application-ids"],
  },
  "client-application-ids": { attrs: {}, children: ["application-id"], requiredChildren: ["application-id"] },
  "backend-application-ids": { attrs: {}, children: ["application-id"] },
  "application-id": { attrs: {}, text: true },
  "validate-jwt": {
    sections: ["inbound"],
    attrs: {
      "header-name": s(), "query-parameter-name": s(), "token-value": s(), "failed-validation-httpcode": n(100, 599), "failed-validation-error-message": s(),
      "require-expiration-time": b(), "require-scheme": s(), "require-signed-tokens": b(), "clock-skew": n(0, INT_MAX), "output-token-variable-name": s(false, false),
    },
    children: ["openid-config", "issuer-signing-keys", "decryption-keys", "audiences", "issuers", "required-claims"],
  },
  "openid-config": { attrs: { url: s(true, false) } },
  audiences: { attrs: {}, children: ["audience"], requiredChildren: ["audience"] },
  audience: { attrs: {}, text: true },
  issuers: { attrs: {}, children: ["issuer"], requiredChildren: ["issuer"] },
  issuer: { attrs: {}, text: true },
  "rate-limit-by-key": {
    sections: ["inbound"],
    attrs: {
      calls: n(1, INT_MAX, true), "renewal-period": n(1, 300, true), "counter-key": s(true), "increment-condition": s(), "increment-count": n(1, INT_MAX),
      "retry-after-header-name": s(false, false), "retry-after-variable-name": s(false, false), "remaining-calls-header-name": s(false, false),
      "remaining-calls-variable-name": s(false, false), "total-calls-header-name": s(false, false),
    },
  },
  "cache-lookup-value": { sections: ALL, attrs: { key: s(true), "variable-name": s(true, false), "default-value": s(), "caching-type": oneOf(["prefer-external", "external", "internal"]) } },
  "cache-store-value": { sections: ALL, attrs: { key: s(true), value: s(true), duration: n(0, INT_MAX, true), "caching-type": oneOf(["prefer-external", "external", "internal"]) } },
  dimension: { attrs: { name: s(true), value: s() } },
  "required-claims": { attrs: {}, children: ["claim"], requiredChildren: ["claim"] },
  claim: { attrs: { name: s(true, false), match: oneOf(["all", "any"]), separator: s(false, false) }, children: ["value"], requiredChildren: ["value"] },
  trace: {
    sections: ALL,
    attrs: { source: s(true, false), severity: oneOf(["verbose", "information", "error"]) },
    children: ["message", "metadata"],
    requiredChildren: ["message"],
  },
  message: { attrs: {}, text: true },
  metadata: { attrs: { name: s(true), value: s(true) } },
  "emit-metric": {
    sections: ALL,
    attrs: { name: s(true, false), namespace: s(false, false), value: s() },
    children: ["dimension"],
    requiredChildren: ["dimension"],
    check: (e, fail) => {
      const count = e.children.filter((c) => isElement(c) && c.name === "dimension").length;
      if (count > 5) fail(`${count} dimensions; at most 5 are allowed`);
    },
  },
};

const tokenLimit: ElementRule = {
  sections: ["inbound"],
  attrs: {
    "counter-key": s(true), "tokens-per-minute": n(1, INT_MAX), "token-quota": n(1, Number.MAX_SAFE_INTEGER, false, false),
    "token-quota-period": oneOf(["Hourly", "Daily", "Weekly", "Monthly", "Yearly"]), "estimate-prompt-tokens": b(true, false),
    "retry-after-header-name": s(false, false), "retry-after-variable-name": s(false, false), "remaining-tokens-header-name": s(false, false),
    "remaining-tokens-variable-name": s(false, false), "remaining-quota-tokens-header-name": s(false, false), "remaining-quota-tokens-variable-name": s(false, false),
    "tokens-consumed-header-name": s(false, false), "tokens-consumed-variable-name": s(false, false),
  },
  check: (e, fail) => {
    const tpm = attr(e, "tokens-per-minute") !== undefined;
    const quota = attr(e, "token-quota") !== undefined;
    if (!tpm && !quota) fail("needs tokens-per-minute or token-quota with token-quota-period");
    if (quota !== (attr(e, "token-quota-period") !== undefined)) fail("token-quota and token-quota-period go together");
  },
};
const emitMetric: ElementRule = {
  sections: ["inbound"],
  attrs: { namespace: s(false, false), value: s() },
  children: ["dimension"],
  requiredChildren: ["dimension"],
  check: (e, fail) => {
    const count = e.children.filter((c) => isElement(c) && c.name === "dimension").length;
    if (count > 5) fail(`${count} dimensions; at most 5 are allowed`);
  },
};
POLICY_SCHEMA["azure-openai-token-limit"] = tokenLimit;
POLICY_SCHEMA["llm-token-limit"] = tokenLimit;
POLICY_SCHEMA["azure-openai-emit-token-metric"] = emitMetric;
POLICY_SCHEMA["llm-emit-token-metric"] = emitMetric;

export interface SchemaViolation {
  path: string;
  message: string;
}

const isExpression = (v: string) => v.startsWith("@(") || v.startsWith("@{");

function checkAttr(name: string, value: string, rule: AttrRule, fail: (m: string) => void): void {
  if (isExpression(value)) {
    if (!rule.expr) fail(`attribute ${name} does not allow policy expressions`);
    return;
  }
  if (rule.type === "int") {
    if (!/^-?[0-9]+$/.test(value)) return fail(`attribute ${name}="${value}" must be an integer`);
    const v = Number(value);
    if ((rule.min !== undefined && v < rule.min) || (rule.max !== undefined && v > rule.max)) fail(`attribute ${name}=${v} is outside ${rule.min}–${rule.max}`);
  } else if (rule.type === "bool") {
    if (value !== "true" && value !== "false") fail(`attribute ${name}="${value}" must be true or false`);
  } else if (typeof rule.type === "object" && !rule.type.enum.includes(value)) {
    fail(`attribute ${name}="${value}" is not one of ${rule.type.enum.join(", ")}`);
  }
}

function checkElement(e: XmlElement, path: string, section: Section | null, out: SchemaViolation[], asPolicy: boolean): void {
  const fail = (message: string): void => {
    out.push({ path, message });
  };
  const rule = POLICY_SCHEMA[e.name];
  if (!rule) return fail(`<${e.name}> is not a known policy element`);
  if (asPolicy && (!rule.sections || (section && !rule.sections.includes(section)))) fail(`<${e.name}> is not allowed in the ${section} section`);
  for (const [name, value] of e.attributes) {
    const ar = rule.attrs[name];
    if (!ar) fail(`unknown attribute ${name} on <${e.name}>`);
    else checkAttr(name, value, ar, fail);
  }
  for (const [name, ar] of Object.entries(rule.attrs)) if (ar.required && attr(e, name) === undefined) fail(`<${e.name}> is missing required attribute ${name}`);
  const elements = e.children.filter(isElement);
  if (rule.text && elements.length > 0) fail(`<${e.name}> holds text, not elements`);
  if (!rule.text && e.children.some((c) => !isElement(c) && c.text.trim() !== "")) fail(`<${e.name}> does not take text content`);
  for (const req of rule.requiredChildren ?? []) if (!elements.some((c) => c.name === req)) fail(`<${e.name}> needs a <${req}> child`);
  elements.forEach((c, i) => {
    const childPath = `${path}/${c.name}[${i}]`;
    if (rule.children === "policies") return checkElement(c, childPath, section, out, true);
    if (!rule.children?.includes(c.name)) out.push({ path: childPath, message: `<${c.name}> is not allowed inside <${e.name}>` });
    else checkElement(c, childPath, section, out, false);
  });
  rule.check?.(e, fail);
}

/** Check policy XML against the schema; returns every violation (empty = valid). */
export function checkPolicyXml(xml: string): SchemaViolation[] {
  const root = parseXml(xml);
  const out: SchemaViolation[] = [];
  if (root.name !== "policies") return [{ path: root.name, message: "root element must be <policies>" }];
  const seen = new Set<string>();
  for (const section of root.children.filter(isElement)) {
    const path = `policies/${section.name}`;
    if (!ALL.includes(section.name as Section)) { out.push({ path, message: `<${section.name}> is not a policy section` }); continue; }
    if (seen.has(section.name)) out.push({ path, message: "section appears twice" });
    seen.add(section.name);
    section.children.filter(isElement).forEach((c, i) => checkElement(c, `${path}/${c.name}[${i}]`, section.name as Section, out, true));
  }
  return out;
}
