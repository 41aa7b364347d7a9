// The shared rate limiter on Redis (R13: used when REDIS_URL is set), so that
// every app instance counts against the same limits, on one time line (see
// redis-script.ts: arrival = Redis TIME − the time since the request arrived).
//
// When Redis cannot answer — down, restarting, unreachable, slower than
// `timeoutMs` — the check FAILS OPEN: the request is admitted without a limit.
// The limiter protects the platform from bursts; it must not take the
// metering API (and with it every customer's billing) down with it. After a
// failure, checks skip Redis for a second (so a hung Redis does not add the
// timeout to every request), then try it again: the limits return within a
// second of Redis. The outage is logged at most once a minute, not per request.
import Redis from "ioredis";
import { metrics } from "@/lib/metrics";
import {
  assertRateLimits,
  limiterNowMs,
  RATE_LIMIT_WINDOW_MS,
  type Decision,
  type RateLimit,
  type RateLimiter,
  type RateLimitWindow,
} from "./limits";
import { CHECK_RATE_LIMITS_LUA, rateLimitKey } from "./redis-script";
import { HOUR_BUCKET_MS } from "./windows";

export interface RedisRateLimiterOptions {
  redisUrl: string;
  /** Prefix of every key (default "md:rl:"). */
  keyPrefix?: string;
  /** A check that gets no answer within this many ms fails open (default 250). */
  timeoutMs?: number;
  /** Where the once-a-minute outage message goes (default console.warn). */
  log?: (message: string) => void;
  /**
   * "redis" (the default): `nowMs` is the arrival on limiterNowMs()'s time line
   * and the script dates it on the Redis clock. "caller": `nowMs` is the instant
   * itself — for tests that replay exact instants; instances must then share a clock.
   */
  clock?: "redis" | "caller";
}

/** Each window's counter, as the script names it: [kind, window ms, bucket ms]. */
const SCRIPT_WINDOWS: Record<RateLimitWindow, [kind: "log" | "buckets", windowMs: number, bucketMs: number]> = {
  SECOND: ["log", RATE_LIMIT_WINDOW_MS.SECOND, 0],
  HOUR: ["buckets", RATE_LIMIT_WINDOW_MS.HOUR, HOUR_BUCKET_MS],
};

type CheckReply = [admitted: number, windowIndex?: number, retryAfterMs?: number];
type LimiterClient = Redis & { checkRateLimits(numKeys: number, ...keysAndArgs: Array<string | number>): Promise<CheckReply> };

const DEFAULT_KEY_PREFIX = "md:rl:";
const DEFAULT_TIMEOUT_MS = 250;
const LOG_EVERY_MS = 60_000;
const SKIP_AFTER_FAILURE_MS = 1_000;

export class RedisRateLimiter implements RateLimiter {
  private readonly redis: LimiterClient;
  private readonly keyPrefix: string;
  private readonly log: (message: string) => void;
  private lastLoggedAt = Number.NEGATIVE_INFINITY;
  private admittedUnlimited = 0;
  private skipRedisUntil = Number.NEGATIVE_INFINITY;
  private readonly callerClock: boolean;

  constructor(options: RedisRateLimiterOptions) {
    this.keyPrefix = options.keyPrefix ?? DEFAULT_KEY_PREFIX;
    this.callerClock = options.clock === "caller";
    this.log = options.log ?? ((message) => console.warn(message));
    const client = new Redis(options.redisUrl, {
      commandTimeout: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      // Checks queued while a connection attempt fails are rejected at once…
      maxRetriesPerRequest: 0,
      // Checks issued in the same tick share one write (and one wake-up of Redis):
      // under load this halves the limiter's cost per call. Each script still runs atomically.
      enableAutoPipelining: true,
      // …and a check that already failed open is not replayed (and counted) later.
      autoResendUnfulfilledCommands: false,
      retryStrategy: (attempt) => Math.min(attempt * 100, 2_000),
    });
    // Without a listener ioredis prints every failed reconnect; one line a minute is enough.
    client.on("error", (error: Error) => this.logOutage(error.message));
    // EVALSHA, falling back to EVAL (which loads the script) after a Redis restart.
    client.defineCommand("checkRateLimits", { lua: CHECK_RATE_LIMITS_LUA });
    this.redis = client as LimiterClient;
  }

  /** `nowMs`: when the request arrived, on the local time line (see the `clock` option). */
  async check(key: string, limits: readonly RateLimit[], nowMs?: number): Promise<Decision> {
    assertRateLimits(limits);
    if (limits.length === 0) return { allowed: true };
    // During an outage do not even queue the check: admit it at once.
    const status = this.redis.status;
    if (status === "reconnecting" || status === "close" || status === "end") {
      return this.failOpen(`Redis connection is ${status}`);
    }
    if (Date.now() < this.skipRedisUntil) return this.failOpen("a recent check failed");

    const keys = limits.map(({ window }) => rateLimitKey(this.keyPrefix, key, window));
    const args = limits.flatMap(({ window, limit }) => [...SCRIPT_WINDOWS[window], limit]);
    // Measured as the check is issued; the script subtracts it from Redis TIME.
    let elapsedUs = 0;
    let arrival = "";
    if (this.callerClock) arrival = String(Math.floor(nowMs ?? limiterNowMs()));
    else if (nowMs !== undefined) elapsedUs = Math.max(0, Math.round((limiterNowMs() - nowMs) * 1000));
    let reply: CheckReply;
    try {
      reply = await this.redis.checkRateLimits(keys.length, ...keys, elapsedUs, arrival, ...args);
    } catch (error) {
      this.skipRedisUntil = Date.now() + SKIP_AFTER_FAILURE_MS;
      return this.failOpen(error instanceof Error ? error.message : String(error));
    }
    const [admitted, windowIndex, retryAfterMs] = reply;
    if (admitted === 1) return { allowed: true };
    const refused = windowIndex === undefined ? undefined : limits[windowIndex - 1];
    if (refused === undefined || retryAfterMs === undefined) return this.failOpen(`unexpected reply ${JSON.stringify(reply)}`);
    return { allowed: false, window: refused.window, limit: refused.limit, retryAfterMs };
  }

  async close(): Promise<void> {
    if (this.redis.status === "end") return;
    try {
      await this.redis.quit();
    } catch {
      this.redis.disconnect();
    }
  }

  private failOpen(reason: string): Decision {
    this.admittedUnlimited += 1;
    metrics().rateLimitFailOpen.inc();
    this.logOutage(reason);
    return { allowed: true };
  }

  private logOutage(reason: string): void {
    const now = Date.now();
    if (now - this.lastLoggedAt < LOG_EVERY_MS) return;
    this.lastLoggedAt = now;
    this.log(
      `[rate-limit] Redis unavailable (${reason}): admitting requests without a rate limit (${this.admittedUnlimited} since the last message)`,
    );
    this.admittedUnlimited = 0;
  }
}
