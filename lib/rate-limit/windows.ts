// How the rate limits count (R9.3): "N requests per second" admits at most N
// calls in ANY rolling second, and the hourly limit holds over any rolling
// hour. Pure: every instant comes in as an argument, in whole milliseconds on
// the limiter's time line. lib/rate-limit/redis-script.ts is this file again
// in Lua, step for step (the Redis tests replay the same calls through both).
//
// Two counters:
// - SlidingLog (per second): the stamps of the last admitted calls, at most
//   N of them. A call at t is refused when the N-th newest stamp lies within
//   (t − 1000, t]: N calls already share a second with it. Exact, and O(1)
//   per call (amortized).
// - BucketCounts (per hour): admitted calls counted per 10-second bucket. A
//   call's stamp is only known to its bucket, so the hour is counted from the
//   start of the bucket that holds t − 1 h + 1 ms: up to 10 s more than an
//   hour, never less. Conservative: it never admits more than N in any
//   rolling hour, and may refuse up to 10 s early.
//
// Arrivals out of order. A call is decided as of the instant it ARRIVED,
// which can lie a little before a call decided earlier (a slower key lookup,
// or another app instance on Redis). Such a call is checked against every
// call from (t − window) up to the newest one — a span a little longer than
// the window, so still never more than N in a rolling window — and recorded
// at the newest stamp rather than its own, which keeps the log in order
// (recording a call later than it arrived only ever counts it for longer).
// What no call arriving up to LATE_ARRIVAL_MS before the newest one could
// count is forgotten, so a call decided later than that after its arrival (a
// stalled process) could miss part of its window; on Redis the elapsed time
// is clamped to it: such a call counts as arriving LATE_ARRIVAL_MS before its
// decision.
//
// Retry-After: the wait until the admitted call whose leaving admits a new
// one has left the window, counted from the call's arrival (or from the
// newest call, when it came out of order: its answer goes out after that
// call's), at least 1 ms.

/** How long after its arrival a call may be decided and still be counted exactly (see above). */
export const LATE_ARRIVAL_MS = 10_000;
/** The hourly limit's bucket: stamps within one are counted together. */
export const HOUR_BUCKET_MS = 10_000;

export type Verdict = { allowed: true } | { allowed: false; retryAfterMs: number };

const ALLOWED: Verdict = Object.freeze({ allowed: true });

/** One window of one workspace: what it decides, what it records, when it can be forgotten. */
export interface CountingWindow {
  /**
   * Whether one more call arriving at `t` keeps every rolling window within
   * `limit`; changes nothing. Refused: `retryAfterMs` until the admitted call
   * whose leaving admits a new one has left the window (counted from `t`, or
   * from the newest call when `t` lies before it; at least 1).
   */
  decide(t: number, limit: number): Verdict;
  /** Counts one admitted call that arrived at `t` (after `decide` admitted it). */
  record(t: number, limit: number): void;
  /** From this instant on, nothing recorded can count against any call: the window can be dropped. */
  expiresAtMs(): number;
}

/** The per-second counter: a sliding-window log of at most `limit` stamps, oldest first. */
export class SlidingLog implements CountingWindow {
  private stamps: number[] = [];
  private head = 0;

  constructor(readonly windowMs: number) {
    assertWholeMs(windowMs, "window");
  }

  get size(): number {
    return this.stamps.length - this.head;
  }

  /** The recorded stamps, oldest first. */
  entries(): number[] {
    return this.stamps.slice(this.head);
  }

  decide(t: number, limit: number): Verdict {
    assertWholeMs(t, "arrival");
    if (this.size < limit) return ALLOWED;
    // The N-th newest call: with it, N calls lie in [it, newest].
    const nth = this.stamps[this.stamps.length - limit]!;
    if (nth <= t - this.windowMs) return ALLOWED;
    return { allowed: false, retryAfterMs: retryFrom(nth + this.windowMs, t, this.stamps[this.stamps.length - 1]!) };
  }

