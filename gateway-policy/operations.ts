/**
 * The operations the gateway API exposes at `/openai`, as the OpenAI SDKs call them, on both client
 * surfaces (openai-api-surface.md §1.1):
 * - the dated surface, deployment in the path and `api-version` in the query (`AzureOpenAI` clients):
 *   `/openai/deployments/{deployment-id}/chat/completions?api-version=…`;
 * - the v1 surface, deployment in the body's `model` and no api-version (`OpenAI({ baseURL:
 *   "https://<gateway>/openai/v1/" })`): `/openai/v1/chat/completions`, `/embeddings`, `/responses`;
 * - the Responses API on both (`/openai/v1/responses…`, and the preview `/openai/responses…?api-version=`
 *   that `AzureOpenAI` calls), with the `{response-id}` paths that name a stored response.
 * The policy reads `context.Operation.Id` to tell them apart, so these ids are part of its contract:
 * the policy engine owns the list, the gateway component creates one ApiOperation per entry, and the
 * local gateway's emulator matches requests against the same list.
 */

/** What the policy does with a request of an operation. */
export type OperationSurface =
  /** Deployment in the path; forwarded on the deployment path. */
  | "deployment"
  /** Deployment in the body's `model`; forwarded on the deployment path. */
  | "v1"
  /** Responses API create: deployment in the body's `model`; forwarded to the account's Responses API. */
  | "responses"
  /** A stored response named in the path: forwarded to the account that stored it. */
  | "response"
  /** `GET /v1/models`: answered by the gateway itself (the routes, as models). */
  | "models";

/** One API operation (an `ApiOperation` resource). */
export interface InferenceOperation {
  /** Stable operation id, also the resource key (`${name}-op-${id}`) and `context.Operation.Id`. */
  readonly id: string;
  /** Name shown in the portal and in logs. */
  readonly displayName: string;
  /** HTTP method. */
  readonly method: "POST" | "GET" | "DELETE";
  /** URL template relative to the API path `openai`. */
  readonly urlTemplate: string;
  /** Path parameters named in `urlTemplate`. */
  readonly templateParameters: readonly string[];
  /** How the policy routes it. */
  readonly surface: OperationSurface;
}

const deployment = (id: string, displayName: string, suffix: string): InferenceOperation => ({
  id,
  displayName,
  method: "POST",
  urlTemplate: `/deployments/{deployment-id}/${suffix}`,
  templateParameters: ["deployment-id"],
  surface: "deployment",
});

const v1 = (id: string, displayName: string, suffix: string): InferenceOperation => ({
  id,
  displayName,
  method: "POST",
  urlTemplate: `/v1/${suffix}`,
  templateParameters: [],
  surface: "v1",
});

/** The Responses API under one prefix (`/v1/responses` or the preview `/responses`). */
const responses = (prefix: string, idPrefix: string, label: string): InferenceOperation[] => {
  const byId = (id: string, displayName: string, method: InferenceOperation["method"], suffix: string): InferenceOperation => ({
    id: `${idPrefix}${id}`,
    displayName: `${displayName}${label}`,
    method,
    urlTemplate: `${prefix}/{response-id}${suffix}`,
    templateParameters: ["response-id"],
    surface: "response",
  });
  return [
    { id: `${idPrefix}create`, displayName: `Create response${label}`, method: "POST", urlTemplate: prefix, templateParameters: [], surface: "responses" },
    byId("get", "Get response", "GET", ""),
    byId("delete", "Delete response", "DELETE", ""),
    byId("input-items", "List response input items", "GET", "/input_items"),
    byId("cancel", "Cancel response", "POST", "/cancel"),
  ];
};

/** Every operation, in a stable order (the order resources are declared in). */
export const INFERENCE_OPERATIONS: readonly InferenceOperation[] = [
  deployment("chat-completions", "Chat completions", "chat/completions"),
  deployment("completions", "Completions", "completions"),
  deployment("embeddings", "Embeddings", "embeddings"),
  deployment("image-generations", "Image generations", "images/generations"),
  deployment("image-edits", "Image edits", "images/edits"),
  deployment("audio-transcriptions", "Audio transcriptions", "audio/transcriptions"),
  deployment("audio-translations", "Audio translations", "audio/translations"),
  deployment("audio-speech", "Text to speech", "audio/speech"),
  v1("v1-chat-completions", "Chat completions (v1)", "chat/completions"),
  v1("v1-completions", "Completions (v1)", "completions"),
  v1("v1-embeddings", "Embeddings (v1)", "embeddings"),
  ...responses("/v1/responses", "v1-responses-", " (v1)"),
  ...responses("/responses", "responses-", " (preview, api-version)"),
  { id: "v1-models", displayName: "List models (v1): the gateway's routes", method: "GET", urlTemplate: "/v1/models", templateParameters: [], surface: "models" },
];

/** Operation ids of one surface, in declaration order (what the policy's dispatch compares against). */
export function operationIds(surface: OperationSurface): string[] {
  return INFERENCE_OPERATIONS.filter((o) => o.surface === surface).map((o) => o.id);
}

/** The query parameter every dated Azure OpenAI data-plane call carries; passed through as sent. */
export const API_VERSION_PARAMETER = "api-version";
