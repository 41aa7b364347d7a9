// The two carriers of the metering API (the Next.js route handler and the
// production server's Node fast path) must read requests and write replies
// alike: headers, the body and its size limit, status, headers and bytes.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fromNodeRequest, sendReply } from "./node-transport";
import { fromWebRequest, jsonReply, readTextUpTo, toWebResponse, type ApiRequest } from "./transport";

const LIMIT = 16;

/** What an ApiRequest shows of a request: two headers and the body under the limit. */
async function seen(request: ApiRequest) {
  return { key: request.header("authorization"), idem: request.header("idempotency-key"), body: await request.text(LIMIT) };
}

describe("API transports", () => {
  let server: http.Server;
  let url: string;
  let last: Awaited<ReturnType<typeof seen>> | null = null;

  beforeAll(async () => {
    server = http.createServer(async (request, response) => {
      last = await seen(fromNodeRequest(request));
      sendReply(response, jsonReply(402, '{"é":1}', { "x-request-id": "req_1" }));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  const cases: { name: string; body: string; headers: Record<string, string> }[] = [
    { name: "a small body", body: '{"a":"ü"}', headers: { authorization: "Key k1" } },
    { name: "a body at the limit", body: "x".repeat(LIMIT), headers: { authorization: "Key k2", "idempotency-key": "i-1" } },
    { name: "a body over the limit", body: "x".repeat(LIMIT + 1), headers: {} },
    { name: "a multibyte body over the limit in bytes", body: "é".repeat(9), headers: {} },
  ];

  it.each(cases)("read $name the same way from Node and from a Web Request", async ({ body, headers }) => {
    const reply = await fetch(url, { method: "POST", body, headers });
    const web = await seen(fromWebRequest(new Request(url, { method: "POST", body, headers })));
    expect(last).toEqual(web);
    expect(web.body).toBe(Buffer.byteLength(body) > LIMIT ? null : body);
    expect(web.key).toBe(headers.authorization ?? null);

    expect(reply.status).toBe(402);
    expect(reply.headers.get("content-type")).toBe("application/json");
    expect(reply.headers.get("x-request-id")).toBe("req_1");
    expect(await reply.text()).toBe('{"é":1}');
  });

  it("writes the same reply as a Web Response", async () => {
    const response = toWebResponse(jsonReply(429, '{"x":1}', { "retry-after": "1" }));
    expect(response.status).toBe(429);
    expect(response.headers.get("retry-after")).toBe("1");
    expect(response.headers.get("content-type")).toBe("application/json");
    expect(await response.text()).toBe('{"x":1}');
  });
});

const MIB = 1024 * 1024;

/**
 * Sends `total` bytes as a chunked body to `port` in 64 KiB writes that wait
 * for the socket, and — like a hostile client — goes on writing after the
 * reply, until everything is written or the server closes the connection.
 * Returns the reply, how much was written when it came, and whether the
 * client got to write everything.
 */
function sendLongChunkedBody(port: number, total: number, keepAlive = true) {
  return new Promise<{ status: number | null; body: string; writtenAtReply: number; wroteAll: boolean }>((resolve) => {
    // Without an agent, Node's client asks for "Connection: close".
    const agent = keepAlive ? undefined : false;
    const request = http.request({
      port,
      host: "127.0.0.1",
      method: "POST",
      path: "/",
      agent,
      headers: { "content-type": "application/json" },
    });
    const chunk = Buffer.alloc(64 * 1024, "x");
    let written = 0;
    let writtenAtReply = -1;
    let status: number | null = null;
    let body = "";
    let closed = false;
    let settled = false;
    const finish = () => {
      if (settled) return;
      settled = true;
      resolve({ status, body, writtenAtReply, wroteAll: written >= total });
    };
    request.on("response", (response) => {
      writtenAtReply = written;
      status = response.statusCode ?? null;
      response.setEncoding("utf8");
      response.on("data", (text: string) => (body += text));
      response.on("error", () => {});
    });
    request.on("error", () => {});
    request.on("close", () => {
      closed = true;
      setImmediate(finish);
    });
    const pump = () => {
      while (!closed && written < total) {
        written += chunk.length;
        if (!request.write(chunk)) {
          request.once("drain", pump);
          return;
        }
      }
      if (!closed) request.end();
    };
    request.write("{");
    pump();
  });
}

describe("a body over the limit is not read to its end", () => {
  const LIMIT_BYTES = 16 * 1024;
  const TOTAL = 20 * MIB;

  it.each([
    ["a keep-alive client", true],
    ["a client that asked to close the connection", false],
  ])("Node: stops reading at the limit, answers %s and closes the connection", async (_client, keepAlive) => {
    let serverBytesRead = -1;
    let seenBody: string | null | undefined;
    const server = http.createServer(async (request, response) => {
      seenBody = await fromNodeRequest(request).text(LIMIT_BYTES);
      sendReply(response, jsonReply(400, '{"too":"long"}'));
      request.socket.on("close", () => (serverBytesRead = request.socket.bytesRead));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const seen = await sendLongChunkedBody((server.address() as AddressInfo).port, TOTAL, keepAlive);
      expect(seenBody).toBeNull();
      expect(seen.status).toBe(400);
      expect(seen.body).toBe('{"too":"long"}');
      expect(seen.wroteAll).toBe(false);
      expect(seen.writtenAtReply).toBeLessThan(TOTAL);
      await expect.poll(() => serverBytesRead).toBeGreaterThan(0);
      // The limit, Node's small read-ahead and one socket read: far from 20 MiB.
      expect(serverBytesRead).toBeLessThan(2 * MIB);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it("Node: a reply sent before the body was read closes the connection instead of draining it", async () => {
    let serverBytesRead = -1;
    const server = http.createServer((request, response) => {
      sendReply(response, jsonReply(401, '{"no":"key"}'));
      request.socket.on("close", () => (serverBytesRead = request.socket.bytesRead));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const seen = await sendLongChunkedBody((server.address() as AddressInfo).port, TOTAL);
      expect(seen.status).toBe(401);
      expect(seen.wroteAll).toBe(false);
      await expect.poll(() => serverBytesRead).toBeGreaterThan(0);
      expect(serverBytesRead).toBeLessThan(2 * MIB);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it("Web: reads the stream chunk by chunk and cancels it once past the limit", async () => {
    let pulled = 0;
    let cancelled = false;
    const chunk = new Uint8Array(4 * 1024).fill(120);
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (pulled >= TOTAL) return controller.close();
        pulled += chunk.byteLength;
        controller.enqueue(chunk);
      },
      cancel() {
        cancelled = true;
      },
    });
    const request = new Request("http://test/", { method: "POST", body, duplex: "half" } as RequestInit);
    expect(await fromWebRequest(request).text(LIMIT_BYTES)).toBeNull();
    expect(cancelled).toBe(true);
    expect(pulled).toBeLessThan(LIMIT_BYTES + 64 * 1024);
  });

  it("Web: a body at the limit is read whole, decoded like Request.text()", async () => {
    const text = "é".repeat(LIMIT_BYTES / 2);
    expect(await readTextUpTo(new Request("http://test/", { method: "POST", body: text }).body, LIMIT_BYTES)).toBe(text);
    expect(await readTextUpTo(new Request("http://test/", { method: "POST", body: `${text}x` }).body, LIMIT_BYTES)).toBeNull();
    const bom = new Uint8Array([0xef, 0xbb, 0xbf, 0x7b, 0x7d]);
    expect(await readTextUpTo(new Request("http://test/", { method: "POST", body: bom }).body, LIMIT_BYTES)).toBe(
      await new Request("http://test/", { method: "POST", body: bom }).text(),
    );
    expect(await readTextUpTo(null, LIMIT_BYTES)).toBe("");
  });
});
