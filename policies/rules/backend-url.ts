// Secrets an APIM Backend carries outside `credentials`: in its `url` (a Functions `?code=` key, a
// SAS or Logic Apps `sig=`, an Azure key as any query value, `user:password@` userinfo) and in
// `proxy` (azure-native BackendProxyContractArgs: `{ url, username?, password? }`). APIM stores them
// in the backend entity in plain text and sends the url's query with every forwarded request.
// The url is parsed with WHATWG `URL`: a regex over the whole url would misread encoded characters,
// userinfo and repeated parameters.
import { stringAt } from "./inputs";
import { literalPart, secretKinds } from "./secrets";
import type { PlannedResource } from "./types";

export interface UrlOptions {
  /** Query parameter names (case-insensitive) whose non-empty literal value is a secret by convention. */
  readonly sensitiveUrlParameters: readonly string[];
  readonly extraPatterns: readonly string[];
}

/** What the conventional names hold, for messages; a name added through options reads "a credential". */
const kindByName: Readonly<Record<string, string>> = {
  code: "an Azure Functions key",
  sig: "a shared access signature",
  key: "an API key",
  "api-key": "an API key",
  apikey: "an API key",
  "subscription-key": "an API Management subscription key",
  access_token: "an access token",
  token: "an access token",
  password: "a password",
  secret: "a secret",
};

export const defaultSensitiveUrlParameters: readonly string[] = Object.keys(kindByName);

// `shown` is the parameter name as the message may print it (quoted), or undefined when it looks like a secret.
const fixFor = (name: string, shown: string | undefined): string =>
  name.toLowerCase() === "code"
    ? 'remove it from the url and send the key from a secret or Key Vault named value in a header instead: credentials.header: { "x-functions-key": ["{{name}}"] } (Azure Functions accepts its key there).'
    : `remove it from the url and send it from a secret or Key Vault named value instead: credentials.query: { ${shown ?? "<parameter>"}: ["{{name}}"] } (APIM substitutes the reference when it calls the backend).`;

const userinfoFix =
  'remove the userinfo from the url and send the credential from a secret or Key Vault named value instead: credentials.authorization: { scheme: "Basic", parameter: "{{name}}" }.';

const proxyFix = 'move it to a secret or Key Vault named value and reference it as proxy.password: "{{name}}".';

/** Userinfo arrives percent-encoded (`{` → `%7B`); a malformed escape is read as written. */
function decoded(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

// Stands in for the scheme and host of a url that starts with a reference (`{{backend-base}}/api?code=…`),
// so its query is still read; such a url has no userinfo to read.
const placeholderBase = "https://placeholder.invalid/";

/**
 * The url as APIM would read it, or relative to the placeholder base when it is not absolute. A url
 * neither way parses (a space in the host) is one ARM refuses anyway, and is not checked.
 */
function parseUrl(url: string): URL | undefined {
  try {
    return new URL(url);
  } catch {
    try {
      return new URL(url, placeholderBase);
    } catch {
      return undefined;
    }
  }
}

/** True when the value has literal text besides its `{{name}}` references (blank is not literal). */
const isLiteral = (value: string): boolean => literalPart(value).text.trim() !== "";

function checkUrl(label: string, field: string, url: string, options: UrlOptions): string[] {
  // A url that is one named-value reference has nothing literal to parse.
  if (!isLiteral(url)) return [];
  const parsed = parseUrl(url.trim());
  if (parsed === undefined) return [];
  const problems: string[] = [];
  const username = decoded(parsed.username);
  const password = decoded(parsed.password);
  const userinfoKinds = [...new Set([username, password].flatMap((t) => secretKinds(literalPart(t).text, options.extraPatterns)))];
  if (userinfoKinds.length > 0) {
    problems.push(`${label} has what looks like ${userinfoKinds.join(" and ")} in plain text at ${field} userinfo; ${userinfoFix}`);
  } else if (isLiteral(password)) {
    problems.push(`${label} has a password in plain text at ${field} userinfo; ${userinfoFix}`);
  }
  const sensitive = new Set(options.sensitiveUrlParameters.map((n) => n.toLowerCase()));
  for (const [name, value] of parsed.searchParams) {
    // A parameter name that itself looks like a key is not printed either.
    const shown = secretKinds(name, options.extraPatterns).length > 0 ? undefined : JSON.stringify(name);
    const at = `${field} query parameter ${shown ?? "(a name that looks like a secret)"}`;
    const kinds = secretKinds(literalPart(value).text, options.extraPatterns);
    if (kinds.length > 0) {
      problems.push(`${label} has what looks like ${kinds.join(" and ")} in plain text at ${at}; ${fixFor(name, shown)}`);
    } else if (sensitive.has(name.toLowerCase()) && isLiteral(value)) {
      const kind = kindByName[name.toLowerCase()] ?? "a credential";
      problems.push(`${label} has a literal value at ${at}, which by its name is ${kind}; ${fixFor(name, shown)}`);
    }
  }
  // `?code=a&code=b` gives one message per name, not one per repetition.
  return [...new Set(problems)];
}

/**
 * Plain-text secrets in a Backend's `url`, `proxy.url` and `proxy.password`. A value not known yet
 * (absent, or null in plan.json) is skipped; read through CrossGuard's proxy during a preview it throws,
 * which CrossGuard reports as its advisory "can't run during preview" note, as for credentials.
 */
export function backendUrlProblems(resource: PlannedResource, options: UrlOptions): string[] {
  const label = `Backend "${resource.name}"`;
  const url = stringAt(resource, "url");
  const proxyUrl = stringAt(resource, "proxy", "url");
  const proxyPassword = stringAt(resource, "proxy", "password");
  const problems = [
    ...(url === undefined ? [] : checkUrl(label, "url", url, options)),
    ...(proxyUrl === undefined ? [] : checkUrl(label, "proxy.url", proxyUrl, options)),
  ];
  if (proxyPassword !== undefined && isLiteral(proxyPassword)) {
    const kinds = secretKinds(literalPart(proxyPassword).text, options.extraPatterns);
    problems.push(
      kinds.length > 0
        ? `${label} has what looks like ${kinds.join(" and ")} in plain text at proxy.password; ${proxyFix}`
        : `${label} has a password in plain text at proxy.password; ${proxyFix}`,
    );
  }
  return problems;
}
