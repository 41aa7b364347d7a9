import { describe, expect, it } from "vitest";
import { LOCKOUT_MS, lockoutKey, MAX_FAILED_SIGN_INS, MemorySignInLockout } from "./lockout";

const T0 = Date.parse("2027-03-01T09:00:00Z");

async function fail(lockout: MemorySignInLockout, key: string, times: number, at = T0) {
  const results: number[] = [];
  for (let i = 0; i < times; i += 1) results.push(await lockout.recordFailure(key, at + i));
  return results;
}

describe("the in-process sign-in lockout", () => {
  it("locks an email for 15 minutes at the fifth wrong password in a row", async () => {
    const lockout = new MemorySignInLockout();
    const key = lockoutKey("someone@example.com");
    expect(MAX_FAILED_SIGN_INS).toBe(5);
    expect(await fail(lockout, key, 4)).toEqual([0, 0, 0, 0]);
    expect(await lockout.lockedForMs(key, T0 + 4)).toBe(0);
    expect(await lockout.recordFailure(key, T0 + 5)).toBe(LOCKOUT_MS);
    expect(await lockout.lockedForMs(key, T0 + 5)).toBe(LOCKOUT_MS);
    expect(await lockout.lockedForMs(key, T0 + 5 + LOCKOUT_MS - 1)).toBe(1);
    expect(await lockout.lockedForMs(key, T0 + 5 + LOCKOUT_MS)).toBe(0);
  });

  it("starts a new streak after a successful sign-in, and after 15 minutes without a failure", async () => {
    const lockout = new MemorySignInLockout();
    const key = lockoutKey("someone@example.com");
    await fail(lockout, key, 4);
    await lockout.clear(key);
    expect(await fail(lockout, key, 4, T0 + 100)).toEqual([0, 0, 0, 0]);
    // Quiet for 15 minutes: the streak is over, four more do not lock.
    expect(await fail(lockout, key, 4, T0 + 100 + 3 + LOCKOUT_MS)).toEqual([0, 0, 0, 0]);
    expect(await lockout.recordFailure(key, T0 + 200 + 2 * LOCKOUT_MS - 1)).toBe(0);
  });

  it("counts each email apart", async () => {
    const lockout = new MemorySignInLockout();
    await fail(lockout, lockoutKey("a@example.com"), 5);
    expect(await lockout.lockedForMs(lockoutKey("a@example.com"), T0 + 10)).toBeGreaterThan(0);
    expect(await lockout.lockedForMs(lockoutKey("b@example.com"), T0 + 10)).toBe(0);
  });

  it("keys by a hash, never the address itself", () => {
    const key = lockoutKey("someone@example.com");
    expect(key).not.toContain("someone");
    expect(key).toBe(lockoutKey("someone@example.com"));
    expect(key).not.toBe(lockoutKey("someone@example.org"));
  });

  it("holds at most maxKeys streaks, dropping spent ones first, then the oldest", async () => {
    const lockout = new MemorySignInLockout(3);
    await lockout.recordFailure("old", T0);
    await fail(lockout, "locked", 5, T0);
    await lockout.recordFailure("recent", T0 + LOCKOUT_MS);
    await lockout.recordFailure("newest", T0 + LOCKOUT_MS + 1);
    expect(lockout.size).toBe(3);
    // "old" was spent (15 minutes quiet) and went first; the locked email is still locked.
    expect(await lockout.lockedForMs("locked", T0 + LOCKOUT_MS + 1)).toBeGreaterThan(0);
    await lockout.recordFailure("another", T0 + 2 * LOCKOUT_MS + 10);
    expect(lockout.size).toBe(3);
  });
});
