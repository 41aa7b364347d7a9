// What the metering API needs of an HTTP request and gives back, independent
// of the server that carries it: the Next.js route handlers (Web Request and
// Response) and the Node fast path in server/ (IncomingMessage and
// ServerResponse) adapt both sides.

export interface ApiRequest {
  /** A header by lower-case name, or null. */
  header(name: string): string | null;
  /** The body as text, at most `limit` bytes; null when it is longer. */
  text(limit: number): Promise<string | null>;
}

export interface ApiReply {
  status: number;
  body: string;
  headers: Record<string, string>;
}

export function jsonReply(status: number, body: string, headers: Record<string, string> = {}): ApiReply {
  return { status, body, headers: { "content-type": "application/json", ...headers } };
}

export function fromWebRequest(request: Request): ApiRequest {
  return {
    header: (name) => request.headers.get(name),
    text: (limit) => readTextUpTo(request.body, limit),
  };
}

/**
 * The body as text when it is at most `limit` bytes, else null; reads chunk by
 * chunk and stops (cancelling the stream) as soon as the limit is passed, so a
 * long body is never held in memory. Decodes like Request.text() (UTF-8).
 */
export async function readTextUpTo(body: ReadableStream<Uint8Array> | null, limit: number): Promise<string | null> {
  if (!body) return "";
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel("body over the limit").catch(() => {});
      return null;
    }
    chunks.push(value);
  }
  return new TextDecoder().decode(Buffer.concat(chunks));
}

export function toWebResponse(reply: ApiReply): Response {
  return new Response(reply.body, { status: reply.status, headers: reply.headers });
}
