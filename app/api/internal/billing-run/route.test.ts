// The internal billing run answers loopback peers only (the peer address is
// stamped by the production server; lib/http/client-address.ts).
import { afterEach, describe, expect, it } from "vitest";
import { announcePeerStamping, stampPeerAddress } from "@/lib/http/client-address";
import { POST } from "./route";

const holder = globalThis as unknown as { __meterdeskStampsPeer?: boolean };

/** The request as the route sees it: what the client sent, stamped by the server with the socket's peer `peer`. */
function billingRunRequest(peer: string | null, fromClient: Record<string, string> = {}) {
  const headers: Record<string, string | string[] | undefined> = { "content-type": "application/json", ...fromClient };
  if (peer) stampPeerAddress(headers, peer);
  // Next.js adds X-Forwarded-For itself (the socket's address) when there is none.
  headers["x-forwarded-for"] ??= peer ?? undefined;
  return new Request("http://127.0.0.1:3000/api/internal/billing-run", {
    method: "POST",
    // No token: a refusal for the peer must come before the token is even looked at.
    headers: Object.fromEntries(Object.entries(headers).filter((entry): entry is [string, string] => typeof entry[1] === "string")),
    body: "{}",
  });
}

describe("POST /api/internal/billing-run", () => {
  afterEach(() => {
    delete holder.__meterdeskStampsPeer;
  });

  it.each([["203.0.113.9"], ["10.0.0.5"], ["192.168.1.20"], ["::ffff:10.0.0.5"], ["2001:db8::7"]])(
    "refuses a request whose peer is %s with 403",
    async (peer) => {
      announcePeerStamping();
      const response = await POST(billingRunRequest(peer));
      expect(response.status).toBe(403);
      expect(await response.json()).toEqual({ error: expect.stringContaining("own machine") });
    },
  );

  it("refuses a loopback peer that relays for someone else (a reverse proxy on this host)", async () => {
    announcePeerStamping();
    expect((await POST(billingRunRequest("127.0.0.1", { "x-forwarded-for": "203.0.113.9" }))).status).toBe(403);
    expect((await POST(billingRunRequest("::1", { forwarded: "for=203.0.113.9" }))).status).toBe(403);
  });

  it("refuses when no server of ours stamped the peer, whatever the headers claim", async () => {
    expect((await POST(billingRunRequest("127.0.0.1"))).status).toBe(403);
  });

  it("goes by the socket's address, not by stamps the client sent along", async () => {
    announcePeerStamping();
    const forged = { "x-meterdesk-peer": "127.0.0.1", "x-meterdesk-relayed": "0" };
    expect((await POST(billingRunRequest("203.0.113.9", forged))).status).toBe(403);
  });

  it.each([["127.0.0.1"], ["::1"], ["::ffff:127.0.0.1"]])("lets a loopback peer (%s) on to the token check", async (peer) => {
    announcePeerStamping();
    const response = await POST(billingRunRequest(peer));
    expect(response.status).toBe(401);
  });
});
