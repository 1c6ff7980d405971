// Elements with child elements: retry, choose, set-header/-query-parameter, return-response,
// send-one-way-request, validate-azure-ad-token, validate-jwt (with required-claims), emit-token-metric,
// emit-metric.
import type { RequiredClaim, SetHeader, Statement, When } from "../ast";
import type { Value } from "../expr/ast";
import { isPlainLiteral, parseValue, renderValue } from "../value";
import { el, elementChildren, textContent, type XmlElement, type XmlNode } from "../xml";
import { childrenByName, liftAttrs, lowerAttrs, PolicyModelError, single, type AttrSpec, type ElementCodec } from "./codec";

const EXISTS_ACTION = { enum: ["override", "skip", "append", "delete"], expr: true } as const;
const HEADER_ATTRS: AttrSpec[] = [
  { attr: "name", field: "name", type: "string", required: true },
  { attr: "exists-action", field: "existsAction", type: EXISTS_ACTION },
];

const textEl = (name: string, value: Value): XmlElement => el(name, [], [{ text: renderValue(value) }]);
const liftText = (e: XmlElement, path: string): Value => parseValue(textContent(e, path));

function lowerHeader(h: { name: string; existsAction?: SetHeader["existsAction"]; values: Value[] }, name: string, path: string): XmlElement {
  return el(name, lowerAttrs(HEADER_ATTRS, h, path), h.values.map((v) => textEl("value", v)));
}
function liftHeader(e: XmlElement, path: string): Omit<SetHeader, "kind"> {
  const attrs = liftAttrs(HEADER_ATTRS, e, path) as { name: string; existsAction?: SetHeader["existsAction"] };
  const values = (childrenByName(e, path, ["value"]).get("value") ?? []).map((v, i) => liftText(v, `${path}/value[${i}]`));
  return { ...attrs, values };
}

const headerCodec = (name: "set-header" | "set-query-parameter"): ElementCodec => ({
  name,
  attrs: HEADER_ATTRS,
  lowerChildren: (n) => (n.values as Value[]).map((v) => textEl("value", v)),
  liftChildren: (e, path) => ({ values: liftHeader(e, path).values }),
});

const retry: ElementCodec = {
  name: "retry",
  attrs: [
    { attr: "condition", field: "condition", type: "value", required: true },
    { attr: "count", field: "count", type: "intValue", required: true },
    { attr: "interval", field: "interval", type: "intValue", required: true },
    { attr: "max-interval", field: "maxInterval", type: "int" },
    { attr: "delta", field: "delta", type: "int" },
    { attr: "first-fast-retry", field: "firstFastRetry", type: "bool" },
  ],
  lowerChildren: (n, ctx) => ctx.lowerStatements(n.policies as Statement[]),
  liftChildren: (e, path, ctx) => ({ policies: ctx.liftStatements(elementChildren(e, path), path) }),
};

const WHEN_ATTRS: AttrSpec[] = [{ attr: "condition", field: "condition", type: "value", required: true }];
const choose: ElementCodec = {
  name: "choose",
  attrs: [],
  lowerChildren: (n, ctx) => {
    const whens = n.when as When[];
    if (whens.length === 0) throw new PolicyModelError("choose", "needs at least one <when>");
    const out = whens.map((w) => el("when", lowerAttrs(WHEN_ATTRS, w as unknown as Record<string, unknown>, "choose/when"), ctx.lowerStatements(w.policies)));
    const otherwise = n.otherwise as Statement[] | undefined;
    if (otherwise) out.push(el("otherwise", [], ctx.lowerStatements(otherwise)));
    return out;
  },
  liftChildren: (e, path, ctx) => {
    const groups = childrenByName(e, path, ["when", "otherwise"]);
    const whens = groups.get("when") ?? [];
    if (whens.length === 0) throw new PolicyModelError(path, "<choose> needs at least one <when>");
    const when = whens.map((w, i) => {
      const p = `${path}/when[${i}]`;
      const { condition } = liftAttrs(WHEN_ATTRS, w, p) as { condition: Value };
      return { condition, policies: ctx.liftStatements(elementChildren(w, p), p) };
    });
    const o = single(groups, "otherwise", path);
    if (o && o.attributes.length > 0) throw new PolicyModelError(`${path}/otherwise`, "<otherwise> takes no attributes");
    return o ? { when, otherwise: ctx.liftStatements(elementChildren(o, `${path}/otherwise`), `${path}/otherwise`) } : { when };
  },
};

