import { describe, expect, it } from "vitest";
import { HOME_PATH, safeRedirectPath, safeRedirectUrl } from "./redirect";

const ORIGIN = "https://billing.example.com";

/** Where a browser on ORIGIN would end up following `path` (what an open redirect is about). */
function landsOn(path: string): string {
  return new URL(path, `${ORIGIN}/sign-in?callbackUrl=x`).origin;
}

describe("safeRedirectPath: the callbackUrl after sign-in stays on our origin", () => {
  it.each([
    ["/w/acme-vision", "/w/acme-vision"],
    ["/w/acme-vision/invoices?status=open#latest", "/w/acme-vision/invoices?status=open#latest"],
    ["/", "/"],
    ["w/acme-vision", "/w/acme-vision"],
    [`${ORIGIN}/w/acme-vision/usage`, "/w/acme-vision/usage"],
    ["/w/a/../b", "/w/b"],
    ["/search?q=%2F%2Fevil.example", "/search?q=%2F%2Fevil.example"],
  ])("keeps our own page %j as %j", (target, expected) => {
    expect(safeRedirectPath(target, ORIGIN)).toBe(expected);
  });

  it.each([
    // The probe's spellings: browsers strip tabs and newlines, leaving //evil.example.
    ["/\t/evil.example/pwn"],
    ["/\n/evil.example/pwn"],
    ["/\r\n/evil.example/pwn"],
    ["/\t\\evil.example/pwn"],
    // Protocol-relative, backslashes (read as slashes), other schemes.
    ["//evil.example"],
    ["//evil.example/w/acme-vision"],
    ["/\\evil.example"],
    ["\\\\evil.example"],
    ["\\/evil.example"],
    ["///evil.example"],
    [" //evil.example"],
    ["https://evil.example"],
    ["http://billing.example.com/w/acme-vision"], // another origin: same host, other scheme
    ["https://billing.example.com:8443/w/acme-vision"],
    ["https://billing.example.com.evil.example/"],
    ["https://billing.example.com@evil.example/"],
    ["HTTPS://EVIL.EXAMPLE"],
    ["javascript:alert(document.cookie)"],
    ["JaVaScRiPt:alert(1)"],
    ["java\tscript:alert(1)"],
    ["data:text/html,<script>alert(1)</script>"],
    ["vbscript:msgbox(1)"],
    ["mailto:someone@evil.example"],
  ])("sends %j home", (target) => {
    expect(safeRedirectPath(target, ORIGIN)).toBe(HOME_PATH);
  });

  it.each([
    // Percent-encoded and odd spellings that decode or resolve to a path on our origin:
    // kept, but never in a form a browser could read as another host.
    ["/%2F%2Fevil.example"],
    ["/%09/evil.example"],
    ["/%5Cevil.example"],
    ["/.//evil.example"],
    ["/./\\evil.example"],
    ["/x/..//evil.example"],
    ["/%2e%2e//evil.example"],
  ])("keeps %j on our origin", (target) => {
    const path = safeRedirectPath(target, ORIGIN);
    expect(path.startsWith("/")).toBe(true);
    expect(path.startsWith("//")).toBe(false);
    expect(path.startsWith("/\\")).toBe(false);
    expect(landsOn(path)).toBe(ORIGIN);
  });

  it("decodes the query string's callbackUrl the way the sign-in page reads it", () => {
    // /sign-in?callbackUrl=%2F%09%2Fevil.example%2Fpwn, as URLSearchParams hands it over.
    const fromQuery = new URLSearchParams("callbackUrl=%2F%09%2Fevil.example%2Fpwn").get("callbackUrl");
    expect(fromQuery).toBe("/\t/evil.example/pwn");
    expect(safeRedirectPath(fromQuery, ORIGIN)).toBe(HOME_PATH);
    const newline = new URLSearchParams("callbackUrl=%2F%0A%2Fevil.example%2Fpwn").get("callbackUrl");
    expect(safeRedirectPath(newline, ORIGIN)).toBe(HOME_PATH);
    const backslash = new URLSearchParams("callbackUrl=%2F%09%5Cevil.example%2Fpwn").get("callbackUrl");
    expect(safeRedirectPath(backslash, ORIGIN)).toBe(HOME_PATH);
  });

  it.each([[null], [undefined], [""]])("sends an absent target (%j) home", (target) => {
    expect(safeRedirectPath(target, ORIGIN)).toBe(HOME_PATH);
  });

  it("sends everything home when our own origin is not a URL", () => {
    expect(safeRedirectPath("/w/acme-vision", "not a url")).toBe(HOME_PATH);
  });
});

describe("safeRedirectUrl: next-auth's redirect callback", () => {
  it.each([
    ["/w/acme-vision", `${ORIGIN}/w/acme-vision`],
    [`${ORIGIN}/w/acme-vision?x=1`, `${ORIGIN}/w/acme-vision?x=1`],
    ["/\t/evil.example/pwn", `${ORIGIN}/`],
    ["https://evil.example/pwn", `${ORIGIN}/`],
    ["//evil.example", `${ORIGIN}/`],
    ["/.//evil.example", `${ORIGIN}/evil.example`],
  ])("%j → %j", (target, expected) => {
    expect(safeRedirectUrl(target, ORIGIN)).toBe(expected);
  });
});
