import "server-only";

// Sign-in lockout: five wrong passwords in a row for an email lock it for 15
// minutes. Counted per normalised email whether or not an account has it, so
// that the lockout (its message, its timing) does not reveal which emails
// exist, and without creating anything for unknown emails. A streak that sees
// no failure for 15 minutes starts again; a successful sign-in clears it.
//
// In Redis when REDIS_URL is set (every app instance counts together, keys
// expire by themselves), in this process otherwise (R13), like the rate
// limiter (the Redis store is lockout-redis.ts; lib/auth/sign-in.ts picks
// one). The key is a hash of the email: no addresses in Redis.
import { createHash } from "node:crypto";

export const MAX_FAILED_SIGN_INS = 5;
export const LOCKOUT_MS = 15 * 60_000;

export interface SignInLockout {
  /** How much longer `emailKey` is locked, in ms; 0 when it is not. */
  lockedForMs(emailKey: string, nowMs: number): Promise<number>;
  /** Counts a wrong password; returns how long this failure locked `emailKey` for (0: not locked). */
  recordFailure(emailKey: string, nowMs: number): Promise<number>;
  /** A successful sign-in: the streak starts again. */
  clear(emailKey: string): Promise<void>;
  close(): Promise<void>;
}

/** The key of a normalised email in the lockout store. */
export function lockoutKey(normalisedEmail: string): string {
  return createHash("sha256").update(`meterdesk:sign-in:${normalisedEmail}`).digest("base64url");
}

interface Streak {
  failures: number;
  lastFailureMs: number;
  lockedUntilMs: number;
}

/** The in-process store: a Map in insertion order, oldest first, capped at `maxKeys`. */
export class MemorySignInLockout implements SignInLockout {
  private readonly streaks = new Map<string, Streak>();

  constructor(private readonly maxKeys = 100_000) {}

  get size(): number {
    return this.streaks.size;
  }

  async lockedForMs(emailKey: string, nowMs: number): Promise<number> {
    const streak = this.streaks.get(emailKey);
    return streak ? Math.max(0, streak.lockedUntilMs - nowMs) : 0;
  }

  async recordFailure(emailKey: string, nowMs: number): Promise<number> {
    const previous = this.streaks.get(emailKey);
    const continues = previous !== undefined && nowMs - previous.lastFailureMs < LOCKOUT_MS;
    const failures = (continues ? previous.failures : 0) + 1;
    const locks = failures >= MAX_FAILED_SIGN_INS;
    this.streaks.delete(emailKey);
    this.streaks.set(emailKey, {
      failures: locks ? 0 : failures,
      lastFailureMs: nowMs,
      lockedUntilMs: locks ? nowMs + LOCKOUT_MS : (previous?.lockedUntilMs ?? 0),
    });
    this.evict(nowMs);
    return locks ? LOCKOUT_MS : 0;
  }

  async clear(emailKey: string): Promise<void> {
    this.streaks.delete(emailKey);
  }

  async close(): Promise<void> {
    this.streaks.clear();
  }

  /** Drops streaks that no longer count, oldest first; beyond the cap, the oldest of all. */
  private evict(nowMs: number): void {
    if (this.streaks.size <= this.maxKeys) return;
    for (const [key, streak] of this.streaks) {
      if (this.streaks.size <= this.maxKeys) return;
      if (nowMs - streak.lastFailureMs >= LOCKOUT_MS && streak.lockedUntilMs <= nowMs) this.streaks.delete(key);
    }
    for (const key of this.streaks.keys()) {
      if (this.streaks.size <= this.maxKeys) return;
      this.streaks.delete(key);
    }
  }
}
