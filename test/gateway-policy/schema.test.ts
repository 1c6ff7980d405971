// The structural schema catches what APIM would reject (so a passing golden check means something).
import { describe, expect, it } from "vitest";
import { checkPolicyXml } from "../../gateway-policy/index";

const wrap = (section: string, body: string) => `<policies><${section}>${body}</${section}></policies>`;

describe("checkPolicyXml", () => {
  it.each<[string, string, Array<{ path: string; message: string }>]>([
    ["retry count above 50", wrap("backend", '<retry condition="true" count="51" interval="0"><forward-request buffer-request-body="true"/></retry>'), [{ path: "policies/backend/retry[0]", message: "attribute count=51 is outside 1–50" }]],
    ["forward-request in retry without buffered body", wrap("backend", '<retry condition="true" count="1" interval="0"><forward-request/></retry>'), [{ path: "policies/backend/retry[0]", message: 'forward-request inside retry needs buffer-request-body="true"' }]],
    ["forward-request outside backend", wrap("inbound", "<forward-request/>"), [{ path: "policies/inbound/forward-request[0]", message: "<forward-request> is not allowed in the inbound section" }]],
    ["set-body as a policy in on-error (Learn: inbound, outbound, backend)", wrap("on-error", "<set-body>x</set-body>"), [{ path: "policies/on-error/set-body[0]", message: "<set-body> is not allowed in the on-error section" }]],
    ["expression where none is allowed", wrap("inbound", '<set-variable name="@(1)" value="v"/>'), [{ path: "policies/inbound/set-variable[0]", message: "attribute name does not allow policy expressions" }]],
    ["missing required attribute", wrap("inbound", '<set-variable name="v"/>'), [{ path: "policies/inbound/set-variable[0]", message: "<set-variable> is missing required attribute value" }]],
    ["bad child", wrap("inbound", '<set-header name="h"><set-body>x</set-body></set-header>'), [{ path: "policies/inbound/set-header[0]/set-body[0]", message: "<set-body> is not allowed inside <set-header>" }]],
    ["six metric dimensions", wrap("inbound", `<llm-emit-token-metric>${'<dimension name="a"/>'.repeat(6)}</llm-emit-token-metric>`), [{ path: "policies/inbound/llm-emit-token-metric[0]", message: "6 dimensions; at most 5 are allowed" }]],
    ["token limit without a limit", wrap("inbound", '<azure-openai-token-limit counter-key="k" estimate-prompt-tokens="false"/>'), [{ path: "policies/inbound/azure-openai-token-limit[0]", message: "needs tokens-per-minute or token-quota with token-quota-period" }]],
    ["rate limit window above 300 s", wrap("inbound", '<rate-limit-by-key calls="1" renewal-period="301" counter-key="k"/>'), [{ path: "policies/inbound/rate-limit-by-key[0]", message: "attribute renewal-period=301 is outside 1–300" }]],
    ["validate-azure-ad-token without client ids", wrap("inbound", '<validate-azure-ad-token tenant-id="t"/>'), [{ path: "policies/inbound/validate-azure-ad-token[0]", message: "<validate-azure-ad-token> needs a <client-application-ids> child" }]],
    ["both backend-id and base-url", wrap("inbound", '<set-backend-service backend-id="a" base-url="https://b"/>'), [{ path: "policies/inbound/set-backend-service[0]", message: "needs exactly one of backend-id or base-url" }]],
    ["bad enum", wrap("inbound", '<set-header name="h" exists-action="replace"/>'), [{ path: "policies/inbound/set-header[0]", message: "attribute exists-action=\"replace\" is not one of override, skip, append, delete" }]],
    ["unknown element", wrap("outbound", "<mystery/>"), [{ path: "policies/outbound/mystery[0]", message: "<mystery> is not a known policy element" }]],
  ])("%s", (_name, xml, violations) => {
    expect(checkPolicyXml(xml)).toEqual(violations);
  });
});
