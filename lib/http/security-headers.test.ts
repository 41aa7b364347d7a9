import { describe, expect, it } from "vitest";
import { getScriptNonceFromHeader } from "next/dist/server/app-render/get-script-nonce-from-header";
import { contentSecurityPolicy, isHttps, newNonce, securityHeaders } from "./security-headers";

function directives(policy: string): Map<string, string[]> {
  return new Map(
    policy.split(";").map((part) => {
      const [name = "", ...values] = part.trim().split(/\s+/);
      return [name, values];
    }),
  );
}

describe("security headers", () => {
  it("gives every response a fresh, unguessable nonce", () => {
    const nonces = new Set(Array.from({ length: 100 }, newNonce));
    expect(nonces.size).toBe(100);
    for (const nonce of nonces) expect(Buffer.from(nonce, "base64")).toHaveLength(16);
  });

  it("lets only nonce'd scripts and our own files run: no inline scripts, no eval, no other origins", () => {
    const policy = directives(contentSecurityPolicy("abc123==", false));
    expect(policy.get("script-src")).toEqual(["'self'", "'nonce-abc123=='"]);
    expect(policy.get("object-src")).toEqual(["'none'"]);
    expect(policy.get("base-uri")).toEqual(["'none'"]);
    expect(policy.get("frame-ancestors")).toEqual(["'none'"]);
    expect(policy.get("form-action")).toEqual(["'self'"]);
    expect(policy.get("default-src")).toEqual(["'self'"]);
    for (const values of policy.values()) {
      expect(values).not.toContain("'unsafe-eval'");
      expect(values).not.toContain("*");
    }
    expect(policy.get("script-src")).not.toContain("'unsafe-inline'");
    expect(policy.has("upgrade-insecure-requests")).toBe(false);
  });

  it("is read by Next.js, which puts the same nonce on the scripts it renders", () => {
    const nonce = newNonce();
    expect(getScriptNonceFromHeader(contentSecurityPolicy(nonce, true))).toBe(nonce);
  });

  it("adds HSTS and upgrade-insecure-requests only over HTTPS", () => {
    const plain = securityHeaders("n", false);
    expect(plain).toMatchObject({
      "x-frame-options": "DENY",
      "referrer-policy": "strict-origin-when-cross-origin",
      "x-content-type-options": "nosniff",
    });
    expect(plain["strict-transport-security"]).toBeUndefined();
    const secure = securityHeaders("n", true);
    expect(secure["strict-transport-security"]).toBe("max-age=31536000");
    expect(directives(secure["content-security-policy"]!).has("upgrade-insecure-requests")).toBe(true);
  });

  it.each([
    [undefined, undefined, false],
    ["http://localhost:3000", undefined, false],
    ["https://billing.example.com", undefined, true],
    [undefined, "https", true],
    [undefined, "HTTPS, http", true],
    [undefined, "http", false],
    [undefined, ["https"], true],
  ])("APP_URL %j with X-Forwarded-Proto %j is HTTPS: %s", (appUrl, proto, expected) => {
    expect(isHttps(appUrl, proto)).toBe(expected);
  });
});
