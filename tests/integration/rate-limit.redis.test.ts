import crypto from "node:crypto";
import net from "node:net";
import Redis from "ioredis";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { decideGcra, type Tat } from "@/lib/rate-limit/gcra";
import { createRateLimiter, RedisRateLimiter, type Decision, type RateLimit } from "@/lib/rate-limit/limiter";

// R9.3 on the shared limiter: the same behaviours as the in-process one, now
// counted in Redis by one Lua script on the Redis server's clock, shared by
// every app instance. Each test uses its own random workspace ids.
const REDIS_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";

const DEFAULT_LIMITS: RateLimit[] = [{ window: "SECOND", limit: 15 }];
const PAYG_LIMITS: RateLimit[] = [
  { window: "SECOND", limit: 15 },
  { window: "HOUR", limit: 18_000 },
];

const workspaceId = () => `ws_test_${crypto.randomUUID()}`;
const refusals = (decisions: Decision[]) => decisions.filter((decision) => !decision.allowed);
const burst = (limiter: RedisRateLimiter, key: string, limits: RateLimit[], count: number) =>
  Promise.all(Array.from({ length: count }, () => limiter.check(key, limits)));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("the Redis rate limiter (R9.3)", () => {
  let limiter: RedisRateLimiter;
  let otherInstance: RedisRateLimiter;
  let redis: Redis;

  beforeAll(() => {
    limiter = new RedisRateLimiter({ redisUrl: REDIS_URL });
    // A second app instance: its own connection, the same Redis.
    otherInstance = new RedisRateLimiter({ redisUrl: REDIS_URL });
    redis = new Redis(REDIS_URL);
  });

  afterAll(async () => {
    await Promise.all([limiter.close(), otherInstance.close(), redis.quit()]);
  });

  it("refuses exactly one of 16 requests in the same moment, on the per-second limit of 15", async () => {
    const decisions = await burst(limiter, workspaceId(), PAYG_LIMITS, 16);
    expect(refusals(decisions)).toHaveLength(1);
    expect(refusals(decisions)[0]).toMatchObject({ allowed: false, window: "SECOND", limit: 15 });
    const { retryAfterMs } = refusals(decisions)[0] as { retryAfterMs: number };
    expect(retryAfterMs).toBeGreaterThan(0);
    expect(retryAfterMs).toBeLessThanOrEqual(67);
  });

  it("refuses on the hourly limit once its burst is used, with the hour's retry-after", async () => {
    const key = workspaceId();
    const limits: RateLimit[] = [
      { window: "SECOND", limit: 15 },
      { window: "HOUR", limit: 5 },
    ];
    const decisions = await burst(limiter, key, limits, 6);
    expect(refusals(decisions)).toHaveLength(1);
    const refused = refusals(decisions)[0] as Extract<Decision, { allowed: false }>;
    expect(refused).toMatchObject({ window: "HOUR", limit: 5 });
    // T = 720 s, less the few ms the burst took.
    expect(refused.retryAfterMs).toBeGreaterThan(719_000);
    expect(refused.retryAfterMs).toBeLessThanOrEqual(720_000);
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

  it("stores each window under the workspace's hash tag, expiring at its TAT", async () => {
    const key = workspaceId();
    await limiter.check(key, PAYG_LIMITS);
    const [secondTtl, hourTtl] = await Promise.all([redis.pttl(`md:rl:{${key}}:s`), redis.pttl(`md:rl:{${key}}:h`)]);
    // One request: TATs 66.7 ms and 200 ms ahead.
    expect(secondTtl).toBeGreaterThan(0);
    expect(secondTtl).toBeLessThanOrEqual(67);
    expect(hourTtl).toBeGreaterThan(0);
    expect(hourTtl).toBeLessThanOrEqual(200);
    await sleep(250);
    expect(await redis.exists(`md:rl:{${key}}:s`, `md:rl:{${key}}:h`)).toBe(0);
  });

  it("keeps the same exact TAT as the pure GCRA (lib/rate-limit/gcra.ts)", async () => {
    const key = workspaceId();
    const before = Date.now();
    await burst(limiter, key, DEFAULT_LIMITS, 7);
    const after = Date.now();
    // Seven at 15/s from an empty key: TAT = first request + 7 × 66⅔ ms = + 466 ms + 10/15 ms.
    let expected: Tat | undefined;
    for (let i = 0; i < 7; i += 1) {
      const decision = decideGcra({ limit: 15, windowMs: 1_000 }, expected, 0);
      if (decision.allowed) expected = decision.tat;
    }
    expect(expected).toEqual({ ms: 466, rem: 10, limit: 15 });
    const [ms, rem, limit] = (await redis.get(`md:rl:{${key}}:s`))!.split(":").map(Number);
    expect([rem, limit]).toEqual([10, 15]);
    // Redis and the test share this machine's clock.
    expect(ms! - 466).toBeGreaterThanOrEqual(before - 5);
    expect(ms! - 466).toBeLessThanOrEqual(after + 5);
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
