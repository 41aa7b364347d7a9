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
    async text(limit) {
      const raw = await request.text();
      return Buffer.byteLength(raw) > limit ? null : raw;
    },
  };
}

export function toWebResponse(reply: ApiReply): Response {
  return new Response(reply.body, { status: reply.status, headers: reply.headers });
}