const STATUS_ATTRS: AttrSpec[] = [
  { attr: "code", field: "code", type: "intValue", required: true },
  { attr: "reason", field: "reason", type: "string" },
];

const returnResponse: ElementCodec = {
  name: "return-response",
  attrs: [{ attr: "response-variable-name", field: "responseVariableName", type: "string" }],
  lowerChildren: (n) => {
    const out: XmlNode[] = [];
    const status = n.status as Record<string, unknown> | undefined;
    if (status) out.push(el("set-status", lowerAttrs(STATUS_ATTRS, status, "return-response/set-status")));
    for (const h of n.headers as SetHeader[]) out.push(lowerHeader(h, "set-header", "return-response/set-header"));
    if (n.body !== undefined) out.push(textEl("set-body", n.body as Value));
    return out;
  },
  liftChildren: (e, path) => {
    const groups = childrenByName(e, path, ["set-status", "set-header", "set-body"]);
    const out: Record<string, unknown> = {};
    const status = single(groups, "set-status", path);
    if (status) out.status = liftAttrs(STATUS_ATTRS, status, `${path}/set-status`);
    out.headers = (groups.get("set-header") ?? []).map((h, i) => ({ kind: "set-header", ...liftHeader(h, `${path}/set-header[${i}]`) }));
    const body = single(groups, "set-body", path);
    if (body) out.body = liftText(body, `${path}/set-body`);
    return out;
  },
};

const sendOneWay: ElementCodec = {
  name: "send-one-way-request",
  attrs: [
    { attr: "mode", field: "mode", type: { enum: ["new", "copy"] } },
    { attr: "timeout", field: "timeout", type: "int" },
  ],
  lowerChildren: (n) => {
    const out: XmlNode[] = [];
    if (n.url !== undefined) out.push(textEl("set-url", n.url as Value));
    if (n.method !== undefined) out.push(textEl("set-method", n.method as string));
    for (const h of n.headers as SetHeader[]) out.push(lowerHeader(h, "set-header", "send-one-way-request/set-header"));
    if (n.body !== undefined) out.push(textEl("set-body", n.body as Value));
    return out;
  },
  liftChildren: (e, path) => {
    const groups = childrenByName(e, path, ["set-url", "set-method", "set-header", "set-body"]);
    const out: Record<string, unknown> = {};
    const url = single(groups, "set-url", path);
    if (url) out.url = liftText(url, `${path}/set-url`);
    const method = single(groups, "set-method", path);
    if (method) out.method = textContent(method, `${path}/set-method`);
    out.headers = (groups.get("set-header") ?? []).map((h, i) => ({ kind: "set-header", ...liftHeader(h, `${path}/set-header[${i}]`) }));
    const body = single(groups, "set-body", path);
    if (body) out.body = liftText(body, `${path}/set-body`);
    return out;
  },
};

const sendRequest: ElementCodec = {
  name: "send-request",
  attrs: [
    { attr: "mode", field: "mode", type: { enum: ["new", "copy"] } },
    { attr: "response-variable-name", field: "responseVariableName", type: "string", required: true },
    { attr: "timeout", field: "timeout", type: "int" },
    { attr: "ignore-error", field: "ignoreError", type: "bool" },
  ],
  lowerChildren: (n) => {
    const out: XmlNode[] = [textEl("set-url", n.url as Value), textEl("set-method", n.method as string)];
    for (const h of n.headers as SetHeader[]) out.push(lowerHeader(h, "set-header", "send-request/set-header"));
    if (n.body !== undefined) out.push(textEl("set-body", n.body as Value));
    return out;
  },
  liftChildren: (e, path) => {
    const groups = childrenByName(e, path, ["set-url", "set-method", "set-header", "set-body"]);
    const url = single(groups, "set-url", path);
    const method = single(groups, "set-method", path);
    if (!url || !method) throw new PolicyModelError(path, "<send-request> needs <set-url> and <set-method> in this model");
    const out: Record<string, unknown> = { url: liftText(url, `${path}/set-url`), method: textContent(method, `${path}/set-method`) };
    out.headers = (groups.get("set-header") ?? []).map((h, i) => ({ kind: "set-header", ...liftHeader(h, `${path}/set-header[${i}]`) }));
    const body = single(groups, "set-body", path);
    if (body) out.body = liftText(body, `${path}/set-body`);
    return out;
  },
};

