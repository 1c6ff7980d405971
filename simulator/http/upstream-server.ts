// Serves any Upstream (e.g. a simulated account) as a real HTTP endpoint on 127.0.0.1, so the
// gateway's backends-file path can be exercised against real sockets, real 429s and Retry-After,
// and streamed answers arrive chunk by chunk as a real Azure OpenAI endpoint sends them.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { TransportError, lowerCaseHeaders, type Upstream } from "../http-types";
import { writeSimResponse } from "./write";

export async function serveUpstream(upstream: Upstream): Promise<{ url: string; server: Server; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const url = new URL(req.url ?? "/", "http://127.0.0.1");
      upstream
        .send({ method: req.method ?? "GET", path: url.pathname, query: Object.fromEntries(url.searchParams), headers: lowerCaseHeaders(req.headers), body: Buffer.concat(chunks).toString("utf8") }, 300_000)
        .then(
          (r) => void writeSimResponse(res, r),
          (e: unknown) => {
            // A simulated refusal becomes a dropped connection, as a dead process would give.
            if (e instanceof TransportError) req.socket.destroy();
            else {
              res.writeHead(500, { "content-type": "application/json" });
              res.end(JSON.stringify({ error: { code: "InternalServerError", message: String(e) } }));
            }
          },
        );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
