import crypto from "node:crypto";
import net from "node:net";
import Redis from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LOCKOUT_MS, lockoutKey, MAX_FAILED_SIGN_INS } from "@/lib/auth/lockout";
import { RedisSignInLockout } from "@/lib/auth/lockout-redis";

// The sign-in lockout shared by every app instance through Redis: the same
// behaviour as the in-process store, and failing open when Redis is away.
const REDIS_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";
const email = () => lockoutKey(`someone-${crypto.randomUUID()}@example.com`);

describe("the Redis sign-in lockout", () => {
  let lockout: RedisSignInLockout;
  let otherInstance: RedisSignInLockout;
  let redis: Redis;

  beforeAll(() => {
    lockout = new RedisSignInLockout({ redisUrl: REDIS_URL });
    otherInstance = new RedisSignInLockout({ redisUrl: REDIS_URL });
    redis = new Redis(REDIS_URL);
  });

  afterAll(async () => {
    await Promise.all([lockout.close(), otherInstance.close(), redis.quit()]);
  });

  it("locks an email for 15 minutes at the fifth wrong password in a row, counted across instances", async () => {
    const key = email();
    for (let i = 1; i < MAX_FAILED_SIGN_INS; i += 1) {
      expect(await (i % 2 ? lockout : otherInstance).recordFailure(key, Date.now())).toBe(0);
    }
    expect(await lockout.lockedForMs(key, Date.now())).toBe(0);
    expect(await otherInstance.recordFailure(key, Date.now())).toBe(LOCKOUT_MS);
    const left = await lockout.lockedForMs(key, Date.now());
    expect(left).toBeGreaterThan(LOCKOUT_MS - 5_000);
    expect(left).toBeLessThanOrEqual(LOCKOUT_MS);
  });

  it("a successful sign-in starts the streak again", async () => {
    const key = email();
    for (let i = 1; i < MAX_FAILED_SIGN_INS; i += 1) await lockout.recordFailure(key, Date.now());
    await otherInstance.clear(key);
    for (let i = 1; i < MAX_FAILED_SIGN_INS; i += 1) expect(await lockout.recordFailure(key, Date.now())).toBe(0);
    expect(await lockout.lockedForMs(key, Date.now())).toBe(0);
  });

  it("keeps nothing about an email beyond 15 minutes (every key expires) and no address in the keys", async () => {
    const key = email();
    await lockout.recordFailure(key, Date.now());
    const streakTtl = await redis.pttl(`md:signin:${key}:f`);
    expect(streakTtl).toBeGreaterThan(0);
    expect(streakTtl).toBeLessThanOrEqual(LOCKOUT_MS);
    expect(await redis.keys("md:signin:*@*")).toEqual([]);
  });

  it("fails open when Redis cannot answer: nothing locked, nothing counted, one line logged", async () => {
    const closedPort = await new Promise<number>((resolve) => {
      const server = net.createServer().listen(0, "127.0.0.1", () => {
        const { port } = server.address() as net.AddressInfo;
        server.close(() => resolve(port));
      });
    });
    const lines: string[] = [];
    const away = new RedisSignInLockout({ redisUrl: `redis://127.0.0.1:${closedPort}`, timeoutMs: 100, log: (line) => lines.push(line) });
    try {
      const key = email();
      for (let i = 0; i < MAX_FAILED_SIGN_INS + 1; i += 1) expect(await away.recordFailure(key, Date.now())).toBe(0);
      expect(await away.lockedForMs(key, Date.now())).toBe(0);
      expect(lines.length).toBe(1);
      expect(lines[0]).toMatch(/Redis unavailable/);
    } finally {
      await away.close();
    }
  });
});