const setBody: ElementCodec = {
  name: "set-body",
  attrs: [],
  lowerChildren: (n) => [{ text: renderValue(n.value as Value) }],
  liftChildren: (e, path) => ({ value: liftText(e, path) }),
};

/** `<wrapper><item>text</item>…</wrapper>` lists such as `<audiences><audience>…`. */
function lowerList(wrapper: string, item: string, values: string[]): XmlElement[] {
  const bad = values.find((v) => !isPlainLiteral(v));
  if (bad !== undefined) throw new PolicyModelError(`${wrapper}/${item}`, `${JSON.stringify(bad)} must be printable ASCII that neither starts with "@" nor contains "{{"`);
  return values.length === 0 ? [] : [el(wrapper, [], values.map((v) => el(item, [], [{ text: v }])))];
}
function liftList(groups: Map<string, XmlElement[]>, wrapper: string, item: string, path: string): string[] {
  const w = single(groups, wrapper, path);
  if (!w) return [];
  return (childrenByName(w, `${path}/${wrapper}`, [item]).get(item) ?? []).map((i) => textContent(i, `${path}/${wrapper}/${item}`));
}

const CLAIM_ATTRS: AttrSpec[] = [
  { attr: "name", field: "name", type: "string", required: true },
  { attr: "match", field: "match", type: { enum: ["all", "any"] } },
  { attr: "separator", field: "separator", type: "string" },
];

/** `<required-claims><claim …><value>…</value></claim></required-claims>` (absent when there are none). */
function lowerClaims(claims: RequiredClaim[] | undefined): XmlElement[] {
  if (!claims || claims.length === 0) return [];
  return [
    el(
      "required-claims",
      [],
      claims.map((c) => {
        const bad = c.values.find((v) => !isPlainLiteral(v));
        if (bad !== undefined) throw new PolicyModelError("required-claims/claim/value", `${JSON.stringify(bad)} must be printable ASCII that neither starts with "@" nor contains "{{"`);
        return el("claim", lowerAttrs(CLAIM_ATTRS, c as unknown as Record<string, unknown>, "required-claims/claim"), c.values.map((v) => el("value", [], [{ text: v }])));
      }),
    ),
  ];
}
function liftClaims(groups: Map<string, XmlElement[]>, path: string): { requiredClaims?: RequiredClaim[] } {
  const w = single(groups, "required-claims", path);
  if (!w) return {};
  const claims = (childrenByName(w, `${path}/required-claims`, ["claim"]).get("claim") ?? []).map((c, i) => {
    const p = `${path}/required-claims/claim[${i}]`;
    const attrs = liftAttrs(CLAIM_ATTRS, c, p) as Omit<RequiredClaim, "values">;
    const values = (childrenByName(c, p, ["value"]).get("value") ?? []).map((v, j) => textContent(v, `${p}/value[${j}]`));
    return { ...attrs, values };
  });
  return { requiredClaims: claims };
}

