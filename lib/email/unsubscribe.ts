import "server-only";

// One-click unsubscribe links (RFC 8058) for the optional notices. A token
// names the workspace, the member and the one kind of notice it turns off,
// signed with HMAC-SHA256 under the app's auth secret, so a link cannot be
// edited into another member's or another kind's. Tokens do not expire: an
// old email's link must still work.
import { createHmac, timingSafeEqual } from "node:crypto";
import { authSecret } from "@/lib/auth/secret";
import { isOptionalNotice, type OptionalNoticeKind } from "./notices";

export interface UnsubscribeClaims {
  workspaceId: string;
  userId: string;
  kind: OptionalNoticeKind;
}

/** The page that asks for confirmation (the link in the email's text). */
export const UNSUBSCRIBE_PATH = "/unsubscribe";
/** Where mail clients POST `List-Unsubscribe=One-Click` (the List-Unsubscribe header). GET never changes anything. */
export const ONE_CLICK_UNSUBSCRIBE_PATH = "/unsubscribe/one-click";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function signature(claims: UnsubscribeClaims, secret: string): Buffer {
  // The purpose prefix keeps these signatures apart from anything else signed with the same secret.
  return createHmac("sha256", secret).update(`meterdesk-unsubscribe-v1\n${claims.workspaceId}\n${claims.userId}\n${claims.kind}`).digest();
}

/** `<workspaceId>.<userId>.<kind>.<signature>`, URL-safe as it is. */
export function unsubscribeToken(claims: UnsubscribeClaims, secret: string = authSecret()): string {
  return `${claims.workspaceId}.${claims.userId}.${claims.kind}.${signature(claims, secret).toString("base64url")}`;
}

/** The claims of a genuine token; null for anything else (edited, truncated, another secret's). */
export function verifyUnsubscribeToken(token: string, secret: string = authSecret()): UnsubscribeClaims | null {
  if (token.length > 200) return null;
  const parts = token.split(".");
  if (parts.length !== 4) return null;
  const [workspaceId, userId, kind, given] = parts as [string, string, string, string];
  if (!UUID.test(workspaceId) || !UUID.test(userId) || !isOptionalNotice(kind)) return null;
  const claims: UnsubscribeClaims = { workspaceId, userId, kind };
  // Compared as text: a decoder would accept several spellings of one signature.
  const expected = Buffer.from(signature(claims, secret).toString("base64url"));
  const actual = Buffer.from(given);
  if (actual.length !== expected.length || !timingSafeEqual(actual, expected)) return null;
  return claims;
}

/** The link in the email's text: a page that confirms before it unsubscribes. */
export function unsubscribeUrl(appUrl: string, claims: UnsubscribeClaims, secret: string = authSecret()): string {
  return `${appUrl.replace(/\/+$/, "")}${UNSUBSCRIBE_PATH}?token=${unsubscribeToken(claims, secret)}`;
}

/** The List-Unsubscribe header's link (RFC 8058 one-click: a POST unsubscribes at once). */
export function oneClickUnsubscribeUrl(appUrl: string, claims: UnsubscribeClaims, secret: string = authSecret()): string {
  return `${appUrl.replace(/\/+$/, "")}${ONE_CLICK_UNSUBSCRIBE_PATH}?token=${unsubscribeToken(claims, secret)}`;
}
