// The two carriers of the metering API (the Next.js route handler and the
// production server's Node fast path) must read requests and write replies
// alike: headers, the body and its size limit, status, headers and bytes.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fromNodeRequest, sendReply } from "./node-transport";
import { fromWebRequest, jsonReply, toWebResponse, type ApiRequest } from "./transport";

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
