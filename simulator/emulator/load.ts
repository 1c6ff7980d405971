// Loads policy XML the way APIM does: `{{named value}}` references are replaced textually in the
// document before anything is parsed, then the XML is parsed into the typed AST with the one
// parser of gateway-policy. What runs is exactly the text that ships.
import { parsePolicy, type PolicyDocument } from "../../gateway-policy/index";
import { UnsupportedPolicyError } from "./errors";
import { escapeXml } from "../../core/text/escape-xml";

/** Substitutes named values into policy XML; every unknown name is reported at once. */
export function substituteNamedValuesInXml(xml: string, namedValues: ReadonlyMap<string, string>): string {
  const missing = new Set<string>();
  const out = xml.replace(/\{\{([A-Za-z0-9._-]+)\}\}/g, (whole, name: string) => {
    const v = namedValues.get(name);
    if (v === undefined) {
      missing.add(name);
      return whole;
    }
    return escapeXml(v);
  });
  if (missing.size > 0) {
    throw new UnsupportedPolicyError(`The policy references named values that are not defined: ${[...missing].map((n) => `{{${n}}}`).join(", ")}. Define them (e.g. from the strategy's named values) before running it.`);
  }
  return out;
}

export function loadPolicyXml(xml: string, namedValues: ReadonlyMap<string, string>): PolicyDocument {
  return parsePolicy(substituteNamedValuesInXml(xml, namedValues));
}
