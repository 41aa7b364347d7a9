import { afterEach, describe, expect, it } from "vitest";
import { createRateLimiter, MemoryRateLimiter, retryAfterSeconds, type Decision, type RateLimit } from "./limiter";
import { HOUR_BUCKET_MS, LATE_ARRIVAL_MS } from "./windows";

const DEFAULT_LIMITS: RateLimit[] = [{ window: "SECOND", limit: 15 }];
const PAYG_LIMITS: RateLimit[] = [
  { window: "SECOND", limit: 15 },
  { window: "HOUR", limit: 18_000 },
];
const HOUR_MS = 3_600_000;
// A whole number of hour buckets.
const T0 = Date.UTC(2027, 0, 5, 10);

const limiters: MemoryRateLimiter[] = [];
function memoryLimiter(options?: ConstructorParameters<typeof MemoryRateLimiter>[0]): MemoryRateLimiter {
  const limiter = new MemoryRateLimiter(options);
  limiters.push(limiter);
  return limiter;
}
afterEach(async () => {
  await Promise.all(limiters.splice(0).map((limiter) => limiter.close()));
});

async function checkMany(limiter: MemoryRateLimiter, key: string, limits: RateLimit[], instants: number[]): Promise<Decision[]> {
  const decisions: Decision[] = [];
  for (const now of instants) decisions.push(await limiter.check(key, limits, now));
  return decisions;
}
const refusals = (decisions: Decision[]) => decisions.filter((decision) => !decision.allowed);
const times = (count: number, at: number) => Array.from({ length: count }, () => at);

