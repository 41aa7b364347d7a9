import { describe, expect, it } from "vitest";
import { apiKeyMatches, apiKeyPrefix, generateApiKey, hashApiKey } from "./key";

/** The same key with its last character changed to another one that is still well formed. */
function tamperLastCharacter(secret: string): string {
  const last = secret.at(-1);
  return `${secret.slice(0, -1)}${last === "A" ? "E" : "A"}`;
}

describe("API keys", () => {
  it("generates a key whose prefix is visible and whose secret only matches its own hash", () => {
    const key = generateApiKey();
    expect(key.secret.startsWith(`${key.prefix}_`)).toBe(true);
    expect(apiKeyPrefix(key.secret)).toBe(key.prefix);
    expect(key.secretHash).toBe(hashApiKey(key.secret));
    expect(key.secretHash).not.toContain(key.secret.slice(15));
    expect(apiKeyMatches(key.secret, key.secretHash)).toBe(true);
    expect(apiKeyMatches(tamperLastCharacter(key.secret), key.secretHash)).toBe(false);
  });

  it("refuses a key that differs from the stored one in its last character only, whatever that character is", () => {
    // The last base64url character of 32 bytes takes one of 16 values (A, E, I, …): try every key ending.
    for (let byte = 0; byte < 256; byte += 1) {
      const key = generateApiKey((size) => Buffer.alloc(size, byte));
      const tampered = tamperLastCharacter(key.secret);
      expect(tampered).not.toBe(key.secret);
      expect(apiKeyPrefix(tampered)).toBe(key.prefix);
      expect(apiKeyMatches(tampered, key.secretHash)).toBe(false);
    }
  });

  it("gives each key its own secret", () => {
    const a = generateApiKey();
    const b = generateApiKey();
    expect(a.secret).not.toBe(b.secret);
    expect(a.prefix).not.toBe(b.prefix);
  });

  it.each(["", "mdk_", "Key abc", "mdk_zzzzzzzzzz_" + "a".repeat(43), "mdk_0123456789_short"])("rejects malformed key %j", (secret) => {
    expect(apiKeyPrefix(secret)).toBeNull();
  });
});
