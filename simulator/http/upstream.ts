// A real HTTP backend (e.g. one instance of Microsoft's Azure OpenAI API simulator per "region"):
// requests go out with node:http(s) on kept-alive connections; its 429s and Retry-After headers come
// back untouched; a refused connection or a timeout becomes the transport error APIM would see. A
// server-sent-event answer is handed on chunk by chunk as the socket delivers it, never read first.
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";
import { ChunkedBody, TransportError, lowerCaseHeaders, type SimRequest, type SimResponse, type Upstream } from "../http-types";

/** Headers that belong to one hop and are never forwarded. */
const HOP_BY_HOP = new Set(["host", "connection", "content-length", "transfer-encoding", "keep-alive", "expect"]);

const agents = { http: new HttpAgent({ keepAlive: true }), https: new HttpsAgent({ keepAlive: true }) };

export class HttpUpstream implements Upstream {
  constructor(
    /** Origin of the real endpoint, e.g. `http://127.0.0.1:8001`. */
    readonly origin: string,
    /** Extra headers for every request (e.g. the simulator's api-key). */
    private readonly extraHeaders: Record<string, string> = {},
  ) {}

  send(request: SimRequest, timeoutMs: number): Promise<SimResponse> {
    const url = new URL(request.path, this.origin);
    for (const [k, v] of Object.entries(request.query)) url.searchParams.set(k, v);
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(request.headers)) if (!HOP_BY_HOP.has(k)) headers[k] = v;
    Object.assign(headers, this.extraHeaders);
    const hasBody = !["GET", "HEAD", "DELETE"].includes(request.method) && request.body !== "";
    if (hasBody) headers["content-length"] = String(Buffer.byteLength(request.body));
    const secure = url.protocol === "https:";
    return new Promise<SimResponse>((resolve, reject) => {
      const fail = (error: TransportError) => {
        clearTimeout(timer);
        reject(error);
      };
      const req = (secure ? httpsRequest : httpRequest)(url, { method: request.method, headers, agent: secure ? agents.https : agents.http }, (res) => {
        // The timeout covers the response headers only (APIM's forward-request timeout); a stream
        // that has started may take as long as it takes.
        clearTimeout(timer);
        const responseHeaders = lowerCaseHeaders(Object.fromEntries(Object.entries(res.headers).filter(([k]) => !HOP_BY_HOP.has(k) && k !== "content-encoding")));
        res.setEncoding("utf8");
        if ((responseHeaders["content-type"] ?? "").startsWith("text/event-stream")) {
          resolve({ status: res.statusCode ?? 502, headers: responseHeaders, body: streamOf(res) });
          return;
        }
        let text = "";
        res.on("data", (chunk: string) => (text += chunk));
        res.on("end", () => resolve({ status: res.statusCode ?? 502, headers: responseHeaders, body: text }));
        res.on("error", (e) => reject(new TransportError("BackendConnectionFailure", `${this.origin}: ${e.message}`)));
      });
      const timer = setTimeout(() => {
        req.destroy();
        fail(new TransportError("Timeout", `${this.origin} did not answer within ${timeoutMs} ms.`));
      }, timeoutMs);
      req.on("error", (e) => fail(new TransportError("BackendConnectionFailure", `${this.origin}: ${e.message}`)));
      req.setNoDelay(true);
      req.end(hasBody ? request.body : undefined);
    });
  }
}

/** A response body as chunks of text, each handed on as soon as the socket delivers it. */
function streamOf(res: IncomingMessage): ChunkedBody {
  return new ChunkedBody(async function* () {
    let finished = false;
    try {
      for await (const chunk of res as AsyncIterable<string>) if (chunk !== "") yield chunk;
      finished = true;
    } finally {
      // The reader left early (the client went away): stop downloading the rest.
      if (!finished) res.destroy();
    }
  });
}
