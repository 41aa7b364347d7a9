import { afterEach, describe, expect, it } from "vitest";
import {
  addressBucket,
  announcePeerStamping,
  canonicalAddress,
  clientAddress,
  isFromThisMachine,
  isLoopbackAddress,
  PEER_HEADER,
  peerAddress,
  stampPeerAddress,
} from "./client-address";

const holder = globalThis as unknown as { __meterdeskStampsPeer?: boolean };

/** A request's headers as the server hands them on: whatever the client sent, then the stamp. */
function stamped(fromClient: Record<string, string>, remoteAddress: string | undefined) {
  const headers: Record<string, string | string[] | undefined> = { ...fromClient };
  stampPeerAddress(headers, remoteAddress);
  return (name: string) => {
    const value = headers[name];
    return Array.isArray(value) ? value.join(", ") : (value ?? null);
  };
}

describe("client addresses", () => {
  afterEach(() => {
    delete holder.__meterdeskStampsPeer;
  });

  it("believes the peer header only when our server stamps it (not under next dev / next start)", () => {
    const header = (name: string) => (name === PEER_HEADER ? "127.0.0.1" : null);
    expect(peerAddress(header)).toBeNull();
    announcePeerStamping();
    expect(peerAddress(header)).toBe("127.0.0.1");
  });

  it("replaces a peer header sent by the client with the socket's address", () => {
    announcePeerStamping();
    expect(peerAddress(stamped({ [PEER_HEADER]: "127.0.0.1" }, "203.0.113.9"))).toBe("203.0.113.9");
    expect(peerAddress(stamped({ [PEER_HEADER]: "127.0.0.1" }, undefined))).toBeNull();
    expect(peerAddress(stamped({}, "::ffff:198.51.100.4"))).toBe("198.51.100.4");
  });

  it("is from this machine only for a loopback peer that no proxy relayed, as the server saw it", () => {
    announcePeerStamping();
    expect(isFromThisMachine(stamped({}, "127.0.0.1"))).toBe(true);
    expect(isFromThisMachine(stamped({}, "::ffff:127.0.0.1"))).toBe(true);
    expect(isFromThisMachine(stamped({}, "10.0.0.2"))).toBe(false);
    expect(isFromThisMachine(stamped({ "x-forwarded-for": "203.0.113.9" }, "127.0.0.1"))).toBe(false);
    expect(isFromThisMachine(stamped({ forwarded: "for=203.0.113.9" }, "127.0.0.1"))).toBe(false);
    expect(isFromThisMachine(stamped({ "x-meterdesk-relayed": "0", [PEER_HEADER]: "127.0.0.1" }, "203.0.113.9"))).toBe(false);
  });

  it("ignores X-Forwarded-For unless TRUST_PROXY says so", () => {
    announcePeerStamping();
    const header = stamped({ "x-forwarded-for": "198.51.100.1, 10.0.0.2" }, "203.0.113.9");
    expect(clientAddress(header, 0)).toBe("203.0.113.9");
  });

  it("with trusted proxies, takes the entry the outermost trusted proxy appended", () => {
    announcePeerStamping();
    // The client forged the first entry; our one proxy appended the real address.
    const header = stamped({ "x-forwarded-for": "127.0.0.1, 198.51.100.1" }, "10.0.0.2");
    expect(clientAddress(header, 1)).toBe("198.51.100.1");
    // Two proxies of ours: the CDN appended the client, the load balancer the CDN.
    const twoHops = stamped({ "x-forwarded-for": "1.1.1.1, 198.51.100.1, 192.0.2.50" }, "10.0.0.2");
    expect(clientAddress(twoHops, 2)).toBe("198.51.100.1");
  });

  it("falls back to the peer when the forwarded entry is missing or not an address", () => {
    announcePeerStamping();
    expect(clientAddress(stamped({}, "10.0.0.2"), 1)).toBe("10.0.0.2");
    expect(clientAddress(stamped({ "x-forwarded-for": "unknown" }, "10.0.0.2"), 1)).toBe("10.0.0.2");
    expect(clientAddress(stamped({ "x-forwarded-for": "198.51.100.1" }, "10.0.0.2"), 2)).toBe("10.0.0.2");
  });

  it("is unknown without our server, whatever the headers say", () => {
    expect(clientAddress(stamped({ "x-forwarded-for": "198.51.100.1" }, "10.0.0.2"), 1)).toBeNull();
  });

  it.each([
    ["127.0.0.1", true],
    ["127.255.3.4", true],
    ["::1", true],
    ["0:0:0:0:0:0:0:1", true],
    ["::ffff:127.0.0.1", true],
    ["::FFFF:127.9.9.9", true],
    ["10.0.0.1", false],
    ["192.168.1.10", false],
    ["203.0.113.9", false],
    ["128.0.0.1", false],
    ["::", false],
    ["::2", false],
    ["fe80::1", false],
    ["::ffff:10.0.0.1", false],
    ["1::1", false],
    ["localhost", false],
    ["", false],
    [null, false],
  ])("%j is loopback: %s", (address, expected) => {
    expect(isLoopbackAddress(address)).toBe(expected);
  });

  it("counts IPv4 per address and IPv6 per /64", () => {
    expect(addressBucket("203.0.113.9")).toBe("203.0.113.9");
    expect(addressBucket("::ffff:203.0.113.9")).toBe("203.0.113.9");
    expect(addressBucket("2001:db8:1:2:aaaa::1")).toBe("2001:db8:1:2::/64");
    expect(addressBucket("2001:DB8:1:2:ffff:ffff:ffff:ffff")).toBe("2001:db8:1:2::/64");
    expect(addressBucket("2001:db8::1")).toBe("2001:db8:0:0::/64");
    expect(addressBucket("::1")).toBe("0:0:0:0::/64");
  });

  it("canonicalises IPv4-mapped IPv6", () => {
    expect(canonicalAddress("::ffff:198.51.100.4")).toBe("198.51.100.4");
    expect(canonicalAddress("2001:DB8::1")).toBe("2001:db8::1");
  });
});
