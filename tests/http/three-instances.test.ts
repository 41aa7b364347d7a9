import os from "node:os";
import path from "node:path";
import fs from "node:fs";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { openDatabase, type Database } from "@/lib/db/connect";
import { applyMigrations } from "@/lib/db/migrate";
import { setWorkspaceRateLimit } from "@/lib/db/api-auth";
import { revokeApiKey } from "@/lib/db/api-keys";
import { ledgerViolations } from "@/lib/db/ledger/invariants";
import { testCustomerId } from "@/lib/payments/test-gateway";
import { createScratchDatabase, startAppServer, type AppServer } from "../../scripts/lib/app-server";
import type { ScratchDatabase } from "../../scripts/lib/scratch-database";
import { loadCatalog, makeWorkspace } from "../helpers/factories";
import { call, type Reply } from "./client";
import { expectThrottled, sleep } from "./rate-limit-cases";
import { apiWorkspace } from "./workspaces";

// The first step past one machine (docs/SCALING.md): three app instances on
// one PostgreSQL and one Redis, as behind a load balancer, with calls spread
// over all three the whole time. The rate limits are shared (Redis), one
// Idempotency-Key sent to all three at once charges once (PostgreSQL), a
// revoked key is refused by all three (NOTIFY reaches every key cache), and
// the billing run is led by exactly one of them — by another once it stops.
//
// The instances have a database of their own, so that their billing run sees
// only this file's workspaces and none of the other suites'.

const INTERVAL_MS = 1_000;
// lib/billing-run-timer.ts BILLING_RUN_LEADER_LOCK: the lead the instances compete for.
const LEADER_LOCK = 727_073_692;
const support = { id: null, email: "support@test.dev", role: "SUPPORT" };
const PREDICT = { type: "predict", inputs: 1 };
// 20,000,000 credits and no free tier: every charged call shows in the ledger.
const TRAIN = { type: "train", runs: 1 };
/** A line of a billing run's own (not the lead coming or going). */
const RUN_LINE = /\[billing run\] (?!pid \d+ (leads|no longer leads))/;

const statuses = (replies: Reply[]) => replies.map((reply) => reply.status).sort((a, b) => a - b);
const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000);