const validateAad: ElementCodec = {
  name: "validate-azure-ad-token",
  attrs: [
    { attr: "tenant-id", field: "tenantId", type: "string", required: true },
    { attr: "header-name", field: "headerName", type: "string" },
    { attr: "failed-validation-httpcode", field: "failedValidationHttpCode", type: "int" },
    { attr: "failed-validation-error-message", field: "failedValidationErrorMessage", type: "string" },
    { attr: "output-token-variable-name", field: "outputTokenVariableName", type: "string" },
  ],
  lowerChildren: (n) => [
    ...lowerList("client-application-ids", "application-id", n.clientApplicationIds as string[]),
    ...lowerList("audiences", "audience", n.audiences as string[]),
    ...lowerClaims(n.requiredClaims as RequiredClaim[] | undefined),
  ],
  liftChildren: (e, path) => {
    const groups = childrenByName(e, path, ["client-application-ids", "audiences", "required-claims"]);
    return { clientApplicationIds: liftList(groups, "client-application-ids", "application-id", path), audiences: liftList(groups, "audiences", "audience", path), ...liftClaims(groups, path) };
  },
};

const validateJwt: ElementCodec = {
  name: "validate-jwt",
  attrs: [
    { attr: "header-name", field: "headerName", type: "string" },
    { attr: "failed-validation-httpcode", field: "failedValidationHttpCode", type: "int" },
    { attr: "failed-validation-error-message", field: "failedValidationErrorMessage", type: "string" },
    { attr: "require-expiration-time", field: "requireExpirationTime", type: "bool" },
    { attr: "require-scheme", field: "requireScheme", type: "string" },
    { attr: "require-signed-tokens", field: "requireSignedTokens", type: "bool" },
    { attr: "output-token-variable-name", field: "outputTokenVariableName", type: "string" },
  ],
  lowerChildren: (n) => [
    ...(n.openidConfigUrls as string[]).map((url) => el("openid-config", [["url", url]])),
    ...lowerList("audiences", "audience", n.audiences as string[]),
    ...lowerList("issuers", "issuer", n.issuers as string[]),
    ...lowerClaims(n.requiredClaims as RequiredClaim[] | undefined),
  ],
  liftChildren: (e, path) => {
    const groups = childrenByName(e, path, ["openid-config", "audiences", "issuers", "required-claims"]);
    const openidConfigUrls = (groups.get("openid-config") ?? []).map(
      (o, i) => (liftAttrs([{ attr: "url", field: "url", type: "string", required: true }], o, `${path}/openid-config[${i}]`) as { url: string }).url,
    );
    return { openidConfigUrls, audiences: liftList(groups, "audiences", "audience", path), issuers: liftList(groups, "issuers", "issuer", path), ...liftClaims(groups, path) };
  },
};

const DIMENSION_ATTRS: AttrSpec[] = [
  { attr: "name", field: "name", type: "string", required: true },
  { attr: "value", field: "value", type: "value" },
];
const dimensionsCodec = (name: string): Pick<ElementCodec, "lowerChildren" | "liftChildren"> => ({
  lowerChildren: (n) => (n.dimensions as Array<Record<string, unknown>>).map((d) => el("dimension", lowerAttrs(DIMENSION_ATTRS, d, `${name}/dimension`))),
  liftChildren: (e, path) => ({
    dimensions: (childrenByName(e, path, ["dimension"]).get("dimension") ?? []).map((d, i) => liftAttrs(DIMENSION_ATTRS, d, `${path}/dimension[${i}]`)),
  }),
});

/** `emit-metric`: a custom metric; `value` defaults to 1 in APIM. */
const emitCustomMetric: ElementCodec = {
  name: "emit-metric",
  attrs: [
    { attr: "name", field: "name", type: "string", required: true },
    { attr: "namespace", field: "namespace", type: "string" },
    { attr: "value", field: "value", type: "value" },
  ],
  ...dimensionsCodec("emit-metric"),
};

const emitMetric = (name: "azure-openai-emit-token-metric" | "llm-emit-token-metric"): ElementCodec => ({
  name,
  attrs: [{ attr: "namespace", field: "namespace", type: "string" }],
  ...dimensionsCodec(name),
});

export const compoundCodecs: ElementCodec[] = [
  retry,
  choose,
  headerCodec("set-header"),
  headerCodec("set-query-parameter"),
  returnResponse,
  sendOneWay,
  sendRequest,
  setBody,
  validateAad,
  validateJwt,
  emitMetric("azure-openai-emit-token-metric"),
  emitMetric("llm-emit-token-metric"),
  emitCustomMetric,
];
