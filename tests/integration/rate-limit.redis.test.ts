import crypto from "node:crypto";
import net from "node:net";
import fc from "fast-check";
import Redis from "ioredis";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import {
  createRateLimiter,
  limiterNowMs,
  MemoryRateLimiter,
  RedisRateLimiter,
  type Decision,
  type RateLimit,
} from "@/lib/rate-limit/limiter";
import { BucketCounts, HOUR_BUCKET_MS, LATE_ARRIVAL_MS, SlidingLog } from "@/lib/rate-limit/windows";

// R9.3 on the shared limiter: the same decisions as the in-process one, made
// by one Lua script in Redis, on one time line for every app instance. Each
// test uses its own random workspace ids.
const REDIS_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";

const DEFAULT_LIMITS: RateLimit[] = [{ window: "SECOND", limit: 15 }];
const PAYG_LIMITS: RateLimit[] = [
  { window: "SECOND", limit: 15 },
  { window: "HOUR", limit: 18_000 },
];
const HOUR_MS = 3_600_000;
const T0 = Date.UTC(2027, 0, 5, 10);

const workspaceId = () => `ws_test_${crypto.randomUUID()}`;
const refusals = (decisions: Decision[]) => decisions.filter((decision) => !decision.allowed);
const burst = (limiter: RedisRateLimiter, key: string, limits: RateLimit[], count: number, nowMs?: number) =>
  Promise.all(Array.from({ length: count }, () => limiter.check(key, limits, nowMs)));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const logKey = (key: string) => `md:rl:{${key}}:log`;
const hourKey = (key: string) => `md:rl:{${key}}:hour`;

