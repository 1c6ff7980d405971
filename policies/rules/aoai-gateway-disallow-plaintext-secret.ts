import { z } from "zod";
import { inputAt, policyDocumentTypes, stringAt, types } from "./inputs";
import { allElements, parsePolicyXml } from "./policy-xml";
import { backendCredentialValues } from "./backend-credentials";
import { backendUrlProblems, defaultSensitiveUrlParameters } from "./backend-url";
import { isNamedValueReference, isReference, literalPart, secretKinds } from "./secrets";
import { defineResourceRule, type PlannedResource } from "./types";
import { isType } from "./resource-kinds";

function compiles(source: string): boolean {
  try {
    new RegExp(source);
    return true;
  } catch {
    return false;
  }
}
const regexSource = z.string().min(1).refine(compiles, { error: "must be a valid JavaScript regular expression" });

/**
 * Keeps keys and tokens out of APIM policy documents, out of backends' credentials, urls and proxy
 * passwords, and out of plain (non-secret) named values: all of them are readable by anyone who can
 * read the service's configuration (policy XML also by anyone who can trace a request).
 * @severity critical
 */
export const aoaiGatewayDisallowPlaintextSecret = defineResourceRule({
  name: "aoai-gateway-disallow-plaintext-secret",
  description: "APIM policy documents, backend credentials, urls and proxy passwords, and non-secret named values must not contain keys, tokens or other credentials.",
  severity: "critical",
  enforcementLevel: "mandatory",
  options: z
    .object({
      sensitiveHeaders: z
        .array(z.string().min(1))
        .default(["api-key", "Authorization", "Ocp-Apim-Subscription-Key", "x-api-key", "x-functions-key"])
        .describe("Headers and query parameters, in policies and in backend credentials, whose value must come from a named value (in policies also an expression); Authorization also covers a backend's credentials.authorization.parameter."),
      sensitiveNamePattern: regexSource
        .default("(^|[-_.])(api-?key|key|secret|password|passwd|pwd|credential|connection-?string|access-?token|bearer-?token|sas(-?token)?|subscription-?key)($|[-_.])")
        .describe("Case-insensitive regex: named values whose name matches must be secret or Key Vault backed."),
      sensitiveUrlParameters: z
        .array(z.string().min(1))
        .default([...defaultSensitiveUrlParameters])
        .describe("Query parameter names (case-insensitive) in a backend's url or proxy.url whose non-empty literal value counts as a secret; a {{name}} reference is not a literal."),
      extraPatterns: z.array(regexSource).default([]).describe("Extra regex sources that count as secrets."),
    })
    .strict(),
  resourceTypes: [...policyDocumentTypes, types.namedValue, types.backend],
  validate(resource, options) {
    if (isType(resource, types.namedValue)) return checkNamedValue(resource, options);
    if (isType(resource, types.backend)) return checkBackend(resource, options);
    return checkPolicyDocument(resource, options);
  },
});

interface Options {
  sensitiveHeaders: string[];
  sensitiveUrlParameters: string[];
  sensitiveNamePattern: string;
  extraPatterns: string[];
}

