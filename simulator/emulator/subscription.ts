// APIM's built-in subscription-key step (an API with `subscriptionRequired: true`): it runs before
// the inbound policy, reads the key from the API's header name, or from its query parameter only
// when the header is absent, and refuses a missing or unknown key with 401. The status, body and
// LastError (Source `authorization`, Reason `SubscriptionKeyNotFound` / `SubscriptionKeyInvalid`)
// are APIM's, from Microsoft's troubleshooting article (KB 4464930) and the "Predefined errors for
// built-in steps" table of the error-handling page. APIM's body is `{"statusCode","message"}`, not
// Azure OpenAI's `{"error":{…}}`: the openai SDKs print it as "401 status code (no body)". The
// API's own policy (on-error included) never runs for these; only a global-scope on-error could
// reshape them (the emulator runs the global on-error alone, see emulator.ts).
import { jsonResponse, type SimRequest, type SimResponse } from "../http-types";

export interface SubscriptionKeyCheck {
  /** Header the API reads the key from (the gateway component sets `api-key`, what the SDKs send). */
  header: string;
  /** Query parameter read when the header is absent (`api-key`). */
  query: string;
  /** Keys of active subscriptions. */
  accepted: ReadonlySet<string>;
}

export interface SubscriptionDenial {
  source: "authorization";
  reason: "SubscriptionKeyNotFound" | "SubscriptionKeyInvalid";
  message: string;
  response: SimResponse;
}

export const MISSING_KEY_MESSAGE = "Access denied due to missing subscription key. Make sure to include subscription key when making requests to an API.";
export const INVALID_KEY_MESSAGE = "Access denied due to invalid subscription key. Make sure to provide a valid key for an active subscription.";

/** The key a request presents, as APIM looks for it (header first, then query). */
export function presentedKey(check: Pick<SubscriptionKeyCheck, "header" | "query">, request: Pick<SimRequest, "headers" | "query">): string | undefined {
  const fromHeader = request.headers[check.header.toLowerCase()];
  if (fromHeader !== undefined) return fromHeader;
  return request.query[check.query];
}

/** Undefined when the request carries an accepted key; else APIM's 401. */
export function checkSubscriptionKey(check: SubscriptionKeyCheck, request: Pick<SimRequest, "headers" | "query">): SubscriptionDenial | undefined {
  const key = presentedKey(check, request);
  if (key === undefined || key === "") {
    return { source: "authorization", reason: "SubscriptionKeyNotFound", message: MISSING_KEY_MESSAGE, response: jsonResponse(401, { statusCode: 401, message: MISSING_KEY_MESSAGE }) };
  }
  if (!check.accepted.has(key)) {
    return { source: "authorization", reason: "SubscriptionKeyInvalid", message: INVALID_KEY_MESSAGE, response: jsonResponse(401, { statusCode: 401, message: INVALID_KEY_MESSAGE }) };
  }
  return undefined;
}