describe("the Redis rate limiter (R9.3)", () => {
  let limiter: RedisRateLimiter;
  let otherInstance: RedisRateLimiter;
  let replay: RedisRateLimiter;
  let redis: Redis;

  beforeAll(() => {
    limiter = new RedisRateLimiter({ redisUrl: REDIS_URL });
    // A second app instance: its own connection, the same Redis.
    otherInstance = new RedisRateLimiter({ redisUrl: REDIS_URL });
    // Decides at the instants the test gives, to replay the in-process limiter's cases exactly.
    replay = new RedisRateLimiter({ redisUrl: REDIS_URL, clock: "caller" });
    redis = new Redis(REDIS_URL);
  });

  afterAll(async () => {
    await Promise.all([limiter.close(), otherInstance.close(), replay.close(), redis.quit()]);
  });

  it("refuses exactly one of 16 requests in the same moment, on the per-second limit of 15, for up to a second", async () => {
    const decisions = await burst(limiter, workspaceId(), PAYG_LIMITS, 16, limiterNowMs());
    expect(refusals(decisions)).toHaveLength(1);
    expect(refusals(decisions)[0]).toMatchObject({ allowed: false, window: "SECOND", limit: 15 });
    const { retryAfterMs } = refusals(decisions)[0] as { retryAfterMs: number };
    expect(retryAfterMs).toBeGreaterThan(0);
    expect(retryAfterMs).toBeLessThanOrEqual(1_000);
  });

  /** Replays the calls through Redis and the in-process limiter; every decision and the state after it must agree. */
  async function replayAgainstMemory(calls: ReadonlyArray<{ at: number; limits: RateLimit[] }>): Promise<void> {
    const key = workspaceId();
    const memory = new MemoryRateLimiter({ sweepIntervalMs: 0 });
    try {
      for (const [index, { at, limits }] of calls.entries()) {
        const inRedis = await replay.check(key, limits, at);
        expect(inRedis, `call ${index} at T0 + ${at - T0} ms`).toEqual(await memory.check(key, limits, at));
        const { SECOND: log, HOUR: hour } = memory.windowsOf(key) ?? {};
        expect((await redis.lrange(logKey(key), 0, -1)).map(Number)).toEqual(log instanceof SlidingLog ? log.entries() : []);
        const { l: _latest, o: _oldest, c: total, ...buckets } = await redis.hgetall(hourKey(key));
        const expected = hour instanceof BucketCounts ? hour.entries() : [];
        expect(Object.entries(buckets).map(([bucket, count]) => [Number(bucket), Number(count)])).toEqual(expected);
        expect(Number(total ?? 0)).toBe(expected.reduce((sum, [, count]) => sum + count, 0));
      }
    } finally {
      await memory.close();
      await redis.del(logKey(key), hourKey(key));
    }
  }

  const both = (perSecond: number, perHour: number): RateLimit[] => [
    { window: "SECOND", limit: perSecond },
    { window: "HOUR", limit: perHour },
  ];
  const at = (limits: RateLimit[], instants: number[]) => instants.map((instant) => ({ at: instant, limits }));
  const times = (count: number, instant: number) => Array.from({ length: count }, () => instant);

  it.each([
    ["16 at once", at(both(15, 100), times(16, T0))],
    ["15 at once, then at 999 and 1,000 ms", at(both(15, 100), [...times(15, T0), T0 + 999, T0 + 1_000, T0 + 1_000])],
    [
      "20 spaced 25 ms",
      at(
        both(15, 100),
        Array.from({ length: 20 }, (_, i) => T0 + i * 25),
      ),
    ],
    [
      "a limit lowered and raised",
      [...at(both(15, 100), times(15, T0)), ...at(both(10, 100), [T0 + 10]), ...at(both(20, 100), times(6, T0 + 10))],
    ],
    ["arrivals out of order", at(both(3, 100), [T0 + 1_000, T0 + 400, T0 + 999, T0 + 1, T0 + 2_000, T0 + 1_999, T0 + 1_400])],
    ["the hour's edge", at(both(15, 5), [...times(5, T0), T0 + HOUR_MS + HOUR_BUCKET_MS - 2, T0 + HOUR_MS + HOUR_BUCKET_MS - 1])],
    ["the end of a bucket", at(both(15, 1), [T0 + 9_999, T0 + 9_999 + HOUR_MS - 4_999, T0 + 9_999 + HOUR_MS])],
    [
      "one a minute",
      at(
        both(15, 5),
        Array.from({ length: 7 }, (_, i) => T0 + i * 60_000),
      ),
    ],
    [
      "a bucket edge out of order",
      at(both(15, 3), [
        T0 + HOUR_BUCKET_MS,
        T0 + HOUR_BUCKET_MS - 1,
        T0 + HOUR_MS + HOUR_BUCKET_MS - 1,
        T0 + HOUR_MS + 2 * HOUR_BUCKET_MS - 1,
      ]),
    ],
    ["idle for hours", at(both(2, 3), [T0, T0 + 1, T0 + 2, T0 + 5 * HOUR_MS, T0 + 5 * HOUR_MS + 1, T0 + 5 * HOUR_MS + 2])],
  ] as const)("agrees with the in-process limiter call for call: %s (Lua = windows.ts)", async (_name, calls) => {
    await replayAgainstMemory(calls);
  });

  it("agrees with the in-process limiter on random calls, out of order and across windows (Lua = windows.ts)", async () => {
    // Steps that land exactly on, and next to, the windows' and buckets' edges, and some that pass them.
    const gap = fc.oneof(
      fc.constantFrom(0, 1, 250, 500, 999, 1_000, 1_001),
      fc.integer({ min: 0, max: 300 }),
      fc.constantFrom(HOUR_BUCKET_MS - 1, HOUR_BUCKET_MS, HOUR_MS - 1, HOUR_MS, HOUR_MS + HOUR_BUCKET_MS - 2, HOUR_MS + HOUR_BUCKET_MS - 1),
      fc.integer({ min: 0, max: 1_200_000 }),
    );
    const lateness = fc.oneof(fc.constant(0), fc.constantFrom(1, 250, 1_000), fc.integer({ min: 0, max: 2_000 }));
    const calls = (perSecond: number, perHour: number) =>
      fc.array(fc.tuple(gap, lateness, fc.boolean()), { minLength: 1, maxLength: 60, size: "max" }).map((steps) => {
        let decidedAt = T0;
        return steps.map(([step, late, hourToo]) => {
          decidedAt += step;
          // Out of order by up to 2 s, and now and then a call with the per-second limit only.
          const limits: RateLimit[] = hourToo ? both(perSecond, perHour) : [{ window: "SECOND", limit: perSecond }];
          return { at: decidedAt - late, limits };
        });
      });
    await fc.assert(
      fc.asyncProperty(
        fc
          .tuple(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 12 }))
          .chain(([perSecond, perHour]) => calls(perSecond, perHour)),
        replayAgainstMemory,
      ),
      { numRuns: 100 },
    );
  });

  it("dates a request at its arrival: Redis TIME less the time since it arrived, clamped to LATE_ARRIVAL_MS", async () => {
    const key = workspaceId();
    // Fifteen calls that arrived 900 ms ago, decided only now…
    const arrived = limiterNowMs() - 900;
    expect(refusals(await burst(limiter, key, DEFAULT_LIMITS, 15, arrived))).toHaveLength(0);
    // …fill the second that ends 100 ms from now, not the one that ends a second from now.
    const refused = await limiter.check(key, DEFAULT_LIMITS);
    expect(refused).toMatchObject({ allowed: false, window: "SECOND" });
    expect(refused.allowed ? 0 : refused.retryAfterMs).toBeLessThanOrEqual(105);
    await sleep(150);
    expect(await limiter.check(key, DEFAULT_LIMITS)).toEqual({ allowed: true });

    // A minute "ago" counts as LATE_ARRIVAL_MS ago; Redis and the test share this machine's clock.
    const late = workspaceId();
    const before = Date.now();
    await limiter.check(late, DEFAULT_LIMITS, limiterNowMs() - 60_000);
    const [stamp] = (await redis.lrange(logKey(late), 0, -1)).map(Number);
    expect(stamp).toBeGreaterThanOrEqual(before - LATE_ARRIVAL_MS - 5);
    expect(stamp).toBeLessThanOrEqual(Date.now() - LATE_ARRIVAL_MS + 5);
  });

  it("refuses on the hourly limit, with the hour's retry-after", async () => {
    const key = workspaceId();
    const limits: RateLimit[] = [
      { window: "SECOND", limit: 15 },
      { window: "HOUR", limit: 5 },
    ];
    const decisions = await burst(replay, key, limits, 6, T0 + 1_000);
    expect(refusals(decisions)).toEqual([
      // The calls' bucket (T0 … T0 + 10 s) leaves the rolling hour at T0 + 1 h + 10 s − 1 ms.
      { allowed: false, window: "HOUR", limit: 5, retryAfterMs: HOUR_MS + HOUR_BUCKET_MS - 1 - 1_000 },
    ]);
    expect(await replay.check(key, limits, T0 + HOUR_MS + HOUR_BUCKET_MS - 2)).toMatchObject({ allowed: false, retryAfterMs: 1 });
    expect(await replay.check(key, limits, T0 + HOUR_MS + HOUR_BUCKET_MS - 1)).toEqual({ allowed: true });
  });

  it("does not count refused requests: the next is admitted once the retry-after has passed", async () => {
    const key = workspaceId();
    await burst(limiter, key, DEFAULT_LIMITS, 15);
    const hammering = await burst(limiter, key, DEFAULT_LIMITS, 30);
    expect(refusals(hammering)).toHaveLength(30);
    const longest = Math.max(...refusals(hammering).map((decision) => (decision.allowed ? 0 : decision.retryAfterMs)));
    await sleep(longest + 5);
    expect(await limiter.check(key, DEFAULT_LIMITS)).toEqual({ allowed: true });
  });

  it("does not count a request refused by one window against the other window", async () => {
    const key = workspaceId();
    const limits: RateLimit[] = [
      { window: "SECOND", limit: 1 },
      { window: "HOUR", limit: 3 },
    ];
    expect(await limiter.check(key, limits)).toEqual({ allowed: true });
    const refused = await burst(limiter, key, limits, 5);
    expect(refused.every((decision) => !decision.allowed && decision.window === "SECOND")).toBe(true);
    // The hour saw one request, not six: two more fit.
    const hourOnly: RateLimit[] = [{ window: "HOUR", limit: 3 }];
    expect(await burst(limiter, key, hourOnly, 3)).toEqual([
      { allowed: true },
      { allowed: true },
      expect.objectContaining({ allowed: false }),
    ]);

    const other = workspaceId();
    const hourFirst: RateLimit[] = [
      { window: "SECOND", limit: 2 },
      { window: "HOUR", limit: 1 },
    ];
    expect(await limiter.check(other, hourFirst)).toEqual({ allowed: true });
    expect(await limiter.check(other, hourFirst)).toMatchObject({ allowed: false, window: "HOUR" });
    const secondOnly: RateLimit[] = [{ window: "SECOND", limit: 2 }];
    expect(await limiter.check(other, secondOnly)).toEqual({ allowed: true });
    expect(await limiter.check(other, secondOnly)).toMatchObject({ allowed: false, window: "SECOND" });
  });

  it("reports the window with the longer wait when both refuse", async () => {
    const key = workspaceId();
    const limits: RateLimit[] = [
      { window: "SECOND", limit: 1 },
      { window: "HOUR", limit: 1 },
    ];
    expect(await limiter.check(key, limits)).toEqual({ allowed: true });
    const refused = await limiter.check(key, limits);
    expect(refused).toMatchObject({ allowed: false, window: "HOUR", limit: 1 });
    expect(refused.allowed ? 0 : refused.retryAfterMs).toBeGreaterThan(3_590_000);
  });

  it("counts two workspaces independently", async () => {
    const [a, b] = await Promise.all([
      burst(limiter, workspaceId(), DEFAULT_LIMITS, 16),
      burst(limiter, workspaceId(), DEFAULT_LIMITS, 16),
    ]);
    expect(refusals(a)).toHaveLength(1);
    expect(refusals(b)).toHaveLength(1);
  });

  it("shares the limit between app instances: 10 from one and 6 from the other → one refused", async () => {
    const key = workspaceId();
    const [fromOne, fromOther] = await Promise.all([burst(limiter, key, PAYG_LIMITS, 10), burst(otherInstance, key, PAYG_LIMITS, 6)]);
    expect(refusals([...fromOne, ...fromOther])).toHaveLength(1);
  });

  it("admits exactly 15 of 50 concurrent checks, across two instances", async () => {
    const key = workspaceId();
    const decisions = (await Promise.all([burst(limiter, key, DEFAULT_LIMITS, 25), burst(otherInstance, key, DEFAULT_LIMITS, 25)])).flat();
    expect(decisions.filter((decision) => decision.allowed)).toHaveLength(15);
  });

  it("keeps each window under the workspace's hash tag: at most N stamps, buckets, and expiries past which nothing counts", async () => {
    const key = workspaceId();
    const limits: RateLimit[] = [
      { window: "SECOND", limit: 3 },
      { window: "HOUR", limit: 100 },
    ];
    // Four calls 400 ms apart, all admitted (at 1,200 ms the first has left the second); the log keeps the newest 3.
    for (let i = 0; i < 4; i += 1) expect(await replay.check(key, limits, T0 + i * 400)).toEqual({ allowed: true });
    expect((await redis.lrange(logKey(key), 0, -1)).map(Number)).toEqual([T0 + 400, T0 + 800, T0 + 1_200]);
    expect(await redis.hgetall(hourKey(key))).toEqual({
      [String(T0 / HOUR_BUCKET_MS)]: "4",
      l: String(T0 + 1_200),
      o: String(T0 / HOUR_BUCKET_MS),
      c: "4",
    });
    // "caller" time: the expiries are measured from the last call's instant.
    const [logTtl, hourTtl] = await Promise.all([redis.pttl(logKey(key)), redis.pttl(hourKey(key))]);
    expect(logTtl).toBeGreaterThan(1_000 + LATE_ARRIVAL_MS - 1_000);
    expect(logTtl).toBeLessThanOrEqual(1_000 + LATE_ARRIVAL_MS);
    expect(hourTtl).toBeLessThanOrEqual(HOUR_BUCKET_MS + HOUR_MS + LATE_ARRIVAL_MS - 1_200);
    expect(hourTtl).toBeGreaterThan(HOUR_MS);
  });

  it("is what createRateLimiter returns when given a Redis URL (R13)", async () => {
    const created = createRateLimiter({ redisUrl: REDIS_URL });
    expect(created).toBeInstanceOf(RedisRateLimiter);
    expect(await created.check(workspaceId(), DEFAULT_LIMITS)).toEqual({ allowed: true });
    await created.close();
  });
});

