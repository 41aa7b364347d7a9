// The security headers of every response the production server hands to
// Next.js (server/index.ts), and the per-request nonce of its CSP.
//
// Next.js reads the nonce from the Content-Security-Policy *request* header
// while it renders and puts it on every script it writes (framework, page
// chunks, inline flight data); the root layout reads NONCE_HEADER for the
// theme script. Nonces only work on dynamically rendered pages: the root
// layout reads the request headers, which makes every page dynamic.
//
// script-src has no 'unsafe-inline' and no 'strict-dynamic': only scripts
// with this response's nonce and files of our own origin run, so markup that
// slipped into a page cannot run a script. style-src keeps 'unsafe-inline'
// because server-rendered style attributes (meters, chart sizes) cannot carry
// a nonce; styles cannot run code.
import { randomBytes } from "node:crypto";

export const NONCE_HEADER = "x-nonce";

/** 128 random bits, base64: unguessable, new for every response. */
export function newNonce(): string {
  return randomBytes(16).toString("base64");
}

export function contentSecurityPolicy(nonce: string, https: boolean): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}'`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    ...(https ? ["upgrade-insecure-requests"] : []),
  ].join("; ");
}

/** Served over HTTPS: the public URL says so, or the proxy in front of us does (X-Forwarded-Proto). */
export function isHttps(appUrl: string | undefined, forwardedProto: string | string[] | undefined): boolean {
  if (appUrl?.startsWith("https://")) return true;
  const proto = Array.isArray(forwardedProto) ? forwardedProto[0] : forwardedProto;
  return proto?.split(",")[0]?.trim().toLowerCase() === "https";
}

export function securityHeaders(nonce: string, https: boolean): Record<string, string> {
  return {
    "content-security-policy": contentSecurityPolicy(nonce, https),
    "x-frame-options": "DENY",
    "referrer-policy": "strict-origin-when-cross-origin",
    "x-content-type-options": "nosniff",
    // Browsers ignore HSTS received over plain HTTP; sending it there would only mislead.
    ...(https ? { "strict-transport-security": "max-age=31536000" } : {}),
  };
}