  record(t: number, limit: number): void {
    assertWholeMs(t, "arrival");
    const newest = this.stamps[this.stamps.length - 1];
    const at = this.size > 0 && newest! > t ? newest! : t;
    this.stamps.push(at);
    // Only the N newest stamps are ever read, and none that a call arriving
    // LATE_ARRIVAL_MS before `at` could still count.
    const useless = at - this.windowMs - LATE_ARRIVAL_MS;
    while (this.size > limit || this.stamps[this.head]! <= useless) this.head += 1;
    if (this.head > 64 && this.head * 2 > this.stamps.length) {
      this.stamps = this.stamps.slice(this.head);
      this.head = 0;
    }
  }

  expiresAtMs(): number {
    if (this.size === 0) return Number.NEGATIVE_INFINITY;
    return this.stamps[this.stamps.length - 1]! + this.windowMs + LATE_ARRIVAL_MS;
  }
}

/** The per-hour counter: admitted calls per bucket of `bucketMs`, over a window of whole buckets. */
export class BucketCounts implements CountingWindow {
  private readonly span: number;
  private readonly counts = new Map<number, number>();
  private latest = Number.NEGATIVE_INFINITY;
  private oldest = 0;
  private total = 0;

  constructor(
    readonly windowMs: number,
    readonly bucketMs: number,
  ) {
    assertWholeMs(windowMs, "window");
    assertWholeMs(bucketMs, "bucket");
    if (bucketMs < 1 || windowMs % bucketMs !== 0) throw new RangeError(`a ${windowMs} ms window needs whole buckets, not ${bucketMs} ms`);
    this.span = windowMs / bucketMs;
  }

  /** Recorded calls per bucket index (floor(stamp / bucketMs)), oldest first. */
  entries(): Array<[bucket: number, count: number]> {
    return [...this.counts].sort(([a], [b]) => a - b);
  }

  decide(t: number, limit: number): Verdict {
    assertWholeMs(t, "arrival");
    if (this.total === 0) return ALLOWED;
    const newest = Math.floor(this.latest / this.bucketMs);
    // The first bucket that can hold a call in (t − window, t]; never below what is kept.
    const low = Math.max(Math.floor((t - this.windowMs + 1) / this.bucketMs), newest - this.span - 1);
    let count = this.total;
    for (let bucket = this.oldest; bucket < low && bucket <= newest; bucket += 1) count -= this.counts.get(bucket) ?? 0;
    if (count < limit) return ALLOWED;
    // The oldest counted bucket whose leaving brings the count under the limit: a call at
    // (bucket + 1) · bucketMs + window − 1 no longer counts it.
    let left = count;
    for (let bucket = low; bucket <= newest; bucket += 1) {
      left -= this.counts.get(bucket) ?? 0;
      if (left < limit)
        return { allowed: false, retryAfterMs: retryFrom((bucket + 1) * this.bucketMs + this.windowMs - 1, t, this.latest) };
    }
    throw new Error("rate-limit buckets do not add up to their total");
  }

  record(t: number, _limit: number): void {
    assertWholeMs(t, "arrival");
    const at = Math.max(t, this.latest);
    const bucket = Math.floor(at / this.bucketMs);
    const keepFrom = bucket - this.span - 1;
    if (this.total > 0) {
      if (Math.floor(this.latest / this.bucketMs) < keepFrom) {
        this.counts.clear();
        this.total = 0;
      } else {
        for (let old = this.oldest; old < keepFrom; old += 1) {
          this.total -= this.counts.get(old) ?? 0;
          this.counts.delete(old);
        }
      }
    }
    this.oldest = this.total === 0 ? bucket : Math.max(this.oldest, keepFrom);
    this.counts.set(bucket, (this.counts.get(bucket) ?? 0) + 1);
    this.total += 1;
    this.latest = at;
  }

  expiresAtMs(): number {
    if (this.total === 0) return Number.NEGATIVE_INFINITY;
    return (Math.floor(this.latest / this.bucketMs) + 1) * this.bucketMs + this.windowMs + LATE_ARRIVAL_MS;
  }
}

// The wait until a call is admitted again at `freeAt`, counted from the latest
// instant the window knows of: the refused call's arrival, or a later call's
// when this one was decided out of order (its answer goes out after that
// call's). At least 1 ms.
function retryFrom(freeAt: number, t: number, newest: number): number {
  return Math.max(1, freeAt - Math.max(t, newest));
}

function assertWholeMs(value: number, what: string): void {
  if (!Number.isSafeInteger(value)) throw new RangeError(`${what} must be whole milliseconds, not ${value}`);
}
