// Writing a SimResponse to a Node HTTP response: a complete body in one piece with its length, a
// streamed one chunk by chunk the moment each exists (no buffering: every chunk is written and
// flushed as it arrives), ended when the stream ends or dropped when the client goes away.
import type { ServerResponse } from "node:http";
import { isChunked, type SimResponse } from "../http-types";

/** Headers that belong to one hop (the body's framing is decided by this writer). */
const FRAMING = new Set(["content-length", "transfer-encoding", "connection", "keep-alive"]);

export async function writeSimResponse(res: ServerResponse, response: SimResponse, extraHeaders: Record<string, string> = {}): Promise<void> {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(response.headers)) if (!FRAMING.has(k)) headers[k] = v;
  Object.assign(headers, extraHeaders);
  const body = response.body;
  if (!isChunked(body)) {
    res.writeHead(response.status, { ...headers, "content-length": Buffer.byteLength(body) });
    res.end(body);
    return;
  }
  res.writeHead(response.status, headers);
  res.flushHeaders();
  try {
    for await (const chunk of body) {
      if (res.destroyed) break;
      res.write(chunk);
    }
    res.end();
  } catch {
    // The producer failed mid-stream (e.g. the upstream connection dropped): the client sees the
    // connection end without the rest, as it would behind any proxy.
    res.destroy();
  }
}
