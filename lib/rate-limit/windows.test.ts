import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { BucketCounts, HOUR_BUCKET_MS, SlidingLog, type CountingWindow, type Verdict } from "./windows";

const SECOND_MS = 1_000;
const HOUR_MS = 3_600_000;
// 2027-01-05T10:00:00Z: a whole number of hour buckets.
const T0 = Date.UTC(2027, 0, 5, 10);

/** Decides each arrival in turn and records the admitted ones; returns each verdict. */
function run(window: CountingWindow, limit: number, arrivals: readonly number[]): Verdict[] {
  return arrivals.map((t) => {
    const verdict = window.decide(t, limit);
    if (verdict.allowed) window.record(t, limit);
    return verdict;
  });
}

const admittedCount = (verdicts: Verdict[]) => verdicts.filter((verdict) => verdict.allowed).length;
const retryOf = (verdict: Verdict | undefined) => (verdict && !verdict.allowed ? verdict.retryAfterMs : 0);
const times = (count: number, at: number) => Array.from({ length: count }, () => at);
const spaced = (count: number, from: number, everyMs: number) => Array.from({ length: count }, (_, i) => from + i * everyMs);

describe("the per-second log (R9.3: N per second = at most N in any rolling second)", () => {
  it.each([
    // R9.3 "16 calls sent at once on a limit of 15: exactly one is refused", until the first call is a second old
    ["15/s, 16 at once", 15, 1_000, 15, times(16, T0)],
    // R9.3 spread over less than a second: still 15, however the calls are spaced (GCRA admitted all 20)
    ["15/s, 20 spaced 25 ms", 15, 1_000 - 19 * 25, 15, spaced(20, T0, 25)],
    // R9.3 the first call leaves the window a full second after it arrived, not before
    ["15/s, 15 at once then 1 at 999 ms", 15, 1, 15, [...times(15, T0), T0 + 999]],
    ["15/s, 15 at once then 1 at 1,000 ms", 16, 0, 15, [...times(15, T0), T0 + 1_000]],
    // R9.3 no refill inside the second: 15 at once, then nothing until the first has left (GCRA admitted 7 at +500 ms)
    ["15/s, 15 at once then 8 at 500 ms", 15, 500, 15, [...times(15, T0), ...times(8, T0 + 500)]],
    // R9.3 a sliding second never holds 29 (GCRA's 15 + 14 across a boundary)
    ["15/s, 15 at 0 then 15 at 999 ms", 15, 1, 15, [...times(15, T0), ...times(15, T0 + 999)]],
    // R9.3 a steady 15 a second for a minute is all admitted, 16 a second is not
    ["15/s, a steady 15 a second", 900, 0, 15, Array.from({ length: 900 }, (_, i) => T0 + Math.floor((i * 1_000) / 15))],
    ["1/s, at 0, 999 and 1,000 ms", 2, 0, 1, [T0, T0 + 999, T0 + 1_000]],
    ["1,500/s, 1,501 at once", 1_500, 1_000, 1_500, times(1_501, T0)],
  ] as const)("%s → %i admitted, the last refused for %i ms", (_name, expectedAdmitted, lastRetry, limit, arrivals) => {
    const verdicts = run(new SlidingLog(SECOND_MS), limit, arrivals);
    expect(admittedCount(verdicts)).toBe(expectedAdmitted);
    expect(retryOf(verdicts.at(-1))).toBe(lastRetry);
  });

  it("admits a steady 16 a second only 15 in every second", () => {
    const arrivals = Array.from({ length: 16 * 60 }, (_, i) => T0 + Math.floor((i * 1_000) / 16));
    const verdicts = run(new SlidingLog(SECOND_MS), 15, arrivals);
    expect(admittedCount(verdicts)).toBe(15 * 60);
  });

  it("keeps at most N stamps, and applies a limit lowered or raised by support at once (R11)", () => {
    const log = new SlidingLog(SECOND_MS);
    run(log, 15, times(20, T0));
    expect(log.size).toBe(15);
    // Lowered to 10: ten calls already share the second.
    expect(log.decide(T0 + 10, 10)).toEqual({ allowed: false, retryAfterMs: 990 });
    // Raised to 20: five more fit.
    expect(admittedCount(run(log, 20, times(6, T0 + 10)))).toBe(5);
  });

  it("checks a call that arrived before the newest admitted one against everything up to the newest", () => {
    const log = new SlidingLog(SECOND_MS);
    run(log, 15, [...times(14, T0 + 500), T0 + 1_000]);
    // Decided now, arrived at 400 ms: [400, 1,399] would hold 16 calls. Its answer goes out after the
    // call at 1,000 ms was admitted, so the wait counts from there: the calls at 500 ms leave at 1,500 ms.
    expect(log.decide(T0 + 400, 15)).toEqual({ allowed: false, retryAfterMs: 500 });
    // With room, it is admitted and recorded at the newest stamp, keeping the log in order.
    const other = new SlidingLog(SECOND_MS);
    run(other, 15, [T0 + 1_000, T0 + 400]);
    expect(other.entries()).toEqual([T0 + 1_000, T0 + 1_000]);
  });

  it("forgets stamps no call can count, and says when the whole log can go", () => {
    const log = new SlidingLog(SECOND_MS);
    run(log, 1_000, [T0, T0 + 5_000, T0 + 20_000]);
    expect(log.entries()).toEqual([T0 + 20_000]);
    expect(log.expiresAtMs()).toBe(T0 + 20_000 + SECOND_MS + 10_000);
  });

  it("refuses instants that are not whole milliseconds", () => {
    expect(() => new SlidingLog(SECOND_MS).decide(0.5, 15)).toThrow(RangeError);
  });
});