describe("the in-process rate limiter (R9.3)", () => {
  it("refuses exactly one of 16 requests within a second, on the per-second limit of 15, until the first is a second old", async () => {
    const limiter = memoryLimiter();
    const decisions = await checkMany(
      limiter,
      "ws_a",
      PAYG_LIMITS,
      Array.from({ length: 16 }, (_, i) => T0 + i),
    );
    expect(decisions.slice(0, 15).every((decision) => decision.allowed)).toBe(true);
    expect(refusals(decisions)).toEqual([{ allowed: false, window: "SECOND", limit: 15, retryAfterMs: 1_000 - 15 }]);
    expect(await limiter.check("ws_a", PAYG_LIMITS, T0 + 999)).toMatchObject({ allowed: false, retryAfterMs: 1 });
    expect(await limiter.check("ws_a", PAYG_LIMITS, T0 + 1_000)).toEqual({ allowed: true });
  });

  it("decides at the instant given (the request's arrival), not when the check runs", async () => {
    const limiter = memoryLimiter({ now: () => T0 + 5_000 });
    // Fifteen calls that arrived at T0 are decided 5 s late: they still fill T0's second…
    await checkMany(limiter, "ws_a", DEFAULT_LIMITS, times(15, T0));
    expect(await limiter.check("ws_a", DEFAULT_LIMITS, T0 + 500)).toMatchObject({ allowed: false, retryAfterMs: 500 });
    // …and a call arriving now is not in it.
    expect(await limiter.check("ws_a", DEFAULT_LIMITS)).toEqual({ allowed: true });
  });

  it("refuses on the hourly limit as time moves on, and admits again once its retry-after has passed", async () => {
    const limiter = memoryLimiter();
    const limits: RateLimit[] = [
      { window: "SECOND", limit: 15 },
      { window: "HOUR", limit: 5 },
    ];
    // One a second: the per-second limit never bites, the sixth is over the hour's 5.
    const decisions = await checkMany(
      limiter,
      "ws_a",
      limits,
      [0, 1, 2, 3, 4, 5].map((s) => T0 + s * 1_000),
    );
    expect(decisions.slice(0, 5).every((decision) => decision.allowed)).toBe(true);
    // The first call's bucket (T0 … T0 + 10 s) leaves the rolling hour at T0 + 1 h + 10 s − 1 ms.
    const free = T0 + HOUR_MS + HOUR_BUCKET_MS - 1;
    expect(decisions[5]).toEqual({ allowed: false, window: "HOUR", limit: 5, retryAfterMs: free - (T0 + 5_000) });
    expect(await limiter.check("ws_a", limits, free - 1)).toMatchObject({ allowed: false, window: "HOUR", retryAfterMs: 1 });
    // All five shared that bucket, so all five have left: five more fit.
    const again = await checkMany(limiter, "ws_a", limits, times(6, free));
    expect(again.map((decision) => decision.allowed)).toEqual([true, true, true, true, true, false]);
    expect(again[5]).toMatchObject({ window: "HOUR" });
  });

  it("does not count refused requests: the next is admitted once the retry-after has passed", async () => {
    const limiter = memoryLimiter();
    await checkMany(limiter, "ws_a", DEFAULT_LIMITS, times(15, T0));
    // A client hammering while refused does not push its own retry-after back.
    const hammering = await checkMany(
      limiter,
      "ws_a",
      DEFAULT_LIMITS,
      Array.from({ length: 60 }, (_, i) => T0 + i),
    );
    expect(hammering.every((decision) => !decision.allowed)).toBe(true);
    expect(hammering[0]).toMatchObject({ retryAfterMs: 1_000 });
    expect(hammering[59]).toMatchObject({ retryAfterMs: 1_000 - 59 });
    expect(await limiter.check("ws_a", DEFAULT_LIMITS, T0 + 1_000)).toEqual({ allowed: true });
  });

  it("does not count a request refused by one window against the other window", async () => {
    const limiter = memoryLimiter();
    const limits: RateLimit[] = [
      { window: "SECOND", limit: 1 },
      { window: "HOUR", limit: 10 },
    ];
    expect(await limiter.check("ws_a", limits, T0)).toEqual({ allowed: true });
    // Five refused by the per-second limit leave the hour's budget of 10 untouched…
    const refused = await checkMany(limiter, "ws_a", limits, times(5, T0));
    expect(refused.every((decision) => !decision.allowed && decision.window === "SECOND")).toBe(true);
    // …so nine more fit, one a second, before the hour refuses.
    const later = await checkMany(
      limiter,
      "ws_a",
      limits,
      Array.from({ length: 10 }, (_, i) => T0 + (i + 1) * 1_000),
    );
    expect(later.slice(0, 9).every((decision) => decision.allowed)).toBe(true);
    expect(later[9]).toMatchObject({ allowed: false, window: "HOUR", limit: 10 });

    // And the other way round: refused by the hour, the second is not used up.
    const other: RateLimit[] = [
      { window: "SECOND", limit: 2 },
      { window: "HOUR", limit: 1 },
    ];
    expect(await limiter.check("ws_b", other, T0)).toEqual({ allowed: true });
    expect(await limiter.check("ws_b", other, T0)).toMatchObject({ allowed: false, window: "HOUR" });
    expect(await limiter.check("ws_b", [{ window: "SECOND", limit: 2 }], T0)).toEqual({ allowed: true });
    expect(await limiter.check("ws_b", [{ window: "SECOND", limit: 2 }], T0)).toMatchObject({ allowed: false, window: "SECOND" });
  });

  it("reports the window with the longer wait when both refuse", async () => {
    const limiter = memoryLimiter();
    const limits: RateLimit[] = [
      { window: "SECOND", limit: 1 },
      { window: "HOUR", limit: 2 },
    ];
    expect(await limiter.check("ws_a", limits, T0)).toEqual({ allowed: true });
    // Only the second refuses: wait 1 s.
    expect(await limiter.check("ws_a", limits, T0)).toEqual({ allowed: false, window: "SECOND", limit: 1, retryAfterMs: 1_000 });
    expect(await limiter.check("ws_a", limits, T0 + 1_000)).toEqual({ allowed: true });
    // Both refuse: 1 s for the second, about an hour for the hour → the hour.
    expect(await limiter.check("ws_a", limits, T0 + 1_000)).toEqual({
      allowed: false,
      window: "HOUR",
      limit: 2,
      retryAfterMs: HOUR_MS + HOUR_BUCKET_MS - 1 - 1_000,
    });
  });

  it("counts two workspaces independently", async () => {
    const limiter = memoryLimiter();
    const a = await checkMany(limiter, "ws_a", DEFAULT_LIMITS, times(16, T0));
    const b = await checkMany(limiter, "ws_b", DEFAULT_LIMITS, times(16, T0));
    expect(refusals(a)).toHaveLength(1);
    expect(refusals(b)).toHaveLength(1);
  });

  it("admits everything when there are no limits", async () => {
    const limiter = memoryLimiter();
    const decisions = await checkMany(limiter, "ws_a", [], times(100, T0));
    expect(refusals(decisions)).toHaveLength(0);
    expect(limiter.size).toBe(0);
  });

  it("rejects limits it cannot count", async () => {
    const limiter = memoryLimiter();
    await expect(limiter.check("ws_a", [{ window: "SECOND", limit: 0 }], T0)).rejects.toThrow(RangeError);
    await expect(limiter.check("ws_a", [{ window: "SECOND", limit: 1.5 }], T0)).rejects.toThrow(RangeError);
    await expect(limiter.check("ws_a", [{ window: "HOUR", limit: 2 ** 31 }], T0)).rejects.toThrow(RangeError);
    await expect(limiter.check("ws_a", [...DEFAULT_LIMITS, ...DEFAULT_LIMITS], T0)).rejects.toThrow("given twice");
  });

  it("counts the largest limit the database can hold, keeping only the stamps a call could count", async () => {
    const limiter = memoryLimiter();
    const limits: RateLimit[] = [{ window: "SECOND", limit: 2 ** 31 - 1 }];
    const decisions = await checkMany(
      limiter,
      "ws_a",
      limits,
      Array.from({ length: 30_000 }, (_, i) => T0 + Math.floor(i / 10)),
    );
    expect(refusals(decisions)).toHaveLength(0);
  });

  it("forgets workspaces whose windows can no longer count, and never holds more than maxKeys", async () => {
    const limiter = memoryLimiter({ maxKeys: 100, sweepIntervalMs: 0 });
    for (let i = 0; i < 50; i += 1) await limiter.check(`idle_${i}`, DEFAULT_LIMITS, T0);
    expect(limiter.size).toBe(50);
    // A stamp counts for a second, and for calls that arrive up to LATE_ARRIVAL_MS late.
    const forgettable = T0 + 1_000 + LATE_ARRIVAL_MS;
    await limiter.check("busy", DEFAULT_LIMITS, forgettable - 1);
    limiter.sweepIdleKeys();
    expect(limiter.size).toBe(51);
    await limiter.check("busy", DEFAULT_LIMITS, forgettable);
    limiter.sweepIdleKeys();
    expect(limiter.size).toBe(1);

    for (let i = 0; i < 1_000; i += 1) await limiter.check(`flood_${i}`, PAYG_LIMITS, forgettable);
    expect(limiter.size).toBeLessThanOrEqual(100);
    // The most recently used workspace survives a flood of new ones.
    expect(await limiter.check("flood_999", [{ window: "SECOND", limit: 1 }], forgettable)).toMatchObject({ allowed: false });
  });

  it("uses its clock when no time is given", async () => {
    let now = T0;
    const limiter = memoryLimiter({ now: () => now });
    expect(refusals(await Promise.all(Array.from({ length: 16 }, () => limiter.check("ws_a", DEFAULT_LIMITS))))).toHaveLength(1);
    now += 1_000;
    expect(await limiter.check("ws_a", DEFAULT_LIMITS)).toEqual({ allowed: true });
  });
});

describe("createRateLimiter (R13)", () => {
  it("is in-process when no Redis URL is configured", async () => {
    const limiter = createRateLimiter({});
    expect(limiter).toBeInstanceOf(MemoryRateLimiter);
    await limiter.close();
  });
});

describe("the Retry-After header (R9.3)", () => {
  it.each([
    [0, 1],
    [1, 1],
    [1_000, 1],
    [1_001, 2],
    [3_609_999, 3_610],
  ])("%i ms → %i s", (ms, seconds) => {
    expect(retryAfterSeconds(ms)).toBe(seconds);
  });
});
