import { z } from "zod";
import { policiesOfApi } from "./gateway-links";
import { inputAt, listOf, stringAt, types } from "./inputs";
import { allElements, parsePolicyXml } from "./policy-xml";
import { defineStackRule, type Finding, type PlannedResource } from "./types";
import { isType } from "./resource-kinds";

/**
 * Every gateway API must authenticate callers: an APIM subscription key (the default) and/or a token
 * check in its policy. Anonymous APIs let anyone spend the fleet's quota.
 * @severity critical
 */
export const aoaiApiEnforceAuthentication = defineStackRule({
  name: "aoai-api-enforce-authentication",
  description: "APIM APIs in front of Azure OpenAI must require a subscription key or validate a token in their policy.",
  severity: "critical",
  enforcementLevel: "mandatory",
  options: z
    .object({
      acceptSubscriptionKey: z
        .boolean()
        .default(true)
        .describe("Accept an APIM subscription key alone as authentication (false requires a token check)."),
      tokenValidationElements: z
        .array(z.string().min(1))
        .min(1)
        .default(["validate-azure-ad-token", "validate-jwt"])
        .describe("Policy elements that count as a token check."),
    })
    .strict(),
  validate(resources, options) {
    const findings: Finding[] = [];
    const checks = listOf(options.tokenValidationElements);
    for (const api of resources.filter((r) => isType(r, types.api))) {
      const subscriptionRequired = inputAt(api, "subscriptionRequired") !== false; // APIM defaults to true
      // Only the API's own policy and the service-wide policy it inherits (<base /> in inbound) guard
      // every operation; an operation policy guards one operation, and a check outside inbound runs
      // after the backend already answered.
      const apiPolicies = policiesOfApi(api, resources).filter((doc) => isType(doc, types.apiPolicy));
      const serviceName = stringAt(api, "serviceName");
      const inherits = apiPolicies.length === 0 || apiPolicies.some((doc) => inInbound(doc, ["base"]));
      const servicePolicies = inherits
        ? resources.filter((r) => isType(r, types.servicePolicy) && (serviceName === undefined || stringAt(r, "serviceName") === undefined || stringAt(r, "serviceName") === serviceName))
        : [];
      const validatesToken = [...apiPolicies, ...servicePolicies].some((doc) => inInbound(doc, options.tokenValidationElements));
      if (validatesToken) continue;
      if (!subscriptionRequired) {
        findings.push({ resource: api, message: `API "${api.name}" sets subscriptionRequired: false and its policy has no ${checks}, so anyone who finds the URL can call it; require a subscription key or add ${checks} to the API policy.` });
      } else if (!options.acceptSubscriptionKey) {
        findings.push({ resource: api, message: `API "${api.name}" relies on subscription keys alone, which this environment does not accept; add ${checks} to the API policy so callers present an Entra ID token.` });
      }
    }
    return findings;
  },
});

/** Whether one of the elements sits in the document's inbound section (at any depth). */
function inInbound(doc: PlannedResource, names: readonly string[]): boolean {
  const xml = stringAt(doc, "value");
  const parsed = xml === undefined ? undefined : parsePolicyXml(xml);
  if (parsed === undefined || "error" in parsed) return false;
  return allElements(parsed.root).some((e) => names.includes(e.name) && e.path.startsWith("policies/inbound/"));
}
