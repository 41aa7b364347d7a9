import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "@/lib/db/connect";
import { setWorkspaceRateLimit } from "@/lib/db/api-auth";
import { ledgerViolations } from "@/lib/db/ledger/invariants";
import { apiWorkspace, call, matchesOpenApi, operate, serverDatabase } from "./client";

const NOW = new Date();
const support = { id: null, email: "support@test.dev", role: "SUPPORT" };

describe("POST /api/v1/operations over HTTP (R2, R9)", () => {
  let database: Database;

  beforeAll(async () => {
    database = await serverDatabase();
  });

  afterAll(async () => {
    await database?.close();
  });

  const usageEvents = (workspaceId: string) => database.prisma.usageEvent.count({ where: { workspaceId } });
  const balance = (workspaceId: string) =>
    database.prisma.creditBalance.findUniqueOrThrow({ where: { workspaceId }, select: { included: true, prepaid: true, flexUsed: true } });
  const noLimits = async (workspaceId: string) =>
    database.prisma.$transaction((tx) =>
      setWorkspaceRateLimit(tx, { workspaceId, window: "SECOND", limit: 100_000, reason: "test", actor: support, now: NOW }),
    );

  it("200: a batch of 32 is 32 operations, rated by the month's tiers, with sources adding up (R2.2, R3.1, R9.2)", async () => {
    const ws = await apiWorkspace(database, { now: NOW, planCode: "growth_monthly" });
    const free = await operate(ws.secret, { type: "predict", inputs: 1000 });
    expect(free.status).toBe(200);
    const reply = await operate(ws.secret, { type: "predict", inputs: 32 });
    expect(reply.status).toBe(200);
    expect(matchesOpenApi("/api/v1/operations", "post", reply)).toEqual([]);
    const body = reply.json as {
      status: { code: number; req_id: string };
      usage: { operations: number; credits: string; usd: string; sources: Record<string, string>; balance: { included: string } };
    };
    expect(body.status).toMatchObject({ code: 10000, description: "Ok" });
    expect(reply.headers.get("x-request-id")).toBe(body.status.req_id);
    expect(body.usage).toMatchObject({
      operations: 32,
      credits: "76800",
      usd: "0.0384",
      sources: { included: "76800", package: "0", prepaid: "0", flex: "0" },
    });
    expect(body.usage.balance.included).toBe(String(750_000_000n - 76_800n));
  });

  it("200: video is ceil(seconds × fps) operations (R2.3)", async () => {
    const ws = await apiWorkspace(database, { now: NOW });
    const reply = await operate(ws.secret, { type: "predict", video_seconds: 61.4, fps: 1 });
    expect((reply.json as { usage: { operations: number } }).usage.operations).toBe(62);
    const slow = await operate(ws.secret, { type: "search", video_seconds: "10", fps: "0.1" });
    expect((slow.json as { usage: { operations: number } }).usage.operations).toBe(1);
  });

  it("400: an invalid body names the field and charges nothing (R9.4, R2.4)", async () => {
    const ws = await apiWorkspace(database, { now: NOW });
    for (const [body, field] of [
      [{ type: "predict", inputs: 0 }, "inputs"],
      [{ type: "predict", video_seconds: 10, fps: 99 }, "fps"],
      [{ type: "teleport", inputs: 1 }, "type"],
      [{ inputs: 3 }, "type"],
    ] as const) {
      const reply = await operate(ws.secret, body);
      expect(reply.status).toBe(400);
      expect(matchesOpenApi("/api/v1/operations", "post", reply)).toEqual([]);
      expect((reply.json as { status: { code: number; details: string } }).status).toMatchObject({
        code: 11002,
        details: expect.stringMatching(new RegExp(`^${field}:`)),
      });
    }
    const notJson = await call("/api/v1/operations", { key: ws.secret, rawBody: "{not json" });
    expect(notJson.status).toBe(400);
    const huge = await call("/api/v1/operations", {
      key: ws.secret,
      rawBody: JSON.stringify({ type: "predict", inputs: 1, pad: "x".repeat(20_000) }),
    });
    expect(huge.status).toBe(400);
    expect((huge.json as { status: { details: string } }).status.details).toBe("body: at most 16384 bytes");
    expect(await usageEvents(ws.workspaceId)).toBe(0);
  });

  it("401: a missing, malformed, unknown or revoked key (R9.4); a revoked key stops at once, though the server has it cached", async () => {
    const ws = await apiWorkspace(database, { now: NOW });
    for (const authorization of ["", "Key nope", `Key ${ws.secret.slice(0, -2)}xx`, `Basic ${ws.secret}`]) {
      const reply = await call("/api/v1/operations", { authorization, body: { type: "predict", inputs: 1 } });
      expect(reply.status).toBe(401);
      expect(matchesOpenApi("/api/v1/operations", "post", reply)).toEqual([]);
      expect((reply.json as { status: { code: number } }).status.code).toBe(11001);
    }
    expect((await call("/api/v1/operations", { authorization: `Bearer ${ws.secret}`, body: { type: "predict", inputs: 1 } })).status).toBe(
      200,
    );
    await database.prisma.apiKey.update({
      where: { workspaceId_id: { workspaceId: ws.workspaceId, id: ws.keyId } },
      data: { revokedAt: new Date() },
    });
    const revoked = await operate(ws.secret, { type: "predict", inputs: 1 });
    expect(revoked.status).toBe(401);
    expect(await usageEvents(ws.workspaceId)).toBe(1);
  });

  it("402: an out-of-credits Free workspace is refused and nothing is charged (R4.1, R5.4)", async () => {
    const ws = await apiWorkspace(database, { now: NOW, planCode: "free" });
    await operate(ws.secret, { type: "predict", inputs: 1000 });
    const spend = await operate(ws.secret, { type: "predict", inputs: 2083 }); // 4,999,200 of 5,000,000
    expect(spend.status).toBe(200);
    const before = await balance(ws.workspaceId);
    const events = await usageEvents(ws.workspaceId);
    const refused = await operate(ws.secret, { type: "predict", inputs: 1 });
    expect(refused.status).toBe(402);
    expect(matchesOpenApi("/api/v1/operations", "post", refused)).toEqual([]);
    expect((refused.json as { status: { code: number } }).status.code).toBe(11100);
    expect(await balance(ws.workspaceId)).toEqual(before);
    expect(await usageEvents(ws.workspaceId)).toBe(events);
  });

  it("402 11101 in grace for flex, 403 11102 in retention, 402 11103 at the spend cap (R8.3, R8.4, R14.2)", async () => {
    const grace = await apiWorkspace(database, { now: NOW, included: 0n, flexEnabled: true, billingState: "GRACE" });
    await operate(grace.secret, { type: "predict", inputs: 1000 });
    const arrears = await operate(grace.secret, { type: "predict", inputs: 1 });
    expect([arrears.status, (arrears.json as { status: { code: number } }).status.code]).toEqual([402, 11101]);
    const retention = await apiWorkspace(database, { now: NOW, billingState: "RETENTION" });
    const suspended = await operate(retention.secret, { type: "predict", inputs: 1 });
    expect([suspended.status, (suspended.json as { status: { code: number } }).status.code]).toEqual([403, 11102]);
    expect(matchesOpenApi("/api/v1/operations", "post", suspended)).toEqual([]);
    const capped = await apiWorkspace(database, { now: NOW, included: 0n, flexEnabled: true, spendCapCents: 1 });
    await operate(capped.secret, { type: "predict", inputs: 1008 });
    const cap = await operate(capped.secret, { type: "predict", inputs: 1 });
    expect([cap.status, (cap.json as { status: { code: number } }).status.code]).toEqual([402, 11103]);
  });

  it("Idempotency-Key: a retry returns the first response byte for byte and charges once; another body is a 409 (R9.1)", async () => {
    const ws = await apiWorkspace(database, { now: NOW });
    await operate(ws.secret, { type: "predict", inputs: 1000 });
    const first = await operate(ws.secret, { type: "predict", inputs: 10 }, "order-17");
    const retry = await operate(ws.secret, { type: "predict", inputs: 10 }, "order-17");
    expect(retry.status).toBe(200);
    expect(retry.text).toBe(first.text);
    expect(retry.headers.get("idempotent-replayed")).toBe("true");
    const conflict = await operate(ws.secret, { type: "predict", inputs: 11 }, "order-17");
    expect(conflict.status).toBe(409);
    expect(matchesOpenApi("/api/v1/operations", "post", conflict)).toEqual([]);
    expect((conflict.json as { status: { code: number } }).status.code).toBe(11003);
    expect(await usageEvents(ws.workspaceId)).toBe(2);
    expect((await balance(ws.workspaceId)).included).toBe(750_000_000n - 24_000n);
    const tooLong = await operate(ws.secret, { type: "predict", inputs: 1 }, "k".repeat(256));
    expect(tooLong.status).toBe(400);
  });

  it("Idempotency-Key: concurrent requests with the same key charge once and answer the same bytes", async () => {
    const ws = await apiWorkspace(database, { now: NOW });
    await noLimits(ws.workspaceId);
    await operate(ws.secret, { type: "predict", inputs: 1000 });
    const replies = await Promise.all(Array.from({ length: 12 }, () => operate(ws.secret, { type: "predict", inputs: 5 }, "same-moment")));
    expect(replies.every((r) => r.status === 200)).toBe(true);
    expect(new Set(replies.map((r) => r.text)).size).toBe(1);
    expect(await usageEvents(ws.workspaceId)).toBe(2);
    expect((await balance(ws.workspaceId)).included).toBe(750_000_000n - 12_000n);
  });

  it("429: 16 requests in one second on a 15 req/s limit → exactly one throttled, with the exact body and Retry-After (R9.3)", async () => {
    const ws = await apiWorkspace(database, { now: NOW });
    // Warm the server's connections without spending the limit (balance reads are not metered),
    // so that the 16 calls below reach the limiter together, as a burst does.
    await Promise.all(Array.from({ length: 16 }, () => call("/api/v1/balance", { key: ws.secret })));
    const replies = await Promise.all(Array.from({ length: 16 }, () => operate(ws.secret, { type: "predict", inputs: 1 })));
    const throttled = replies.filter((r) => r.status === 429);
    expect(throttled).toHaveLength(1);
    const [reply] = throttled;
    expect(matchesOpenApi("/api/v1/operations", "post", reply!)).toEqual([]);
    const body = reply!.json as { status: { req_id: string } };
    expect(reply!.text).toBe(
      JSON.stringify({
        status: {
          code: 11005,
          description: "Making too many requests",
          details: "exceeded limit of 15 requests per second",
          req_id: body.status.req_id,
        },
      }),
    );
    expect(Number(reply!.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    // Throttled calls are not charged.
    expect(await usageEvents(ws.workspaceId)).toBe(15);
  });

  it("429: the per-hour limit of pay as you go, and a support override takes effect at once (R9.3, R11)", async () => {
    const ws = await apiWorkspace(database, { now: NOW, planCode: "payg", prepaid: 100_000_000n });
    await database.prisma.$transaction((tx) =>
      setWorkspaceRateLimit(tx, {
        workspaceId: ws.workspaceId,
        window: "HOUR",
        limit: 5,
        reason: "test a small hour",
        actor: support,
        now: NOW,
      }),
    );
    const statuses: number[] = [];
    for (let i = 0; i < 6; i += 1) statuses.push((await operate(ws.secret, { type: "predict", inputs: 1 })).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
    const hourly = await operate(ws.secret, { type: "predict", inputs: 1 });
    expect((hourly.json as { status: { details: string } }).status.details).toBe("exceeded limit of 5 requests per hour");

    const other = await apiWorkspace(database, { now: NOW });
    await database.prisma.$transaction((tx) =>
      setWorkspaceRateLimit(tx, { workspaceId: other.workspaceId, window: "SECOND", limit: 3, reason: "test", actor: support, now: NOW }),
    );
    const burst = await Promise.all(Array.from({ length: 4 }, () => operate(other.secret, { type: "predict", inputs: 1 })));
    const refused = burst.filter((r) => r.status === 429);
    expect(refused).toHaveLength(1);
    expect((refused[0]!.json as { status: { details: string } }).status.details).toBe("exceeded limit of 3 requests per second");

    // The key is cached by now: raising the limit reaches the server through the
    // database's notification, not by waiting for the cache to expire.
    await database.prisma.$transaction((tx) =>
      setWorkspaceRateLimit(tx, {
        workspaceId: other.workspaceId,
        window: "SECOND",
        limit: 1_000,
        reason: "launch day",
        actor: support,
        now: NOW,
      }),
    );
    await new Promise((resolve) => setTimeout(resolve, 100));
    const raised = await Promise.all(Array.from({ length: 8 }, () => operate(other.secret, { type: "predict", inputs: 1 })));
    expect(raised.map((r) => r.status)).toEqual(Array(8).fill(200));
  });

  it("GET /api/v1/balance returns the balances and limits as documented (R9.5)", async () => {
    const ws = await apiWorkspace(database, {
      now: NOW,
      planCode: "payg",
      prepaid: 4_000_000n,
      packages: [{ code: "search_100k_month", expiresAt: new Date(NOW.getTime() + 86_400_000) }],
    });
    const reply = await call("/api/v1/balance", { key: ws.secret });
    expect(reply.status).toBe(200);
    expect(matchesOpenApi("/api/v1/balance", "get", reply)).toEqual([]);
    expect(reply.json).toMatchObject({
      status: { code: 10000 },
      balance: { included: "0", prepaid: "4000000", flex_used: "0", packages: [{ type: "search", remaining_operations: "100000" }] },
      rate_limits: { per_second: 15, per_hour: 18000 },
    });
    const openapi = await call("/api/v1/openapi.json");
    expect(openapi.status).toBe(200);
    expect((openapi.json as { openapi: string }).openapi).toBe("3.1.0");
  });

  it("fuzz: thousands of random bodies never cause a 5xx and never charge an invalid body (R2.4)", async () => {
    const ws = await apiWorkspace(database, { now: NOW });
    await noLimits(ws.workspaceId);
    let charged = 0;
    const bodies = fc.sample(
      fc.oneof(
        fc.jsonValue(),
        fc.record(
          { type: fc.constantFrom("predict", "upload", "search", "train", "x"), inputs: fc.oneof(fc.integer(), fc.double(), fc.string()) },
          { requiredKeys: [] },
        ),
        fc.record(
          {
            type: fc.constantFrom("predict", "search"),
            video_seconds: fc.oneof(fc.double(), fc.string()),
            fps: fc.oneof(fc.double(), fc.string(), fc.constant(undefined)),
          },
          { requiredKeys: ["type"] },
        ),
      ),
      { numRuns: 2000, seed: 4242 },
    );
    for (let i = 0; i < bodies.length; i += 50) {
      const replies = await Promise.all(bodies.slice(i, i + 50).map((body) => operate(ws.secret, body)));
      for (const reply of replies) {
        expect(reply.status).toBeLessThan(500);
        expect([200, 400, 402]).toContain(reply.status);
        expect(matchesOpenApi("/api/v1/operations", "post", reply)).toEqual([]);
        if (reply.status === 200) charged += 1;
      }
    }
    expect(await usageEvents(ws.workspaceId)).toBe(charged);
    expect(await ledgerViolations(database.sql, [ws.workspaceId])).toEqual([]);
  });
});
