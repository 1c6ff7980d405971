// Exact XML for a small document, and parse errors with positions and element paths.
import { describe, expect, it } from "vitest";
import { expr as x, parsePolicy, PolicyModelError, PolicyXmlError, printXml, renderPolicy, SUPPORTED_ELEMENTS, type PolicyDocument, type Statement, type XmlElement } from "../../gateway-policy/index";

describe("renderPolicy", () => {
  it("renders all four sections, fixed attribute order, XML-escaped expressions", () => {
    const doc: PolicyDocument = {
      inbound: [{ kind: "base" }, { kind: "set-backend-service", backendId: "chat-stable" }],
      backend: [{ kind: "retry", condition: x.statusIs(429), count: 2, interval: 0, firstFastRetry: true, policies: [{ kind: "forward-request", timeout: 60, bufferRequestBody: true }] }],
      outbound: [{ kind: "base" }],
      onError: [],
    };
    expect(renderPolicy(doc)).toBe(
      [
        "<policies>",
        "    <inbound>",
        "        <base/>",
        '        <set-backend-service backend-id="chat-stable"/>',
        "    </inbound>",
        "    <backend>",
        '        <retry condition="@((context.Response != null) &amp;&amp; (context.Response.StatusCode == 429))" count="2" interval="0" first-fast-retry="true">',
        '            <forward-request timeout="60" buffer-request-body="true"/>',
        "        </retry>",
        "    </backend>",
        "    <outbound>",
        "        <base/>",
        "    </outbound>",
        "    <on-error/>",
        "</policies>",
        "",
      ].join("\n"),
    );
  });

  it("refuses expressions in attributes that do not allow them", () => {
    expect(() => renderPolicy({ inbound: [{ kind: "set-variable", name: "@(evil)", value: "v" }], backend: [], outbound: [], onError: [] })).toThrow(
      new PolicyModelError("set-variable", 'attribute name="@(evil)" does not allow expressions; use printable ASCII that neither starts with "@" nor contains "{{"'),
    );
  });

  it("set-header exists-action: one of the four, or a typed expression (Learn allows expressions there), parsed back to the same node", () => {
    const route = x.variable("aoai-route", "string");
    const header = { kind: "set-header" as const, name: "x-aoai-route", existsAction: x.conditional(x.neq(route, x.str("")), x.str("override"), x.str("delete")), values: [route] };
    const doc: PolicyDocument = { inbound: [], backend: [], outbound: [header], onError: [{ kind: "return-response", headers: [header] }] };
    const xml = renderPolicy(doc);
    expect(xml).toContain(
      '<set-header name="x-aoai-route" exists-action="@((context.Variables.GetValueOrDefault&lt;string&gt;(&quot;aoai-route&quot;, &quot;&quot;) != &quot;&quot;) ? &quot;override&quot; : &quot;delete&quot;)">',
    );
    expect(parsePolicy(xml)).toEqual(doc);
    // Raw C# is outside the type (Expr); the codec refuses it for documents built without the types too.
    const raw = { kind: "set-header", name: "h", existsAction: { kind: "raw", code: '"delete"', block: false }, values: [] } as unknown as Statement;
    expect(() => renderPolicy({ inbound: [raw], backend: [], outbound: [], onError: [] })).toThrow('set-header: attribute exists-action must be one of override, skip, append, delete or a typed expression, got raw C#');
    expect(() => parsePolicy('<policies><inbound><set-header name="h" exists-action="@(DateTime.Now.Ticks % 2 == 0 ? &quot;skip&quot; : &quot;delete&quot;)"/></inbound></policies>')).toThrow(/exists-action=.* must be one of override, skip, append, delete or a typed expression$/);
    expect(() => parsePolicy('<policies><inbound><set-header name="h" exists-action="replace"/></inbound></policies>')).toThrow('attribute exists-action="replace" is not one of override, skip, append, delete');
  });

  it("supports the elements the issue lists", () => {
    expect([...SUPPORTED_ELEMENTS].sort()).toEqual([
      "authentication-managed-identity", "azure-openai-emit-token-metric", "azure-openai-token-limit", "base", "cache-lookup-value", "cache-store-value", "choose",
      "emit-metric", "forward-request", "llm-emit-token-metric", "llm-token-limit", "rate-limit-by-key", "retry", "return-response", "rewrite-uri", "send-one-way-request",
      "send-request", "set-backend-service", "set-body", "set-header", "set-query-parameter", "set-variable", "trace", "validate-azure-ad-token", "validate-jwt",
    ]);
  });

  it("renders and parses trace: literal source, message and metadata values", () => {
    const doc: PolicyDocument = {
      inbound: [{ kind: "trace", source: "aoai-fleet", severity: "information", message: x.concat(x.str("aoai-arm="), x.variable("aoai-target-label", "string")), metadata: [{ name: "route", value: "chat" }] }],
      backend: [],
      outbound: [],
      onError: [],
    };
    const xml = renderPolicy(doc);
    expect(xml.split("\n").slice(1, 6)).toEqual([
      "    <inbound>",
      '        <trace source="aoai-fleet" severity="information">',
      "            <message>@(&quot;aoai-arm=&quot; + context.Variables.GetValueOrDefault&lt;string&gt;(&quot;aoai-target-label&quot;, &quot;&quot;))</message>",
      '            <metadata name="route" value="chat"/>',
      "        </trace>",
    ]);
    expect(parsePolicy(xml)).toEqual(doc);
    expect(() => parsePolicy(xml.replace(/<message>.*<\/message>\n\s*/, ""))).toThrow("<trace> needs a <message>");
  });
});