function checkPolicyDocument(resource: PlannedResource, options: Options): string[] {
  const xml = stringAt(resource, "value");
  if (xml === undefined) return [];
  const label = `Policy document "${resource.name}"`;
  const parsed = parsePolicyXml(xml);
  if ("error" in parsed) {
    return [`${label} is not well-formed XML (${parsed.error}), so it cannot be checked for embedded secrets; fix the XML.`];
  }
  const sensitive = options.sensitiveHeaders.map((h) => h.toLowerCase());
  const problems: string[] = [];
  for (const element of allElements(parsed.root)) {
    const isSetter = element.name === "set-header" || element.name === "set-query-parameter";
    const target = element.attributes.name;
    if (isSetter && target !== undefined && sensitive.includes(target.toLowerCase())) {
      const literal = element.children.filter((c) => c.name === "value" && c.text !== "" && !isReference(c.text));
      if (literal.length > 0) {
        problems.push(`${label} sets ${element.name === "set-header" ? "header" : "query parameter"} "${target}" to a literal value at ${element.path}; reference a secret named value ({{name}}) or use authentication-managed-identity instead of embedding the credential.`);
        continue;
      }
    }
    // Credentials that policies take as attributes or key elements rather than headers:
    // authentication-basic/-certificate password="…", validate-jwt's symmetric <key>s.
    const password = element.attributes.password;
    if (password !== undefined && password !== "" && !isReference(password)) {
      problems.push(`${label} sets ${element.name} password to a literal value at ${element.path}; reference a secret named value ({{name}}) or use authentication-managed-identity instead of embedding the credential.`);
      continue;
    }
    if (element.name === "key" && /\/(issuer-signing-keys|decryption-keys)\/key$/.test(element.path) && element.text !== "" && !isReference(element.text)) {
      problems.push(`${label} embeds a literal signing or decryption key at ${element.path}; reference a secret named value ({{name}}) or use openid-config / certificate-id instead.`);
      continue;
    }
    // Expressions are scanned too: a key inside @("…") or @{ return "Bearer …"; } is still in plain text.
    const texts = [element.text, ...Object.values(element.attributes)].filter((t) => !isNamedValueReference(t));
    const kinds = [...new Set(texts.flatMap((t) => secretKinds(t, options.extraPatterns)))];
    if (kinds.length > 0) {
      problems.push(`${label} contains what looks like ${kinds.join(" and ")} in plain text at ${element.path}; move it to a secret or Key Vault named value and reference it as {{name}}.`);
    }
  }
  return problems;
}

function checkNamedValue(resource: PlannedResource, options: Options): string[] {
  if (inputAt(resource, "secret") === true || inputAt(resource, "keyVault") !== undefined) return [];
  // Each name is tested on its own (joined, "openai-key" followed by " " missed the pattern's end
  // anchor), and also with camelCase humps as '-' ("openaiApiKey" → "openai-Api-Key").
  const names = [stringAt(resource, "displayName"), stringAt(resource, "namedValueId"), resource.name].filter((n): n is string => n !== undefined);
  const namePattern = new RegExp(options.sensitiveNamePattern, "i");
  const sensitiveName = names.some((n) => namePattern.test(n) || namePattern.test(n.replace(/([a-z0-9])(?=[A-Z])/g, "$1-")));
  const value = stringAt(resource, "value") ?? "";
  const kinds = secretKinds(value, options.extraPatterns);
  const reasons = [
    ...(sensitiveName ? ["its name suggests a credential"] : []),
    ...(kinds.length > 0 ? [`its value looks like ${kinds.join(" and ")}`] : []),
  ];
  if (reasons.length === 0) return [];
  return [`Named value "${resource.name}" is stored in plain text (secret is not true and there is no keyVault reference) but ${reasons.join(" and ")}; set keyVault.secretIdentifier, or at least secret: true.`];
}

const backendFix =
  "move it to a secret or Key Vault named value and reference it there as {{name}}, or omit credentials and authenticate with managed identity (authentication-managed-identity in the API policy, as aoai-fleet's generated backends do).";

/**
 * A backend's credential values (header, query, authorization parameter) are sent with every
 * forwarded request and stored in the backend entity in plain text. A value is reported when it looks
 * like a secret, or when it is sent as a sensitive header or query parameter and is a literal (no
 * {{name}} reference in it). Backends without credentials, as aoai-fleet generates them, have nothing to check.
 * The url (query values, userinfo) and proxy are checked in backend-url.ts.
 */
function checkBackend(resource: PlannedResource, options: Options): string[] {
  const sensitive = options.sensitiveHeaders.map((h) => h.toLowerCase());
  const problems: string[] = [];
  for (const { path, sentAs, value } of backendCredentialValues(resource)) {
    const literal = literalPart(value);
    const kinds = secretKinds(literal.text, options.extraPatterns);
    if (kinds.length > 0) {
      problems.push(`Backend "${resource.name}" has what looks like ${kinds.join(" and ")} in plain text at ${path}; ${backendFix}`);
    } else if (!literal.hasReference && value.trim() !== "" && sensitive.includes(sentAs.toLowerCase())) {
      problems.push(`Backend "${resource.name}" sends "${sentAs}" as a literal value at ${path}; ${backendFix}`);
    }
  }
  return [...problems, ...backendUrlProblems(resource, options)];
}
