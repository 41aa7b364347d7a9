// API key format: "mdk_" + 10 hex characters (the visible prefix, stored and
// shown) + "_" + 32 random bytes in base64url (the secret, never stored).
// Only the SHA-256 of the whole key is kept (R9.1, issue: secrets hashed).
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

const KEY_PATTERN = /^(mdk_[0-9a-f]{10})_([A-Za-z0-9_-]{43})$/;

export interface NewApiKey {
  /** The whole key, shown to the customer once. */
  secret: string;
  prefix: string;
  secretHash: string;
}

export function hashApiKey(secret: string): string {
  return createHash("sha256").update(secret).digest("hex");
}

export function generateApiKey(random: (size: number) => Buffer = randomBytes): NewApiKey {
  const prefix = `mdk_${random(5).toString("hex")}`;
  const secret = `${prefix}_${random(32).toString("base64url")}`;
  return { secret, prefix, secretHash: hashApiKey(secret) };
}

/** The prefix of a well-formed key, or null: malformed keys never reach the database. */
export function apiKeyPrefix(secret: string): string | null {
  return KEY_PATTERN.exec(secret)?.[1] ?? null;
}

/** Constant-time comparison of a presented key with a stored hash. */
export function apiKeyMatches(secret: string, storedHash: string): boolean {
  const presented = Buffer.from(hashApiKey(secret), "hex");
  const stored = Buffer.from(storedHash, "hex");
  return presented.length === stored.length && timingSafeEqual(presented, stored);
}
