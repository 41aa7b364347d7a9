// How much a rate-limit check adds to each metering call: the latency of
// `check()` over sequential calls, half on distinct workspaces (a new key
// each time) and half on a few hot ones (full windows, many refusals), with
// the pay-as-you-go limits (both windows). Used by the ingest benchmark to
// report limiter_p99_ms_memory and limiter_p99_ms_redis.
import { randomBytes } from "node:crypto";
import { performance } from "node:perf_hooks";
import type { RateLimit, RateLimiter } from "./limits";

export interface LimiterOverhead {
  p50Ms: number;
  p99Ms: number;
}

const BENCH_LIMITS: readonly RateLimit[] = [
  { window: "SECOND", limit: 15 },
  { window: "HOUR", limit: 18_000 },
];
const HOT_KEYS = 8;
const WARM_UP_CALLS = 100;

/** p50 and p99 of `n` sequential `check()` calls, in ms, after a short unmeasured warm-up. */
export async function measureLimiterOverhead(limiter: RateLimiter, n: number): Promise<LimiterOverhead> {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`n must be a whole number ≥ 1, not ${n}`);
  // A random run id keeps the keys apart from real workspaces and from other runs.
  const run = `bench-${randomBytes(4).toString("hex")}`;
  const keyFor = (i: number) => (i % 2 === 0 ? `${run}-${i}` : `${run}-hot-${i % HOT_KEYS}`);

  // Connections, script loading and the JIT are not what we measure.
  for (let i = 0; i < Math.min(WARM_UP_CALLS, n); i += 1) await limiter.check(`${run}-warm-${i % HOT_KEYS}`, BENCH_LIMITS);

  const samples = new Float64Array(n);
  for (let i = 0; i < n; i += 1) {
    const key = keyFor(i);
    const started = performance.now();
    await limiter.check(key, BENCH_LIMITS);
    samples[i] = performance.now() - started;
  }
  samples.sort();
  return { p50Ms: percentile(samples, 0.5), p99Ms: percentile(samples, 0.99) };
}

// Nearest-rank percentile of sorted samples.
function percentile(sorted: Float64Array, fraction: number): number {
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil(fraction * sorted.length)));
  return sorted[rank - 1] ?? Number.NaN;
}
