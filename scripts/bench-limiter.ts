// npx tsx scripts/bench-limiter.ts — what a rate-limit check (R9.3) adds to
// each metering call: p50/p99 of `check()` on the in-process limiter and on
// Redis, sequential calls over distinct and repeated workspaces. The last line
// is one JSON object with the figures (targets: p99 < 1 ms in-process, < 2 ms
// on Redis), with a plain PING on the same kind of connection as the floor
// the Redis figure cannot go below on this machine at this moment.
//
// Options: --redis <url> (default redis://127.0.0.1:6379) --n N (default 20000)
import Redis from "ioredis";
import { MemoryRateLimiter, RedisRateLimiter, type RateLimiter } from "@/lib/rate-limit/limiter";
import { measureLimiterOverhead } from "@/lib/rate-limit/measure";
import { flagValue } from "./lib/flags";

const TARGETS = { memoryP99Ms: 1, redisP99Ms: 2 };

const round3 = (value: number) => Math.round(value * 1_000) / 1_000;

async function main() {
  const args = process.argv.slice(2);
  const redisUrl = flagValue(args, "--redis") ?? "redis://127.0.0.1:6379";
  const n = Number(flagValue(args, "--n") ?? 20_000);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--n needs a whole number ≥ 1, not ${n}`);

  const memory = new MemoryRateLimiter();
  const memoryOverhead = await measureLimiterOverhead(memory, n);
  await memory.close();
  console.log(
    `memory: p50 ${round3(memoryOverhead.p50Ms)} ms, p99 ${round3(memoryOverhead.p99Ms)} ms (target < ${TARGETS.memoryP99Ms} ms)`,
  );

  // A Redis that cannot answer fails open in ~0 ms and would flatter the figure: log it loudly.
  const redis = new RedisRateLimiter({ redisUrl, log: (message) => console.error(`FAILED OPEN: ${message}`) });
  const redisOverhead = await measureLimiterOverhead(redis, n);
  await redis.close();
  console.log(`redis:  p50 ${round3(redisOverhead.p50Ms)} ms, p99 ${round3(redisOverhead.p99Ms)} ms (target < ${TARGETS.redisP99Ms} ms)`);

  const client = new Redis(redisUrl);
  const ping: RateLimiter = {
    check: async () => {
      await client.ping();
      return { allowed: true };
    },
    close: async () => void (await client.quit()),
  };
  const pingOverhead = await measureLimiterOverhead(ping, n);
  await ping.close();
  console.log(`ping:   p50 ${round3(pingOverhead.p50Ms)} ms, p99 ${round3(pingOverhead.p99Ms)} ms (the round trip alone)`);

  console.log(
    JSON.stringify({
      n,
      limiter_p50_ms_memory: round3(memoryOverhead.p50Ms),
      limiter_p99_ms_memory: round3(memoryOverhead.p99Ms),
      limiter_p50_ms_redis: round3(redisOverhead.p50Ms),
      limiter_p99_ms_redis: round3(redisOverhead.p99Ms),
      redis_ping_p50_ms: round3(pingOverhead.p50Ms),
      redis_ping_p99_ms: round3(pingOverhead.p99Ms),
      meets_targets: memoryOverhead.p99Ms < TARGETS.memoryP99Ms && redisOverhead.p99Ms < TARGETS.redisP99Ms,
    }),
  );
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
