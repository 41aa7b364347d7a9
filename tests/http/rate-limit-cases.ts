// The rate-limit cases (R9.3) that both HTTP suites run through real HTTP:
// on the embedded default (PGlite, in-process limiter) and on PostgreSQL +
// Redis, where `servers` can name two app instances sharing one limit.
import { expect } from "vitest";
import { call, type Reply } from "./client";

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// One training run: 20,000,000 credits and no free tier, so the balance shows every charged call.
const TRAIN = { type: "train", runs: 1 };
const RUN_CREDITS = 20_000_000;
const GROWTH_INCLUDED = 750_000_000;

const operate = (server: string, secret: string) => call("/api/v1/operations", { server, key: secret, body: TRAIN });
const statuses = (replies: Reply[]) => replies.map((reply) => reply.status).sort((a, b) => a - b);

/** A 429 with exactly R9.3's body, its request id in the header too. */
export function expectThrottled(reply: Reply, details: string): void {
  expect(reply.status).toBe(429);
  const reqId = (reply.json as { status: { req_id: string } }).status.req_id;
  expect(reqId).toMatch(/^req_[0-9a-f]{24}$/);
  expect(reply.text).toBe(JSON.stringify({ status: { code: 11005, description: "Making too many requests", details, req_id: reqId } }));
  expect(reply.headers.get("x-request-id")).toBe(reqId);
}

/**
 * 16 calls sent at once on a key no server has looked up yet (a cold cache:
 * the lookups take a database round trip before the limiter decides) →
 * exactly 15 × 200 and 1 × 429, whose Retry-After is the second until the
 * first call leaves the window; the refused call is not charged. `secret`: a
 * Growth workspace's key.
 */
export async function sixteenAtOnce(servers: string[], secret: string): Promise<void> {
  const replies = await Promise.all(Array.from({ length: 16 }, (_, i) => operate(servers[i % servers.length]!, secret)));
  expect(statuses(replies)).toEqual([...Array(15).fill(200), 429]);
  const throttled = replies.find((reply) => reply.status === 429)!;
  expectThrottled(throttled, "exceeded limit of 15 requests per second");
  expect(throttled.headers.get("retry-after")).toBe("1");
  const balance = await call("/api/v1/balance", { server: servers[0], key: secret });
  expect(balance.json).toMatchObject({ balance: { included: String(GROWTH_INCLUDED - 15 * RUN_CREDITS) } });
}

/** 20 calls, one every 25 ms (all within half a second) → exactly 15 admitted, the last 5 refused. */
export async function twentySpaced(servers: string[], secret: string): Promise<void> {
  // The 20 calls must arrive within one second for "exactly 15" to be the answer. On a loaded
  // machine the sleeps can stretch the sends past it; such a round proves nothing, so after the
  // window has emptied it is sent again (at most three rounds).
  for (let round = 1; ; round += 1) {
    const sent: Promise<Reply>[] = [];
    const started = performance.now();
    for (let i = 0; i < 20; i += 1) {
      sent.push(operate(servers[i % servers.length]!, secret));
      if (i < 19) await sleep(25);
    }
    const span = performance.now() - started;
    const replies = await Promise.all(sent);
    if (span > 900 && round < 3) {
      await sleep(1_100);
      continue;
    }
    expect(span, "the 20 calls were sent within 900 ms").toBeLessThanOrEqual(900);
    expect(statuses(replies)).toEqual([...Array(15).fill(200), ...Array(5).fill(429)]);
    for (const reply of replies.filter((r) => r.status === 429)) expectThrottled(reply, "exceeded limit of 15 requests per second");
    return;
  }
}

/**
 * The hourly limit over a rolling hour, for a workspace whose hourly limit
 * support set to 20 (per second 15): 15 at once, then 10 at once a second
 * later → 5 more admitted and 5 refused for the hour, with a Retry-After of
 * about an hour; a second later still, the per-second window is clear but the
 * hour still refuses.
 */
export async function hourly(servers: string[], secret: string): Promise<void> {
  const first = await Promise.all(Array.from({ length: 15 }, (_, i) => operate(servers[i % servers.length]!, secret)));
  expect(statuses(first)).toEqual(Array(15).fill(200));
  await sleep(1_100);
  const second = await Promise.all(Array.from({ length: 10 }, (_, i) => operate(servers[i % servers.length]!, secret)));
  expect(statuses(second)).toEqual([...Array(5).fill(200), ...Array(5).fill(429)]);
  for (const reply of second.filter((r) => r.status === 429)) {
    expectThrottled(reply, "exceeded limit of 20 requests per hour");
    // The first calls' 10-second bucket leaves the rolling hour an hour (and at most 10 s) after they arrived.
    const retryAfter = Number(reply.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThanOrEqual(3_590);
    expect(retryAfter).toBeLessThanOrEqual(3_610);
  }
  await sleep(1_100);
  expectThrottled(await operate(servers[0]!, secret), "exceeded limit of 20 requests per hour");
}
