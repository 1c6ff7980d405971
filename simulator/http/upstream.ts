// A real HTTP backend (e.g. one instance of Microsoft's Azure OpenAI API simulator per "region"):
// requests go out with fetch; its 429s and Retry-After headers come back untouched; a refused
// connection or a timeout becomes the transport error APIM would see.
import { ChunkedBody, TransportError, lowerCaseHeaders, type SimRequest, type SimResponse, type Upstream } from "../http-types";

/** Headers that belong to one hop and are never forwarded. */
const HOP_BY_HOP = new Set(["host", "connection", "content-length", "transfer-encoding", "keep-alive", "expect"]);

export class HttpUpstream implements Upstream {
  constructor(
    /** Origin of the real endpoint, e.g. `http://127.0.0.1:8001`. */
    readonly origin: string,
    /** Extra headers for every request (e.g. the simulator's api-key). */
    private readonly extraHeaders: Record<string, string> = {},
  ) {}

  async send(request: SimRequest, timeoutMs: number): Promise<SimResponse> {
    const url = new URL(request.path, this.origin);
    for (const [k, v] of Object.entries(request.query)) url.searchParams.set(k, v);
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(request.headers)) if (!HOP_BY_HOP.has(k)) headers[k] = v;
    Object.assign(headers, this.extraHeaders);
    // The timeout covers the response headers only (APIM's forward-request timeout); a stream that
    // has started may take as long as it takes.
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(new DOMException("headers timeout", "TimeoutError")), timeoutMs);
    let res: Response;
    try {
      res = await fetch(url, { method: request.method, headers, body: request.method === "GET" || request.method === "HEAD" || request.method === "DELETE" ? undefined : request.body, signal: abort.signal, redirect: "manual" });
    } catch (error) {
      const e = error as Error;
      if (e.name === "TimeoutError" || (e.name === "AbortError" && abort.signal.aborted)) throw new TransportError("Timeout", `${this.origin} did not answer within ${timeoutMs} ms.`);
      throw new TransportError("BackendConnectionFailure", `${this.origin}: ${e.message}${e.cause instanceof Error ? ` (${e.cause.message})` : ""}`);
    } finally {
      clearTimeout(timer);
    }
    const out: Record<string, string> = {};
    res.headers.forEach((v, k) => {
      if (!HOP_BY_HOP.has(k) && k !== "content-encoding") out[k] = v;
    });
    const responseHeaders = lowerCaseHeaders(out);
    if ((responseHeaders["content-type"] ?? "").startsWith("text/event-stream") && res.body) {
      // Server-sent events pass through as they arrive: never read to the end first.
      return { status: res.status, headers: responseHeaders, body: streamOf(res.body) };
    }
    return { status: res.status, headers: responseHeaders, body: await res.text() };
  }
}

/** A fetch body as chunks of text, each handed on as soon as the socket delivers it. */
function streamOf(body: ReadableStream<Uint8Array>): ChunkedBody {
  return new ChunkedBody(async function* () {
    const decoder = new TextDecoder();
    const reader = body.getReader();
    let finished = false;
    try {
      for (;;) {
        const { done, value } = await reader.read();
        finished = done;
        if (done) break;
        const text = decoder.decode(value, { stream: true });
        if (text !== "") yield text;
      }
      const rest = decoder.decode();
      if (rest !== "") yield rest;
    } finally {
      // The reader left early (the client went away): stop downloading the rest.
      if (!finished) await reader.cancel().catch(() => undefined);
      reader.releaseLock();
    }
  });
}
