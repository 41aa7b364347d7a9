// The shapes every rate limiter shares (R9.3): the limits a workspace has
// (plan defaults, overridden per workspace by support), the decision, and the
// checks both implementations apply to the limits before counting anything.
import { assertGcraLimit } from "./gcra";

/** Length of each window a limit can be set on, in milliseconds. */
export const RATE_LIMIT_WINDOW_MS = { SECOND: 1_000, HOUR: 3_600_000 } as const;

export type RateLimitWindow = keyof typeof RATE_LIMIT_WINDOW_MS;

/** At most `limit` requests in any `window` (a burst of `limit` is allowed). */
export interface RateLimit {
  window: RateLimitWindow;
  limit: number;
}

export type Decision = { allowed: true } | { allowed: false; window: RateLimitWindow; limit: number; retryAfterMs: number };

export interface RateLimiter {
  /**
   * Counts one request for `key` (a workspace id) against every limit at once:
   * it is admitted only if all of them admit it, and a refused request counts
   * against none. `nowMs` is for tests of the in-process limiter; the Redis
   * limiter always uses the Redis server's clock.
   */
  check(key: string, limits: readonly RateLimit[], nowMs?: number): Promise<Decision>;
  /** Releases the timer or connection; the limiter must not be used after. */
  close(): Promise<void>;
}

/** Throws a RangeError for a limit GCRA cannot count or a window given twice. */
export function assertRateLimits(limits: readonly RateLimit[]): void {
  const seen = new Set<RateLimitWindow>();
  for (const { window, limit } of limits) {
    if (!(window in RATE_LIMIT_WINDOW_MS)) throw new RangeError(`unknown rate-limit window "${window}"`);
    if (seen.has(window)) throw new RangeError(`rate-limit window ${window} given twice`);
    seen.add(window);
    assertGcraLimit({ limit, windowMs: RATE_LIMIT_WINDOW_MS[window] });
  }
}

/** When several windows refuse, the caller must wait for the slowest: report the longest retry. */
export function longestRefusal(refusals: ReadonlyArray<Extract<Decision, { allowed: false }>>): Decision {
  let longest: Decision = { allowed: true };
  for (const refusal of refusals) {
    if (longest.allowed || refusal.retryAfterMs > longest.retryAfterMs) longest = refusal;
  }
  return longest;
}

/** The `Retry-After` header value: whole seconds, rounded up, at least 1 (R9.3). */
export function retryAfterSeconds(retryAfterMs: number): number {
  return Math.max(1, Math.ceil(retryAfterMs / 1000));
}
