import { describe, expect, it } from "vitest";
import { apiKeyMatches, apiKeyPrefix, generateApiKey, hashApiKey } from "./key";

describe("API keys", () => {
  it("generates a key whose prefix is visible and whose secret only matches its own hash", () => {
    const key = generateApiKey();
    expect(key.secret.startsWith(`${key.prefix}_`)).toBe(true);
    expect(apiKeyPrefix(key.secret)).toBe(key.prefix);
    expect(key.secretHash).toBe(hashApiKey(key.secret));
    expect(key.secretHash).not.toContain(key.secret.slice(15));
    expect(apiKeyMatches(key.secret, key.secretHash)).toBe(true);
    expect(apiKeyMatches(`${key.secret.slice(0, -1)}A`, key.secretHash)).toBe(false);
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
