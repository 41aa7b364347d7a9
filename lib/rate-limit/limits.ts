// The shapes every rate limiter shares (R9.3): the limits a workspace has
// (plan defaults, overridden per workspace by support), the decision, the
// limiter's time line, and the checks both implementations apply to the
// limits before counting anything.
import { BucketCounts, HOUR_BUCKET_MS, SlidingLog, type CountingWindow } from "./windows";

/** Length of each window a limit can be set on, in milliseconds. */
export const RATE_LIMIT_WINDOW_MS = { SECOND: 1_000, HOUR: 3_600_000 } as const;

export type RateLimitWindow = keyof typeof RATE_LIMIT_WINDOW_MS;

/**
 * The largest limit counted: what the database's `limit` column (INTEGER) can
 * hold, since nothing else bounds a support override. Every limit up to it is
 * counted exactly; the per-second log never holds more stamps than the limit
 * nor more than the calls of the last LATE_ARRIVAL_MS + 1 s.
 */
export const MAX_RATE_LIMIT = 2_147_483_647;

/** At most `limit` admitted calls in any rolling `window`. */
export interface RateLimit {
  window: RateLimitWindow;
  limit: number;
}

export type Decision = { allowed: true } | { allowed: false; window: RateLimitWindow; limit: number; retryAfterMs: number };

export interface RateLimiter {
  /**
   * Decides one request for `key` (a workspace id) against every limit at
   * once, as of `nowMs`: the instant the request arrived, on limiterNowMs()'s
   * time line (default: now). It is admitted only if all limits admit it, and
   * a refused request counts against none.
   */
  check(key: string, limits: readonly RateLimit[], nowMs?: number): Promise<Decision>;
  /** Releases the timer or connection; the limiter must not be used after. */
  close(): Promise<void>;
}

/**
 * The limiter's time line in this process: milliseconds since the epoch, but
 * monotonic (the process's start plus a monotonic clock), so that a wall-clock
 * step never moves a window. Stamp a request's arrival with it and pass that
 * to `check`. The billing clock (METERDESK_NOW) does not apply: limits are
 * about real durations.
 */
export function limiterNowMs(): number {
  return performance.timeOrigin + performance.now();
}

/** The counter each window uses: an exact log per second, 10-second buckets per hour. */
export function countingWindow(window: RateLimitWindow): CountingWindow {
  return window === "SECOND" ? new SlidingLog(RATE_LIMIT_WINDOW_MS.SECOND) : new BucketCounts(RATE_LIMIT_WINDOW_MS.HOUR, HOUR_BUCKET_MS);
}

/** Throws a RangeError for a limit that cannot be counted or a window given twice. */
export function assertRateLimits(limits: readonly RateLimit[]): void {
  const seen = new Set<RateLimitWindow>();
  for (const { window, limit } of limits) {
    if (!(window in RATE_LIMIT_WINDOW_MS)) throw new RangeError(`unknown rate-limit window "${window}"`);
    if (seen.has(window)) throw new RangeError(`rate-limit window ${window} given twice`);
    seen.add(window);
    if (!Number.isSafeInteger(limit) || limit < 1 || limit > MAX_RATE_LIMIT) {
      throw new RangeError(`rate limit must be a whole number from 1 to ${MAX_RATE_LIMIT}, not ${limit}`);
    }
  }
}

/** When several windows refuse, the caller must wait for the slowest: report the longest retry (the first on a tie). */
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