describe("printXml", () => {
  const tree = (first: string, second: string): XmlElement => ({
    name: "policies",
    attributes: [],
    children: [
      { name: "inbound", attributes: [["note", "fine"]], children: [{ name: "set-variable", attributes: [["value", first]], children: [] }] },
      { name: "outbound", attributes: [], children: [{ text: second }] },
    ],
  });

  it("refuses a value XML 1.0 cannot carry, naming the first in document order (attribute or text)", () => {
    expect(() => printXml(tree("a\u0001", "b\uFFFF"))).toThrow(new PolicyXmlError('attribute value "a\\u0001" contains characters XML cannot represent'));
    expect(() => printXml(tree("a", "b\uFFFF"))).toThrow(PolicyXmlError);
    expect(() => printXml(tree("a", "b\uFFFF"))).toThrow('"b\uFFFF" contains characters XML cannot represent');
    expect(printXml(tree("tab\there", "line\nfeed"))).toContain('value="tab\there"');
  });
});

describe("parsePolicy errors", () => {
  it("malformed XML reports line and column", () => {
    const bad = "<policies>\n  <inbound>\n    <base/>\n  </outbound>\n</policies>";
    expect(() => parsePolicy(bad)).toThrow(PolicyXmlError);
    expect(() => parsePolicy(bad)).toThrow(/^4:\d+: could not parse policy XML: Expected closing tag 'inbound'/);
  });

  it("unknown elements and attributes name the element path", () => {
    expect(() => parsePolicy("<policies><inbound><base/><choose><when condition=\"true\"><mock-response/></when></choose></inbound></policies>")).toThrow(
      /^policies\/inbound\/choose\[1\]\/when\[0\]\/mock-response\[0\]: unsupported policy element <mock-response>; supported: base, /,
    );
    expect(() => parsePolicy('<policies><backend><forward-request timeout="ten"/></backend></policies>')).toThrow(
      'policies/backend/forward-request[0]: attribute timeout="ten" must be an integer',
    );
    expect(() => parsePolicy('<policies><inbound><retry count="1" interval="0"/></inbound></policies>')).toThrow(
      "policies/inbound/retry[0]: <retry> is missing required attribute condition",
    );
  });

  it("missing sections parse as empty; APIM's escaped form parses to typed expressions", () => {
    const doc = parsePolicy('<policies><inbound><set-variable name="c" value="@(context.Request.Headers.GetValueOrDefault(&quot;x&quot;, &quot;&quot;) == &quot;y&quot;)"/></inbound></policies>');
    expect(doc).toEqual({ inbound: [{ kind: "set-variable", name: "c", value: x.eq(x.requestHeader("x"), x.str("y")) }], backend: [], outbound: [], onError: [] });
  });
});
