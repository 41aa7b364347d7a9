import "server-only";

// The sign-in lockout in Redis (lib/auth/lockout.ts), shared by every app
// instance. Per email key: "<key>:f" counts the failures of the current
// streak and expires LOCKOUT_MS after the last one; "<key>:l" exists while
// the email is locked (PX LOCKOUT_MS). One script per failure keeps count and
// lock consistent between instances.
//
// When Redis cannot answer the store FAILS OPEN — nothing is locked or
// counted — like the rate limiter: signing in must not depend on Redis. The
// outage is logged at most once a minute.
import Redis from "ioredis";
import { LOCKOUT_MS, MAX_FAILED_SIGN_INS, type SignInLockout } from "./lockout";

// KEYS[1] the streak, KEYS[2] the lock; ARGV[1] failures that lock, ARGV[2] the lock's length in ms.
// Returns the lock's length when this failure locked the email, else 0.
const RECORD_FAILURE_LUA = `
local failures = redis.call('INCR', KEYS[1])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
if failures >= tonumber(ARGV[1]) then
  redis.call('DEL', KEYS[1])
  redis.call('SET', KEYS[2], '1', 'PX', ARGV[2])
  return tonumber(ARGV[2])
end
return 0
`;

type LockoutClient = Redis & { recordSignInFailure(numKeys: number, ...keysAndArgs: Array<string | number>): Promise<number> };

const LOG_EVERY_MS = 60_000;

export class RedisSignInLockout implements SignInLockout {
  private readonly redis: LockoutClient;
  private readonly prefix: string;
  private readonly log: (message: string) => void;
  private lastLoggedAt = Number.NEGATIVE_INFINITY;

  constructor(options: { redisUrl: string; keyPrefix?: string; timeoutMs?: number; log?: (message: string) => void }) {
    this.prefix = options.keyPrefix ?? "md:signin:";
    this.log = options.log ?? ((message: string) => console.warn(message));
    const client = new Redis(options.redisUrl, {
      commandTimeout: options.timeoutMs ?? 250,
      maxRetriesPerRequest: 0,
      autoResendUnfulfilledCommands: false,
      retryStrategy: (attempt) => Math.min(attempt * 100, 2_000),
    });
    client.on("error", (error: Error) => this.logOutage(error.message));
    client.defineCommand("recordSignInFailure", { lua: RECORD_FAILURE_LUA });
    this.redis = client as LockoutClient;
  }

  /** `nowMs` is not needed: the keys expire on the Redis server's clock. */
  async lockedForMs(emailKey: string, _nowMs?: number): Promise<number> {
    try {
      return Math.max(0, await this.redis.pttl(`${this.prefix}${emailKey}:l`));
    } catch (error) {
      return this.failOpen(error);
    }
  }

  async recordFailure(emailKey: string, _nowMs?: number): Promise<number> {
    try {
      return await this.redis.recordSignInFailure(
        2,
        `${this.prefix}${emailKey}:f`,
        `${this.prefix}${emailKey}:l`,
        MAX_FAILED_SIGN_INS,
        LOCKOUT_MS,
      );
    } catch (error) {
      return this.failOpen(error);
    }
  }

  async clear(emailKey: string): Promise<void> {
    try {
      await this.redis.del(`${this.prefix}${emailKey}:f`);
    } catch (error) {
      this.failOpen(error);
    }
  }

  async close(): Promise<void> {
    if (this.redis.status === "end") return;
    try {
      await this.redis.quit();
    } catch {
      this.redis.disconnect();
    }
  }

  private failOpen(error: unknown): 0 {
    this.logOutage(error instanceof Error ? error.message : String(error));
    return 0;
  }

  private logOutage(reason: string): void {
    const now = Date.now();
    if (now - this.lastLoggedAt < LOG_EVERY_MS) return;
    this.lastLoggedAt = now;
    this.log(`[sign-in] Redis unavailable (${reason}): failed sign-ins are neither counted nor locked until it is back`);
  }
}
