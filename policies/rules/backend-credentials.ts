// The values an APIM Backend sends with every request it forwards (azure-native
// BackendCredentialsContract): `header` and `query` map a name to a list of strings, `authorization`
// is `{ scheme, parameter }` and becomes the Authorization header. APIM keeps them in the backend
// entity, readable by anyone who can read the service's configuration, unless a value is a
// `{{named-value}}` reference, which APIM substitutes when it sends the request.
import { inputAt, isRecord } from "./inputs";
import type { PlannedResource } from "./types";

/** One credential value of a backend, with where it sits and what it is sent as. */
export interface CredentialValue {
  /** Property path for messages, e.g. `credentials.header.api-key[0]`. */
  readonly path: string;
  /** The header or query parameter name it is sent as (`Authorization` for the authorization parameter). */
  readonly sentAs: string;
  readonly value: string;
}

// Header names may hold characters a dotted path would misread ("x.custom"); those are quoted.
const segment = (name: string): string => (/^[A-Za-z0-9_-]+$/.test(name) ? `.${name}` : `[${JSON.stringify(name)}]`);

/**
 * The string values of one `header` or `query` map. Values not known yet (absent, or a list element
 * a plan records as null) are skipped; a lone string where a list belongs (hand-written, untyped
 * code) is read as that value rather than ignored.
 */
function mapValues(map: unknown, base: string): CredentialValue[] {
  if (!isRecord(map)) return [];
  const out: CredentialValue[] = [];
  for (const [name, values] of Object.entries(map)) {
    const path = `${base}${segment(name)}`;
    if (typeof values === "string") out.push({ path, sentAs: name, value: values });
    if (!Array.isArray(values)) continue;
    values.forEach((value: unknown, i) => {
      if (typeof value === "string") out.push({ path: `${path}[${i}]`, sentAs: name, value });
    });
  }
  return out;
}

/**
 * Every string a Backend's `credentials` would send: header values, query values and the
 * authorization parameter (the scheme is no secret; certificate thumbprints and ids are not either).
 * Read through CrossGuard's proxy, a value unknown during a preview throws there, which CrossGuard
 * reports as an advisory "can't run during preview" note, as for every other resource rule.
 */
export function backendCredentialValues(resource: PlannedResource): CredentialValue[] {
  const credentials = inputAt(resource, "credentials");
  if (!isRecord(credentials)) return [];
  const parameter = isRecord(credentials.authorization) ? credentials.authorization.parameter : undefined;
  return [
    ...mapValues(credentials.header, "credentials.header"),
    ...mapValues(credentials.query, "credentials.query"),
    ...(typeof parameter === "string" ? [{ path: "credentials.authorization.parameter", sentAs: "Authorization", value: parameter }] : []),
  ];
}