describe("three app instances on one PostgreSQL and one Redis", () => {
  let scratch: ScratchDatabase;
  let database: Database;
  let outbox: string;
  let servers: AppServer[] = [];
  /** The instances still running: the "load balancer" sends to these, round-robin. */
  let live: AppServer[] = [];
  let turn = 0;
  const next = () => live[turn++ % live.length]!.url;

  // Background load for the whole file: four callers, round-robin over the live instances.
  let loading = true;
  let load: Promise<(Reply | null)[]>;
  let loadWorkspace: { workspaceId: string; secret: string };
  let dueAtStart: string[] = [];

  const noSecondLimit = (workspaceId: string) =>
    database.prisma.$transaction((tx) =>
      setWorkspaceRateLimit(tx, { workspaceId, window: "SECOND", limit: 100_000, reason: "load", actor: support, now: new Date() }),
    );

  /** Workspaces whose monthly period ended weeks ago, with a card that pays: renewals, invoices and charges are due. */
  const dueWorkspaces = (count: number) =>
    Promise.all(
      Array.from({ length: count }, () => makeWorkspace(database.prisma, { now: daysAgo(45), planCode: "growth_monthly", card: true })),
    );

  const renewed = async (workspaceIds: string[]) =>
    (
      await database.prisma.subscription.findMany({
        where: { workspaceId: { in: workspaceIds }, currentPeriodEnd: { gt: new Date() } },
        select: { workspaceId: true },
      })
    ).length;

  const leaderHolders = async () =>
    Number(
      (
        await database.sql.query<{ holders: string }>(
          `SELECT count(*)::text AS holders FROM pg_locks WHERE locktype = 'advisory' AND granted AND classid = 0 AND objid = $1`,
          [LEADER_LOCK],
        )
      )[0]!.holders,
    );

  const leadsIn = (server: AppServer) => server.log().match(/\[billing run\] pid \d+ leads the billing run/g)?.length ?? 0;
  /** Subscription events the runs of one instance report doing ("done: N subscription events, …"). */
  const subscriptionEventsIn = (server: AppServer) =>
    [...server.log().matchAll(/\[billing run\] done: (\d+) subscription events/g)].reduce((sum, match) => sum + Number(match[1]), 0);

  beforeAll(async () => {
    scratch = await createScratchDatabase(process.env.TEST_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/test", "md_three");
    database = await openDatabase({ kind: "postgres", url: scratch.url }, { poolSize: 4 });
    await applyMigrations(database.sql);
    await loadCatalog(database.prisma);
    outbox = fs.mkdtempSync(path.join(os.tmpdir(), "meterdesk-three-"));
    dueAtStart = (await dueWorkspaces(6)).map((w) => w.id);
    servers = await Promise.all(
      Array.from({ length: 3 }, () =>
        startAppServer({
          databaseUrl: scratch.url,
          redisUrl: inject("redisUrl"),
          authSecret: inject("authSecret"),
          env: { METERDESK_BILLING_RUN: "on", METERDESK_BILLING_RUN_INTERVAL_MS: String(INTERVAL_MS), OUTBOX_DIR: outbox },
        }),
      ),
    );
    live = [...servers];

    const ws = await apiWorkspace(database, { now: new Date(), planCode: "payg", prepaid: 10n ** 12n });
    await noSecondLimit(ws.workspaceId);
    loadWorkspace = ws;
    load = Promise.all(
      Array.from({ length: 4 }, async () => {
        // null: the connection was cut (a call that raced the leader's shutdown); it may or may not have been charged.
        const replies: (Reply | null)[] = [];
        while (loading) replies.push(await call("/api/v1/operations", { server: next(), key: ws.secret, body: PREDICT }).catch(() => null));
        return replies;
      }),
    ).then((lanes) => lanes.flat());
  }, 120_000);

  afterAll(async () => {
    loading = false;
    await load?.catch(() => {});
    await Promise.all(servers.map((server) => server.stop()));
    for (const server of servers) if (/\[api\].*failed/.test(server.log())) console.error(`server log:\n${server.log().slice(-5000)}`);
    await database?.close();
    await scratch?.drop();
    if (outbox) fs.rmSync(outbox, { recursive: true, force: true });
  });

  it("the billing run is led by exactly one instance, which does the due renewals once", async () => {
    const due = dueAtStart;
    await expect.poll(() => renewed(due), { timeout: 30_000, interval: 250 }).toBe(due.length);

    expect(await leaderHolders()).toBe(1);
    expect(servers.map(leadsIn).sort()).toEqual([0, 0, 1]);
    const leader = servers.find((server) => leadsIn(server) === 1)!;
    for (const follower of servers.filter((server) => server !== leader)) expect(follower.log()).not.toMatch(RUN_LINE);

    // Created 45 days ago on a monthly plan: one renewal each, its plan-fee invoice, and that invoice paid once.
    const periods = await database.prisma.subscriptionPeriod.groupBy({
      by: ["workspaceId"],
      where: { workspaceId: { in: due } },
      _count: true,
    });
    expect(periods.map((p) => p._count)).toEqual(due.map(() => 2));
    // The run reports once all of its jobs are done (the emails last).
    await expect.poll(() => subscriptionEventsIn(leader), { timeout: 15_000 }).toBe(due.length);
    const invoices = await database.prisma.invoice.findMany({
      where: { workspaceId: { in: due }, kind: "PLAN_FEE" },
      select: { workspaceId: true, id: true, number: true },
    });
    expect(new Set(invoices.map((i) => i.workspaceId)).size).toBe(due.length);
    expect(new Set(invoices.map((i) => i.number)).size).toBe(invoices.length);
    await expect
      .poll(() => database.prisma.payment.count({ where: { invoiceId: { in: invoices.map((i) => i.id) }, status: "SUCCEEDED" } }), {
        timeout: 15_000,
      })
      .toBe(invoices.length);
    expect(await database.prisma.payment.count({ where: { invoiceId: { in: invoices.map((i) => i.id) } } })).toBe(invoices.length);
    expect(await database.prisma.testGatewayCharge.count({ where: { customerId: { in: due.map(testCustomerId) } } })).toBe(invoices.length);
    expect(await ledgerViolations(database.sql, due)).toEqual([]);
  });

  it("rate limits are shared: 60 calls at once round-robin on an hourly limit of 20 → exactly 20 admitted (R9.3)", async () => {
    const ws = await apiWorkspace(database, { now: new Date(), planCode: "payg", prepaid: 10n ** 12n });
    await noSecondLimit(ws.workspaceId);
    await database.prisma.$transaction((tx) =>
      setWorkspaceRateLimit(tx, {
        workspaceId: ws.workspaceId,
        window: "HOUR",
        limit: 20,
        reason: "test",
        actor: support,
        now: new Date(),
      }),
    );
    const replies = await Promise.all(
      Array.from({ length: 60 }, () => call("/api/v1/operations", { server: next(), key: ws.secret, body: PREDICT })),
    );
    expect(statuses(replies)).toEqual([...Array(20).fill(200), ...Array(40).fill(429)]);
    for (const reply of replies.filter((r) => r.status === 429)) expectThrottled(reply, "exceeded limit of 20 requests per hour");
    // Every instance refuses from now on, whichever admitted the 20.
    for (const server of live)
      expect((await call("/api/v1/operations", { server: server.url, key: ws.secret, body: PREDICT })).status).toBe(429);
    expect(await database.prisma.usageEvent.count({ where: { workspaceId: ws.workspaceId } })).toBe(20);
  });

  it("one Idempotency-Key sent to all three instances at once charges once and answers the same bytes (R9.1)", async () => {
    const ws = await apiWorkspace(database, { now: new Date(), planCode: "payg", prepaid: 10n ** 12n });
    await noSecondLimit(ws.workspaceId);
    const keys = Array.from({ length: 8 }, (_, i) => `order-${i}`);
    const sent = keys.flatMap((key) =>
      live.map((server) => call("/api/v1/operations", { server: server.url, key: ws.secret, body: TRAIN, idempotencyKey: key })),
    );
    const replies = await Promise.all(sent);
    expect(replies.every((reply) => reply.status === 200)).toBe(true);
    for (let k = 0; k < keys.length; k += 1) {
      const same = replies.slice(k * live.length, (k + 1) * live.length);
      expect(new Set(same.map((reply) => reply.text)).size).toBe(1);
    }
    expect(new Set(replies.map((reply) => reply.text)).size).toBe(keys.length);

    // One usage event and one set of ledger entries per key; the balance moved by exactly that.
    const events = await database.prisma.usageEvent.findMany({
      where: { workspaceId: ws.workspaceId },
      select: { idempotencyKey: true, credits: true },
    });
    expect(events).toHaveLength(keys.length);
    const charged = await database.prisma.ledgerEntry.findMany({
      where: { workspaceId: ws.workspaceId, reason: "USAGE" },
      select: { idempotencyKey: true, source: true },
    });
    expect(charged.map((entry) => `${entry.idempotencyKey} ${entry.source}`).sort()).toEqual(
      events.map((event) => `${event.idempotencyKey} PREPAID`).sort(),
    );
    const perCall = BigInt((replies[0]!.json as { usage: { credits: string } }).usage.credits);
    expect(events.reduce((sum, event) => sum + event.credits, 0n)).toBe(perCall * BigInt(keys.length));
    const balance = await database.prisma.creditBalance.findUniqueOrThrow({
      where: { workspaceId: ws.workspaceId },
      select: { prepaid: true },
    });
    expect(balance.prepaid).toBe(10n ** 12n - perCall * BigInt(keys.length));
    expect(await ledgerViolations(database.sql, [ws.workspaceId])).toEqual([]);
  });

  it("a revoked key is refused by all three instances, each of which had it cached (R9.1, R9.4)", async () => {
    const ws = await apiWorkspace(database, { now: new Date(), planCode: "payg", prepaid: 10n ** 12n });
    for (const server of live) {
      expect((await call("/api/v1/operations", { server: server.url, key: ws.secret, body: PREDICT })).status).toBe(200);
      expect((await call("/api/v1/balance", { server: server.url, key: ws.secret })).status).toBe(200);
    }
    await revokeApiKey(database.prisma, { workspaceId: ws.workspaceId, keyId: ws.keyId, actor: support, now: new Date() });
    await Promise.all(
      live.map(async (server) => {
        // The cached key is dropped once the database's notification reaches this instance…
        await expect
          .poll(async () => (await call("/api/v1/balance", { server: server.url, key: ws.secret })).status, { timeout: 5_000 })
          .toBe(401);
        // …and the metered call is refused as well.
        const refused = await call("/api/v1/operations", { server: server.url, key: ws.secret, body: PREDICT });
        expect([refused.status, (refused.json as { status: { code: number } }).status.code]).toEqual([401, 11001]);
      }),
    );
    expect(await database.prisma.usageEvent.count({ where: { workspaceId: ws.workspaceId } })).toBe(live.length);
  });

  it("when the leader stops, another instance takes the lead and does the work that comes due, once", async () => {
    const leader = servers.find((server) => leadsIn(server) === 1)!;
    live = live.filter((server) => server !== leader);
    await leader.stop();
    const due = (await dueWorkspaces(4)).map((w) => w.id);
    await expect.poll(() => renewed(due), { timeout: 30_000, interval: 250 }).toBe(due.length);

    expect(await leaderHolders()).toBe(1);
    const successors = live.filter((server) => leadsIn(server) === 1);
    expect(successors).toHaveLength(1);
    expect(live.filter((server) => leadsIn(server) === 0)).toHaveLength(1);
    await expect.poll(() => subscriptionEventsIn(successors[0]!), { timeout: 15_000 }).toBe(due.length);
    const periods = await database.prisma.subscriptionPeriod.groupBy({
      by: ["workspaceId"],
      where: { workspaceId: { in: due } },
      _count: true,
    });
    expect(periods.map((p) => p._count)).toEqual(due.map(() => 2));

    // At no time did two instances run: each instance ran only while it led, and the leads did not overlap.
    for (const server of servers) {
      let leading = false;
      for (const line of server.log().split("\n")) {
        if (/\[billing run\] pid \d+ leads/.test(line)) leading = true;
        else if (/\[billing run\] pid \d+ no longer leads/.test(line)) leading = false;
        else if (RUN_LINE.test(line)) expect(leading, line).toBe(true);
      }
    }
  });

  it("the load spread over the instances all along was charged once per call", async () => {
    await sleep(500);
    loading = false;
    const all = await load;
    const replies = all.filter((reply) => reply !== null);
    const cut = all.length - replies.length;
    expect(replies.length).toBeGreaterThan(50);
    expect(cut).toBeLessThanOrEqual(4);
    expect(replies.filter((reply) => reply.status !== 200).map((reply) => reply.text)).toEqual([]);
    const events = await database.prisma.usageEvent.count({ where: { workspaceId: loadWorkspace.workspaceId } });
    expect(events).toBeGreaterThanOrEqual(replies.length);
    expect(events).toBeLessThanOrEqual(all.length);
    expect(await ledgerViolations(database.sql)).toEqual([]);
  });
});
