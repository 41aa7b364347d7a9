// The metering API on Node's own HTTP objects, for the production server's
// fast path (server/index.ts): no Web Request/Response, no streams adapter.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { ApiReply, ApiRequest } from "./transport";

export function fromNodeRequest(request: IncomingMessage): ApiRequest {
  return {
    header(name) {
      const value = request.headers[name];
      if (value === undefined) return null;
      return Array.isArray(value) ? value.join(", ") : value;
    },
    text(limit) {
      return new Promise((resolve, reject) => {
        const chunks: Buffer[] = [];
        let size = 0;
        request.on("data", (chunk: Buffer) => {
          size += chunk.length;
          if (size <= limit) chunks.push(chunk);
        });
        request.on("end", () => resolve(size > limit ? null : Buffer.concat(chunks).toString("utf8")));
        request.on("error", reject);
      });
    },
  };
}

export function sendReply(response: ServerResponse, reply: ApiReply): void {
  response.writeHead(reply.status, { ...reply.headers, "content-length": String(Buffer.byteLength(reply.body)) });
  response.end(reply.body);
}
