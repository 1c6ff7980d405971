/**
 * The Azure OpenAI inference operations the gateway API exposes at `/openai`, as the OpenAI SDKs
 * (AzureOpenAI clients) call them: deployment in the path, `api-version` in the query. The gateway
 * passes `api-version` through unchanged; each backend URL ends in `/openai`, so
 * `/openai/deployments/chat/chat/completions?api-version=…` reaches
 * `https://<subdomain>.openai.azure.com/openai/deployments/chat/chat/completions?api-version=…`.
 * Pure data: no Pulumi imports.
 */

/** One API operation (an `ApiOperation` resource). */
export interface InferenceOperation {
  /** Stable operation id, also the resource key (`${name}-op-${id}`). */
  readonly id: string;
  /** Name shown in the portal and in logs. */
  readonly displayName: string;
  /** HTTP method. */
  readonly method: "POST";
  /** URL template relative to the API path `openai`. */
  readonly urlTemplate: string;
  /** Path parameters named in `urlTemplate`. */
  readonly templateParameters: readonly string[];
}

const deployment = (id: string, displayName: string, suffix: string): InferenceOperation => ({
  id,
  displayName,
  method: "POST",
  urlTemplate: `/deployments/{deployment-id}/${suffix}`,
  templateParameters: ["deployment-id"],
});

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
  // Not exposed: the Responses API (`/responses`, `/v1/...`). It names the deployment in the body's
  // `model`, the generated policy routes on the path's deployment, and a stored response lives in the
  // one account that created it, which a pool cannot route an id back to.
];

/** The query parameter every classic Azure OpenAI data-plane call carries; passed through as sent. */
export const API_VERSION_PARAMETER = "api-version";
