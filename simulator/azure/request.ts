// How a simulated Azure OpenAI account reads a request: which operation on which surface, which
// deployment, the parsed body. Bad input is answered here, before any limit is charged, with the
// status and `{"error":…}` body Azure gives (shapes in openai-api-surface.md §5.1; where Azure's
// exact text is unverified the message says what is wrong in the same shape).
import { openAiError, type SimRequest, type SimResponse } from "../http-types";
import { jsonTypeName } from "./validate-request";

export type InferenceOperation = "chat" | "completions" | "embeddings" | "responses";

/** Where a response id sits in the path, for the `/responses/{id}` family. */
export type ResponseIdOperation = "get" | "delete" | "input_items" | "cancel";

export type ParsedRequest =
  | {
      kind: "inference";
      operation: InferenceOperation;
      /** Deployment named by the path (`/deployments/{d}/…`) or the body's `model` (v1, Responses). */
      deployment: string;
      /** `deployment` (path), `v1` (`/openai/v1/…`) or `preview` (`/openai/responses?api-version=…`). */
      surface: "deployment" | "v1" | "preview";
      body: Record<string, unknown>;
      stream: boolean;
    }
  | { kind: "response-id"; operation: ResponseIdOperation; id: string; surface: "v1" | "preview" }
  | { kind: "error"; response: SimResponse };

const DEPLOYMENT_OPERATIONS: Record<string, InferenceOperation> = {
  "chat/completions": "chat",
  completions: "completions",
  embeddings: "embeddings",
};

const badRequest = (message: string, param: string | null, code: string | null = null): ParsedRequest => ({
  kind: "error",
  response: openAiError(400, code, message, {}, { param, type: "invalid_request_error" }),
});

/** Azure's answer to a path it does not serve. */
export function resourceNotFound(): SimResponse {
  return openAiError(404, "404", "Resource not found");
}

function parseBody(text: string): Record<string, unknown> | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  return parsed !== null && typeof parsed === "object" && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
}

function inference(request: SimRequest, operation: InferenceOperation, surface: "deployment" | "v1" | "preview", pathDeployment?: string): ParsedRequest {
  const body = parseBody(request.body);
  if (!body) return badRequest("We could not parse the JSON body of your request. The body must be a JSON object.", null);
  if (body.stream !== undefined && body.stream !== null && typeof body.stream !== "boolean")
    return badRequest(`Invalid type for 'stream': expected a boolean, but got ${Array.isArray(body.stream) ? "an array" : `a ${typeof body.stream}`} instead.`, "stream", "invalid_type");
  let deployment = pathDeployment;
  if (deployment === undefined) {
    // A model that is there but not text is a type error, as for every other field (found by SDK
    // QA: `model: 5` was answered "missing"); absent, null or "" is the missing parameter.
    if (body.model !== undefined && body.model !== null && typeof body.model !== "string")
      return badRequest(`Invalid type for 'model': expected a string, but got ${jsonTypeName(body.model)} instead.`, "model", "invalid_type");
    if (typeof body.model !== "string" || body.model === "") return badRequest("Missing required parameter: 'model'.", "model", "missing_required_parameter");
    deployment = body.model;
  }
  return { kind: "inference", operation, deployment, surface, body, stream: body.stream === true };
}

/** Reads one request addressed to an account (`/openai/...`). */
export function parseAzureRequest(request: SimRequest): ParsedRequest {
  const path = request.path;
  const legacy = /^\/openai\/deployments\/([^/]+)\/(.+)$/.exec(path);
  if (legacy) {
    const operation = DEPLOYMENT_OPERATIONS[legacy[2]!];
    if (!operation || request.method !== "POST") return { kind: "error", response: resourceNotFound() };
    // The dated surface requires api-version (Azure's answer without one: 404 "Resource not found").
    if (!request.query["api-version"]) return { kind: "error", response: resourceNotFound() };
    return inference(request, operation, "deployment", decodeURIComponent(legacy[1]!));
  }
  const v1 = /^\/openai\/v1\/(chat\/completions|completions|embeddings)$/.exec(path);
  if (v1 && request.method === "POST") return inference(request, DEPLOYMENT_OPERATIONS[v1[1]!]!, "v1");
  const responses = /^\/openai\/(v1\/)?responses(?:\/([^/]+)(?:\/(input_items|cancel))?)?$/.exec(path);
  if (responses) {
    const surface = responses[1] ? "v1" : "preview";
    // The preview surface is dated: it needs an api-version, as every `/openai/...` path without v1 does.
    if (surface === "preview" && !request.query["api-version"]) return { kind: "error", response: resourceNotFound() };
    const id = responses[2] === undefined ? undefined : decodeURIComponent(responses[2]);
    const sub = responses[3];
    if (id === undefined) return request.method === "POST" ? inference(request, "responses", surface) : { kind: "error", response: resourceNotFound() };
    if (sub === "input_items" && request.method === "GET") return { kind: "response-id", operation: "input_items", id, surface };
    if (sub === "cancel" && request.method === "POST") return { kind: "response-id", operation: "cancel", id, surface };
    if (sub === undefined && request.method === "GET") return { kind: "response-id", operation: "get", id, surface };
    if (sub === undefined && request.method === "DELETE") return { kind: "response-id", operation: "delete", id, surface };
  }
  return { kind: "error", response: resourceNotFound() };
}

/** Operation names as Azure's OperationNotSupported message spells them. */
const OPERATION_WORDS: Record<InferenceOperation, string> = {
  chat: "chatCompletion",
  completions: "completion",
  embeddings: "embeddings",
  responses: "responses",
};

/** Model families that can run each operation (`family` from the model catalog). */
export function supports(family: string, operation: InferenceOperation, model: string): boolean {
  if (family === "embeddings") return operation === "embeddings";
  if (operation === "embeddings") return false;
  // Legacy completions exist only for the *-instruct models; chat models answer OperationNotSupported.
  if (operation === "completions") return model.includes("instruct");
  return true;
}

/** Azure's 400 for an operation the deployment's model cannot run (openai-api-surface.md §4). */
export function operationNotSupported(operation: InferenceOperation, model: string): SimResponse {
  return openAiError(
    400,
    "OperationNotSupported",
    `The ${OPERATION_WORDS[operation]} operation does not work with the specified model, ${model}. Please choose different model and try again. ` +
      "You can learn more about which models can be used with each operation here: https://go.microsoft.com/fwlink/?linkid=2197993.",
  );
}
