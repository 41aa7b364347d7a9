// GCRA (generic cell rate algorithm) for the metering API's rate limits
// (R9.3). Pure: the time comes in as an argument.
//
// A limit of L requests per window W has an emission interval T = W / L and a
// burst tolerance of W − T: a request at `now` is admitted when the theoretical
// arrival time after it, max(TAT, now) + T, is at most now + W. So "15 per
// second" admits exactly 15 requests in one instant, refuses the 16th, and
// then admits one more every T ≈ 66.7 ms — a full window's worth again after a
// pause of W.
//
// T is rarely a whole number of milliseconds (1000 / 15), and rounding it
// either way breaks the boundary (rounded up, the 15th request of a burst is
// refused; rounded down, a large limit admits L + 1). So every instant is kept
// exactly, in whole milliseconds plus a remainder counted in 1/L ms: all the
// arithmetic is on integers well inside 2^53, the same in JavaScript and in
// the Redis Lua script (lib/rate-limit/redis-script.ts mirrors this file).

/** A limit in GCRA terms: `limit` requests per `windowMs` milliseconds. */
export interface GcraLimit {
  limit: number;
  windowMs: number;
}

/**
 * A theoretical arrival time: `ms + rem / limit` milliseconds since the epoch,
 * with 0 ≤ rem < limit. `limit` records the unit of `rem`.
 */
export interface Tat {
  ms: number;
  rem: number;
  limit: number;
}

export type GcraDecision = { allowed: true; tat: Tat } | { allowed: false; retryAfterMs: number };

/** Admits or refuses one request at `nowMs` (whole ms) against the stored TAT (undefined: none yet). */
export function decideGcra({ limit, windowMs }: GcraLimit, stored: Tat | undefined, nowMs: number): GcraDecision {
  assertGcraLimit({ limit, windowMs });
  if (!Number.isSafeInteger(nowMs)) throw new RangeError(`now must be whole milliseconds, not ${nowMs}`);

  // Start from max(TAT, now); an instant in the past means an idle key.
  let ms = nowMs;
  let rem = 0;
  if (stored !== undefined) {
    const current = inUnitsOf(stored, limit);
    if (current.ms > nowMs || (current.ms === nowMs && current.rem > 0)) {
      ms = current.ms;
      rem = current.rem;
    }
  }

  // Add T = windowMs / limit ms, i.e. windowMs units of 1/limit ms.
  const total = rem + windowMs;
  const nextRem = total % limit;
  const nextMs = ms + (total - nextRem) / limit;

  // Admit when next TAT − now ≤ W; both sides in units of 1/limit ms.
  const ahead = (nextMs - nowMs) * limit + nextRem;
  const tolerance = windowMs * limit;
  if (ahead <= tolerance) return { allowed: true, tat: { ms: nextMs, rem: nextRem, limit } };
  // The same request is admitted once `now` has moved on by the excess.
  return { allowed: false, retryAfterMs: ceilDiv(ahead - tolerance, limit) };
}

/** Milliseconds until a stored TAT lies in the past and can be forgotten (at least 1). */
export function tatTtlMs(tat: Tat, nowMs: number): number {
  return Math.max(1, tat.ms - nowMs + (tat.rem > 0 ? 1 : 0));
}

/** True once the TAT is no later than `nowMs`: the key holds no state any more. */
export function isTatSpent(tat: Tat, nowMs: number): boolean {
  return tat.ms < nowMs || (tat.ms === nowMs && tat.rem === 0);
}

/** Throws a RangeError unless the limit is usable with exact integer arithmetic. */
export function assertGcraLimit({ limit, windowMs }: GcraLimit): void {
  if (!Number.isSafeInteger(limit) || limit < 1) throw new RangeError(`rate limit must be a whole number ≥ 1, not ${limit}`);
  if (!Number.isSafeInteger(windowMs) || windowMs < 1) throw new RangeError(`window must be whole milliseconds ≥ 1, not ${windowMs}`);
  // (window + 1 ms) × limit must stay exact in a double, here and in Lua.
  if ((windowMs + 1) * limit > Number.MAX_SAFE_INTEGER) throw new RangeError(`rate limit ${limit} per ${windowMs} ms is too large`);
}

// A limit changed by support (R11) changes the unit of `rem`: round the old
// TAT up to the next whole millisecond rather than convert (at most 1 ms stricter).
function inUnitsOf(tat: Tat, limit: number): { ms: number; rem: number } {
  if (tat.limit === limit || tat.rem === 0) return { ms: tat.ms, rem: tat.rem };
  return { ms: tat.ms + 1, rem: 0 };
}

function ceilDiv(numerator: number, divisor: number): number {
  const rest = numerator % divisor;
  return (numerator - rest) / divisor + (rest > 0 ? 1 : 0);
}
