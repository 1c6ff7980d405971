// Transport-neutral request/response shapes shared by the emulator, the simulated deployments,
// the discrete-event runner and the HTTP gateway. Header names are always lower-case.

export interface SimRequest {
  method: string;
  /** Path below the host, e.g. `/openai/deployments/chat/chat/completions`. */
  path: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  body: string;
}

/**
 * A response body produced over time (server-sent events): chunks in order, each handed on the
 * moment it exists, on whichever clock produced it. It can be read once, like a network stream.
 */
export class ChunkedBody implements AsyncIterable<string> {
  private read = false;
  constructor(private readonly produce: () => AsyncIterable<string>) {}

  [Symbol.asyncIterator](): AsyncIterator<string> {
    if (this.read) throw new Error("a chunked body can be read only once");
    this.read = true;
    return this.produce()[Symbol.asyncIterator]();
  }

  /** The same chunks, each also shown to `onChunk` as it passes; `onEnd` runs once after the last. */
  tap(onChunk: (chunk: string) => void, onEnd: () => void): ChunkedBody {
    const source: AsyncIterable<string> = { [Symbol.asyncIterator]: () => this[Symbol.asyncIterator]() };
    return new ChunkedBody(async function* () {
      try {
        for await (const chunk of source) {
          onChunk(chunk);
          yield chunk;
        }
      } finally {
        onEnd();
      }
    });
  }
}

/** A complete body (string) or one still being produced (ChunkedBody). */
export type SimBody = string | ChunkedBody;

export interface SimResponse {
  status: number;
  headers: Record<string, string>;
  body: SimBody;
}

export const isChunked = (body: SimBody): body is ChunkedBody => body instanceof ChunkedBody;

/** The whole body as text, waiting for every chunk of a streamed one. */
export async function readBody(body: SimBody): Promise<string> {
  if (!isChunked(body)) return body;
  let text = "";
  for await (const chunk of body) text += chunk;
  return text;
}

/** The body as text when it is complete; undefined while it is a stream (never consumed here). */
export function completeBody(body: SimBody): string | undefined {
  return isChunked(body) ? undefined : body;
}

/** A backend that could not be reached: the gateway sees no response at all. */
export class TransportError extends Error {
  constructor(
    readonly reason: "BackendConnectionFailure" | "Timeout",
    message: string,
  ) {
    super(message);
    this.name = "TransportError";
  }
}

/** Something that answers requests addressed to one base URL (simulated or real). */
export interface Upstream {
  /**
   * `timeoutMs` is APIM's forward-request `timeout`: the wait for the response HEADERS. A
   * non-streaming answer's headers come when it is complete; a stream's come with its first chunk, so
   * for streams it bounds time-to-first-byte only. Past it: TransportError("Timeout").
   */
  send(request: SimRequest, timeoutMs: number): Promise<SimResponse>;
}

export function jsonResponse(status: number, body: unknown, headers: Record<string, string> = {}): SimResponse {
  return { status, headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) };
}

/** Optional fields of Azure OpenAI's error object besides `code` and `message`. */
export interface OpenAiErrorFields {
  /** The request field at fault (`previous_response_id`, `input`, …). */
  param?: string | null;
  /** `invalid_request_error`, … (Azure sends it on the v1 surface and the Responses API). */
  type?: string;
}

/**
 * An error in Azure OpenAI's body shape, `{"error":{"code","message",…}}`. The official SDKs read
 * `error.message` from exactly this shape; any other shape prints "(no body)" (reference sheet
 * openai-api-surface.md §5.1). Every error a simulated deployment or the local gateway produces
 * itself uses it.
 */
export function openAiError(status: number, code: string | null, message: string, headers: Record<string, string> = {}, fields: OpenAiErrorFields = {}): SimResponse {
  return jsonResponse(status, { error: { code, message, ...fields } }, headers);
}

export function lowerCaseHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) {
    if (v === undefined) continue;
    out[k.toLowerCase()] = Array.isArray(v) ? v.join(", ") : v;
  }
  return out;
}
