import "server-only";

// The process's rate limiter (R9.3): Redis when REDIS_URL is set, so that
// several app instances share one limit; in-process otherwise (R13).
import { env } from "@/lib/env";
import { createRateLimiter } from "@/lib/rate-limit/limiter";
import type { RateLimiter } from "@/lib/rate-limit/limits";

const holder = globalThis as unknown as { __meterdeskLimiter?: RateLimiter };

export function rateLimiter(): RateLimiter {
  holder.__meterdeskLimiter ??= createRateLimiter({ redisUrl: env().REDIS_URL });
  return holder.__meterdeskLimiter;
}
