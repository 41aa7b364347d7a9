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
        const stopReading = () => {
          request.off("data", onData);
          request.off("end", onEnd);
          request.off("error", onError);
          request.off("close", onClose);
        };
        const onData = (chunk: Buffer) => {
          size += chunk.length;
          if (size <= limit) {
            chunks.push(chunk);
            return;
          }
          // Over the limit: read no further. Pausing stops the socket once its
          // small buffer is full; sendReply then closes the connection instead
          // of letting Node drain the rest of the body.
          stopReading();
          request.pause();
          resolve(null);
        };
        const onEnd = () => {
          stopReading();
          resolve(Buffer.concat(chunks).toString("utf8"));
        };
        const onError = (error: Error) => {
          stopReading();
          reject(error);
        };
        // The client went away before the end of the body.
        const onClose = () => {
          stopReading();
          if (!request.complete) reject(new Error("the request was aborted before its body ended"));
        };
        request.on("data", onData);
        request.on("end", onEnd);
        request.on("error", onError);
        request.on("close", onClose);
      });
    },
  };
}

// How long a connection whose request body was left unread stays open after
// the reply, so that the client reads the reply before the connection goes.
const UNREAD_BODY_GRACE_MS = 2_000;

/**
 * Writes the reply. When the request's body was not read to its end (refused
 * as too long, or answered before it was read), the connection is closed
 * after the reply: kept alive, Node would read and discard the rest of the
 * body first, however long the client keeps sending.
 */
export function sendReply(response: ServerResponse, reply: ApiReply): void {
  const request = response.req;
  const unread = request !== undefined && !request.complete;
  if (unread) stopReadingAndLinger(request);
  response.writeHead(reply.status, {
    ...reply.headers,
    "content-length": String(Buffer.byteLength(reply.body)),
    ...(unread ? { connection: "close" } : {}),
  });
  response.end(reply.body);
}

/**
 * Stops reading the request and closes its connection gently. Node ends a
 * "Connection: close" exchange with socket.destroySoon(): the reply is
 * flushed, then the socket destroyed at once — which, with unread input, sends
 * a reset that can wipe the reply out at the client before it was read. Here
 * the socket only sends its end (FIN) after the reply, reads nothing more (the
 * client can only fill the socket's buffers) and is destroyed after a grace.
 */
function stopReadingAndLinger(request: IncomingMessage): void {
  // Node drains the body of a finished exchange unless the request is being read; a paused
  // reader keeps it from doing so, and the socket stops reading once its small buffer is full.
  request.on("data", ignoreChunk);
  request.pause();
  const socket = request.socket;
  socket.destroySoon = () => void socket.end();
  const timer = setTimeout(() => socket.destroy(), UNREAD_BODY_GRACE_MS);
  timer.unref();
  socket.once("close", () => clearTimeout(timer));
}

function ignoreChunk(): void {}