describe("the per-hour buckets (R9.3: the hourly limit holds over any rolling hour)", () => {
  const hour = () => new BucketCounts(HOUR_MS, HOUR_BUCKET_MS);

  it.each([
    // R9.3 pay as you go, 18,000 an hour: the 18,001st waits until its bucket can no longer share an hour
    ["18,000/h, 18,001 at once", 18_000, HOUR_MS + HOUR_BUCKET_MS - 1, 18_000, times(18_001, T0)],
    // R9.3 no refill inside the hour (GCRA admitted one more every 200 ms)
    ["18,000/h, 18,000 at once then 1 at 30 min", 18_000, 1_800_000 + HOUR_BUCKET_MS - 1, 18_000, [...times(18_000, T0), T0 + 1_800_000]],
    ["5/h, one a minute", 5, HOUR_MS + HOUR_BUCKET_MS - 1 - 5 * 60_000, 5, spaced(6, T0, 60_000)],
    // R9.3 a call an hour and a bucket after the first is admitted; a millisecond earlier it is not
    ["5/h, 5 at once then 1 at 1 h + 10 s − 1 ms", 6, 0, 5, [...times(5, T0), T0 + HOUR_MS + HOUR_BUCKET_MS - 1]],
    ["5/h, 5 at once then 1 at 1 h + 10 s − 2 ms", 5, 1, 5, [...times(5, T0), T0 + HOUR_MS + HOUR_BUCKET_MS - 2]],
    // R9.3 conservative: a call at the end of a bucket still counts an hour from the bucket's start
    ["1/h, at 9,999 ms then 1 h − 4,999 ms later", 1, 4_999, 1, [T0 + 9_999, T0 + 9_999 + HOUR_MS - 4_999]],
  ] as const)("%s → %i admitted, the last refused for %i ms", (_name, expectedAdmitted, lastRetry, limit, arrivals) => {
    const verdicts = run(hour(), limit, arrivals);
    expect(admittedCount(verdicts)).toBe(expectedAdmitted);
    expect(retryOf(verdicts.at(-1))).toBe(lastRetry);
  });

  it("keeps at most an hour and two buckets of counts, and starts afresh after an idle hour", () => {
    const buckets = hour();
    const arrivals = Array.from({ length: 2 * 360 }, (_, i) => T0 + i * HOUR_BUCKET_MS);
    expect(admittedCount(run(buckets, 100_000, arrivals))).toBe(arrivals.length);
    expect(buckets.entries()).toHaveLength(362);
    run(buckets, 100_000, [T0 + 5 * HOUR_MS]);
    expect(buckets.entries()).toEqual([[(T0 + 5 * HOUR_MS) / HOUR_BUCKET_MS, 1]]);
  });
});

/**
 * Arrivals as the limiter sees them: a non-decreasing "decided at" time line,
 * each call having arrived up to `lateness` ms before it was decided.
 */
const arrivalsArb = (maxGap: number, lateness: number) =>
  fc
    .array(fc.tuple(fc.integer({ min: 0, max: maxGap }), fc.integer({ min: 0, max: lateness })), {
      minLength: 1,
      maxLength: 250,
      size: "max",
    })
    .map((steps) => {
      let decidedAt = T0;
      return steps.map(([gap, late]) => {
        decidedAt += gap;
        return decidedAt - late;
      });
    });

