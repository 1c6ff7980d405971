// A real HTTP backend (e.g. one instance of Microsoft's Azure OpenAI API simulator per "region"):
// requests go out with fetch; its 429s and Retry-After headers come back untouched; a refused
// connection or a timeout becomes the transport error APIM would see.
import { TransportError, lowerCaseHeaders, type SimRequest, type SimResponse, type Upstream } from "../http-types";

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
    let res: Response;
    try {
      res = await fetch(url, { method: request.method, headers, body: request.method === "GET" || request.method === "HEAD" ? undefined : request.body, signal: AbortSignal.timeout(timeoutMs), redirect: "manual" });
    } catch (error) {
      const e = error as Error;
      if (e.name === "TimeoutError") throw new TransportError("Timeout", `${this.origin} did not answer within ${timeoutMs} ms.`);
      throw new TransportError("BackendConnectionFailure", `${this.origin}: ${e.message}${e.cause instanceof Error ? ` (${e.cause.message})` : ""}`);
    }
    const body = await res.text();
    const out: Record<string, string> = {};
    res.headers.forEach((v, k) => {
      if (!HOP_BY_HOP.has(k) && k !== "content-encoding") out[k] = v;
    });
    return { status: res.status, headers: lowerCaseHeaders(out), body };
  }
}
