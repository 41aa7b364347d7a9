// The metering API's rate limiter (R9.3): per workspace, per second and per
// hour, the limits given by the caller (plan defaults overridden per
// workspace by support). Redis when REDIS_URL is set, so every app instance
// shares the count; otherwise in-process (R13).
import { MemoryRateLimiter } from "./memory";
import { RedisRateLimiter } from "./redis";
import type { RateLimiter } from "./limits";

export { MemoryRateLimiter, type MemoryRateLimiterOptions } from "./memory";
export { RedisRateLimiter, type RedisRateLimiterOptions } from "./redis";
export {
  limiterNowMs,
  MAX_RATE_LIMIT,
  RATE_LIMIT_WINDOW_MS,
  retryAfterSeconds,
  type Decision,
  type RateLimit,
  type RateLimiter,
  type RateLimitWindow,
} from "./limits";

/** Redis when a URL is given (pass env().REDIS_URL), else the in-process limiter. */
export function createRateLimiter({ redisUrl }: { redisUrl?: string } = {}): RateLimiter {
  return redisUrl ? new RedisRateLimiter({ redisUrl }) : new MemoryRateLimiter();
}