/** The most calls in any span of `windowMs` (a rolling window) among sorted stamps. */
function mostInAnyWindow(stamps: readonly number[], windowMs: number): number {
  const sorted = [...stamps].sort((a, b) => a - b);
  let most = 0;
  for (let first = 0, last = 0; last < sorted.length; last += 1) {
    while (sorted[last]! - sorted[first]! >= windowMs) first += 1;
    most = Math.max(most, last - first + 1);
  }
  return most;
}

const countSince = (stamps: readonly number[], from: number) => stamps.filter((stamp) => stamp >= from).length;

describe("rate-limit properties (R9.3)", () => {
  it("per second, in arrival order: no rolling second ever holds more than N, and a call is refused only when it would", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 20 }), arrivalsArb(200, 0), (limit, arrivals) => {
        const log = new SlidingLog(SECOND_MS);
        const admitted: number[] = [];
        for (const t of arrivals) {
          const verdict = log.decide(t, limit);
          // With every earlier call at or before t, the windows holding t hold at most those in (t − 1 s, t].
          const wouldBreak = countSince(admitted, t - SECOND_MS + 1) >= limit;
          if (verdict.allowed === wouldBreak) return false;
          if (!verdict.allowed) {
            // The retry is exact: a call then is admitted, a millisecond earlier it is not.
            if (log.decide(t + verdict.retryAfterMs, limit).allowed !== true) return false;
            if (log.decide(t + verdict.retryAfterMs - 1, limit).allowed !== false) return false;
            continue;
          }
          log.record(t, limit);
          admitted.push(t);
        }
        return mostInAnyWindow(admitted, SECOND_MS) <= limit;
      }),
      { numRuns: 400 },
    );
  });

  it("per second, arrivals out of order: still never more than N in any rolling second of arrival times", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 20 }), arrivalsArb(200, 1_500), (limit, arrivals) => {
        const log = new SlidingLog(SECOND_MS);
        const admitted: number[] = [];
        const recorded: number[] = [];
        for (const t of arrivals) {
          const verdict = log.decide(t, limit);
          // Refused only when N calls are recorded from t − 1 s + 1 ms on (a span up to the newest one).
          if (verdict.allowed !== countSince(recorded, t - SECOND_MS + 1) < limit) return false;
          if (!verdict.allowed) {
            // The retry counts from the newest call the log knows (the answer goes out after it):
            // a call then is admitted, and a millisecond earlier not (unless the wait is the minimum).
            const from = Math.max(t, recorded.at(-1)!);
            if (log.decide(from + verdict.retryAfterMs, limit).allowed !== true) return false;
            if (verdict.retryAfterMs > 1 && log.decide(from + verdict.retryAfterMs - 1, limit).allowed !== false) return false;
            continue;
          }
          log.record(t, limit);
          admitted.push(t);
          recorded.push(Math.max(t, recorded.at(-1) ?? t));
        }
        return mostInAnyWindow(admitted, SECOND_MS) <= limit;
      }),
      { numRuns: 400 },
    );
  });

  // The hour's logic on a small scale (a 600 ms window of 100 ms buckets) so that random runs cross many windows.
  const WINDOW = 600;
  const BUCKET = 100;

  it("per hour: never more than N in any rolling window, refused only when the window and one bucket before it hold N", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 20 }), fc.boolean(), arrivalsArb(60, BUCKET), (limit, inOrder, lateArrivals) => {
        const arrivals = inOrder ? [...lateArrivals].sort((a, b) => a - b) : lateArrivals;
        const buckets = new BucketCounts(WINDOW, BUCKET);
        const admitted: number[] = [];
        const recorded: number[] = [];
        for (const t of arrivals) {
          const verdict = buckets.decide(t, limit);
          if (!verdict.allowed) {
            // Conservative by at most a bucket (and, out of order, up to the newest call).
            if (countSince(recorded, t - WINDOW + 1 - BUCKET) < limit) return false;
            const from = Math.max(t, recorded.at(-1)!);
            if (buckets.decide(from + verdict.retryAfterMs, limit).allowed !== true) return false;
            if (verdict.retryAfterMs > 1 && buckets.decide(from + verdict.retryAfterMs - 1, limit).allowed !== false) return false;
            continue;
          }
          buckets.record(t, limit);
          admitted.push(t);
          recorded.push(Math.max(t, recorded.at(-1) ?? t));
        }
        return mostInAnyWindow(admitted, WINDOW) <= limit;
      }),
      { numRuns: 400 },
    );
  });
});