/** A TCP proxy in front of the real Redis that a test can cut and restore: an outage on demand. */
async function startOutageProxy(redisUrl: string) {
  const target = new URL(redisUrl);
  const sockets = new Set<net.Socket>();
  const track = (socket: net.Socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => socket.destroy());
  };
  const server = net.createServer((client) => {
    const upstream = net.connect(Number(target.port || 6379), target.hostname);
    track(client);
    track(upstream);
    client.pipe(upstream).pipe(client);
  });
  const listen = (port: number) => new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  await listen(0);
  const { port } = server.address() as net.AddressInfo;
  const proxied = new URL(redisUrl);
  proxied.hostname = "127.0.0.1";
  proxied.port = String(port);
  return {
    url: proxied.toString(),
    async cut() {
      const closed = new Promise((resolve) => server.close(resolve));
      for (const socket of sockets) socket.destroy();
      await closed;
    },
    restore: () => listen(port),
    close: async () => {
      for (const socket of sockets) socket.destroy();
      if (server.listening) await new Promise((resolve) => server.close(resolve));
    },
  };
}

describe("the Redis rate limiter when Redis cannot answer (fail open)", () => {
  const opened: RedisRateLimiter[] = [];
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((limiter) => limiter.close()));
  });

  it("admits every request when nothing listens, and logs once", async () => {
    const log = vi.fn();
    // Port 1: connection refused at once.
    const limiter = new RedisRateLimiter({ redisUrl: "redis://127.0.0.1:1", log });
    opened.push(limiter);
    const started = Date.now();
    const decisions: Decision[] = [];
    for (let i = 0; i < 20; i += 1) decisions.push(await limiter.check(workspaceId(), [{ window: "SECOND", limit: 1 }]));
    decisions.push(...(await burst(limiter, workspaceId(), [{ window: "SECOND", limit: 1 }], 20)));
    expect(decisions.every((decision) => decision.allowed)).toBe(true);
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(log).toHaveBeenCalledTimes(1);
    expect(log.mock.calls[0]![0]).toContain("[rate-limit] Redis unavailable");
  });

  it("admits every request during an outage, logs once, and limits again when Redis is back", async () => {
    const proxy = await startOutageProxy(REDIS_URL);
    try {
      const log = vi.fn();
      const limiter = new RedisRateLimiter({ redisUrl: proxy.url, log });
      opened.push(limiter);
      expect(refusals(await burst(limiter, workspaceId(), DEFAULT_LIMITS, 16))).toHaveLength(1);

      await proxy.cut();
      const key = workspaceId();
      const duringOutage: Decision[] = [];
      for (let i = 0; i < 40; i += 1) duringOutage.push(await limiter.check(key, DEFAULT_LIMITS));
      expect(refusals(duringOutage)).toHaveLength(0);
      expect(log).toHaveBeenCalledTimes(1);

      await proxy.restore();
      await expect
        .poll(async () => refusals(await burst(limiter, workspaceId(), DEFAULT_LIMITS, 16)).length, { timeout: 10_000, interval: 200 })
        .toBe(1);
      expect(log).toHaveBeenCalledTimes(1);
    } finally {
      await proxy.close();
    }
  });

  it("admits a request when Redis does not answer within the timeout", async () => {
    // A server that accepts connections and never replies: a hung Redis.
    const sockets: net.Socket[] = [];
    const silent = net.createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    const { port } = silent.address() as net.AddressInfo;
    try {
      const log = vi.fn();
      const limiter = new RedisRateLimiter({ redisUrl: `redis://127.0.0.1:${port}`, timeoutMs: 50, log });
      opened.push(limiter);
      const started = Date.now();
      expect(await limiter.check(workspaceId(), DEFAULT_LIMITS)).toEqual({ allowed: true });
      expect(Date.now() - started).toBeLessThan(1_000);
      expect(log).toHaveBeenCalledTimes(1);
      await limiter.close();
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });
});
