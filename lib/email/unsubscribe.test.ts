import { describe, expect, it } from "vitest";
import { oneClickUnsubscribeUrl, unsubscribeToken, unsubscribeUrl, verifyUnsubscribeToken, type UnsubscribeClaims } from "./unsubscribe";

const SECRET = "a-test-secret-of-at-least-thirty-two-chars";
const claims: UnsubscribeClaims = {
  workspaceId: "0190f5c2-7a4e-7c3b-9d2a-1b2c3d4e5f60",
  userId: "0190f5c2-7a4e-7c3b-9d2a-aaaaaaaaaaaa",
  kind: "low_balance",
};

describe("unsubscribe tokens", () => {
  it("round-trip: a token verifies to its own claims", () => {
    const token = unsubscribeToken(claims, SECRET);
    expect(verifyUnsubscribeToken(token, SECRET)).toEqual(claims);
  });

  it("is bound to the kind, the member and the workspace", () => {
    const token = unsubscribeToken(claims, SECRET);
    const signature = token.split(".")[3];
    for (const edited of [
      `${claims.workspaceId}.${claims.userId}.package_expiring.${signature}`,
      `${claims.workspaceId}.0190f5c2-7a4e-7c3b-9d2a-bbbbbbbbbbbb.low_balance.${signature}`,
      `0190f5c2-7a4e-7c3b-9d2a-000000000000.${claims.userId}.low_balance.${signature}`,
    ]) {
      expect(verifyUnsubscribeToken(edited, SECRET)).toBeNull();
    }
    expect(unsubscribeToken({ ...claims, kind: "package_expiring" }, SECRET)).not.toBe(token);
  });

  it("refuses another secret's token, a truncated or altered signature, and garbage", () => {
    const token = unsubscribeToken(claims, SECRET);
    expect(verifyUnsubscribeToken(token, `${SECRET}-other`)).toBeNull();
    expect(verifyUnsubscribeToken(token.slice(0, -1), SECRET)).toBeNull();
    const last = token.at(-1) === "A" ? "B" : "A";
    expect(verifyUnsubscribeToken(token.slice(0, -1) + last, SECRET)).toBeNull();
    expect(verifyUnsubscribeToken(`${token}=`, SECRET)).toBeNull();
    expect(verifyUnsubscribeToken("", SECRET)).toBeNull();
    expect(verifyUnsubscribeToken("a.b.c.d", SECRET)).toBeNull();
    expect(verifyUnsubscribeToken(`${token}.extra`, SECRET)).toBeNull();
    expect(verifyUnsubscribeToken("x".repeat(1_000), SECRET)).toBeNull();
  });

  it("only optional notices can be unsubscribed from", () => {
    // Even correctly signed, a money notice's token is not accepted.
    const forged = unsubscribeToken({ ...claims, kind: "payment_failed" as never }, SECRET);
    expect(verifyUnsubscribeToken(forged, SECRET)).toBeNull();
  });

  it("does not expire: the same claims give the same token", () => {
    expect(unsubscribeToken(claims, SECRET)).toBe(unsubscribeToken(claims, SECRET));
  });

  it("builds the link under the app URL, URL-safe", () => {
    const url = unsubscribeUrl("https://billing.example.com/", claims, SECRET);
    expect(url).toBe(`https://billing.example.com/unsubscribe?token=${unsubscribeToken(claims, SECRET)}`);
    const parsed = new URL(url);
    expect(parsed.searchParams.get("token")).toBe(unsubscribeToken(claims, SECRET));
    expect(verifyUnsubscribeToken(parsed.searchParams.get("token")!, SECRET)).toEqual(claims);
    // The header's one-click link carries the same token to the POST endpoint.
    expect(oneClickUnsubscribeUrl("https://billing.example.com", claims, SECRET)).toBe(
      `https://billing.example.com/unsubscribe/one-click?token=${unsubscribeToken(claims, SECRET)}`,
    );
  });
});
