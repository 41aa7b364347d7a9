// Who is on the other end of a request, for the per-address sign-in limits and
// the loopback-only internal endpoint.
//
// The truth is the socket's peer address, which only the Node server sees:
// Next.js route handlers, server actions and next-auth get a Web Request
// without it. The production server (server/index.ts) therefore writes the
// peer address into PEER_HEADER on every request it hands to Next.js, after
// deleting any copy the client sent, and marks on globalThis that it does so
// (the server bundle and the Next.js bundles share globalThis). Without that
// mark (`next dev`, `next start`) the header could come from the client, so it
// is ignored and the address is unknown.
//
// X-Forwarded-For is written by whoever sent the request, so it is believed
// only when TRUST_PROXY says how many proxies of ours append to it; the
// address is then the entry that the outermost of them appended.
import { isIP } from "node:net";

export const PEER_HEADER = "x-meterdesk-peer";
/** "1" when the request came with a forwarding header (a proxy relayed it), else "0". Stamped with PEER_HEADER. */
export const RELAYED_HEADER = "x-meterdesk-relayed";
const FORWARDING_HEADERS = ["forwarded", "x-forwarded-for", "x-real-ip"];

const holder = globalThis as unknown as { __meterdeskStampsPeer?: boolean };

/** The production server calls this once: from then on PEER_HEADER is set by the server, never by the client. */
export function announcePeerStamping(): void {
  holder.__meterdeskStampsPeer = true;
}

/**
 * Replaces whatever PEER_HEADER and RELAYED_HEADER the client sent with the
 * socket's peer address and whether a proxy relayed the request (server/index.ts,
 * before Next.js adds X-Forwarded-For itself).
 */
export function stampPeerAddress(headers: Record<string, string | string[] | undefined>, remoteAddress: string | undefined): void {
  delete headers[PEER_HEADER];
  if (remoteAddress) headers[PEER_HEADER] = remoteAddress;
  headers[RELAYED_HEADER] = FORWARDING_HEADERS.some((name) => headers[name] !== undefined) ? "1" : "0";
}

export type HeaderReader = (name: string) => string | null | undefined;

/** The socket's peer address as stamped by our server, or null when no server of ours stamped it. */
export function peerAddress(header: HeaderReader): string | null {
  if (!holder.__meterdeskStampsPeer) return null;
  const value = header(PEER_HEADER)?.trim();
  return value && isIP(value) ? canonicalAddress(value) : null;
}

/**
 * The client's address: the peer, or with `trustedProxies` > 0 the address
 * the outermost trusted proxy saw (X-Forwarded-For counted from the right).
 * Null when unknown (no server of ours in front of Next.js).
 */
export function clientAddress(header: HeaderReader, trustedProxies: number): string | null {
  const peer = peerAddress(header);
  if (!peer || trustedProxies <= 0) return peer;
  const forwarded = (header("x-forwarded-for") ?? "")
    .split(",")
    .map((entry) => entry.trim())
    .filter(Boolean);
  const candidate = forwarded[forwarded.length - trustedProxies];
  return candidate && isIP(candidate) ? canonicalAddress(candidate) : peer;
}

/** IPv4-mapped IPv6 (::ffff:203.0.113.7) as the IPv4 address it is; other addresses lower-cased. */
export function canonicalAddress(address: string): string {
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(address);
  return mapped ? mapped[1]! : address.toLowerCase();
}

/** 127.0.0.0/8, ::1 and their IPv4-mapped form: the machine itself. */
export function isLoopbackAddress(address: string | null | undefined): boolean {
  if (!address) return false;
  const canonical = canonicalAddress(address.trim());
  if (isIP(canonical) === 4) return canonical.split(".")[0] === "127";
  if (isIP(canonical) === 6) return expandIpv6(canonical).every((group, index) => group === (index === 7 ? 1 : 0));
  return false;
}

/**
 * The request comes from this machine: its socket's peer is a loopback address
 * (127.0.0.0/8, ::1, ::ffff:127.x) and no proxy relayed it — a reverse proxy
 * on the same host connects from loopback too, but says whom it forwards for.
 * Unknown peers (no server of ours stamped the address) are not.
 */
export function isFromThisMachine(header: HeaderReader): boolean {
  return header(RELAYED_HEADER) === "0" && isLoopbackAddress(peerAddress(header));
}

/**
 * The unit a per-address limit counts: an IPv4 address, or an IPv6 /64 (one
 * customer line gets a whole /64, so counting single IPv6 addresses would not
 * limit anyone).
 */
export function addressBucket(address: string): string {
  const canonical = canonicalAddress(address);
  if (isIP(canonical) !== 6) return canonical;
  return `${expandIpv6(canonical)
    .slice(0, 4)
    .map((group) => group.toString(16))
    .join(":")}::/64`;
}

function expandIpv6(address: string): number[] {
  let text = address.replace(/%.*$/, "");
  // An embedded IPv4 tail (::ffff:1.2.3.4 that is not mapped, 64:ff9b::1.2.3.4) becomes two groups.
  const ipv4 = /(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (ipv4) {
    const [a, b, c, d] = ipv4.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, ipv4.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = "", tail] = text.split("::");
  const left = head ? head.split(":") : [];
  const right = tail ? tail.split(":") : [];
  const missing = tail === undefined ? 0 : 8 - left.length - right.length;
  return [...left, ...Array<string>(missing).fill("0"), ...right].map((group) => parseInt(group, 16));
}
