import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { Database } from "@/lib/db/connect";
import { setWorkspaceRateLimit } from "@/lib/db/api-auth";
import { startAppServer, type AppServer } from "../../scripts/lib/app-server";
import { apiWorkspace, baseUrl, call, serverDatabase } from "./client";
import { hourly, sixteenAtOnce, twentySpaced } from "./rate-limit-cases";

// R9.3 through real HTTP on PostgreSQL + Redis: the suite's server
// (tests/http/global-setup.ts) and a second app instance on the same database
// and the same Redis, as a deployment with two instances behind a balancer.
const NOW = new Date();
const support = { id: null, email: "support@test.dev", role: "SUPPORT" };

describe("rate limits over HTTP on PostgreSQL + Redis, shared by two app instances", () => {
  let database: Database;
  let second: AppServer;
  const one = () => [baseUrl()];
  const both = () => [baseUrl(), second.url];

  beforeAll(async () => {
    database = await serverDatabase();
    second = await startAppServer({ databaseUrl: inject("databaseUrl"), redisUrl: inject("redisUrl") });
  }, 90_000);

  afterAll(async () => {
    await second?.stop();
    await database?.close();
  });

  const growth = () => apiWorkspace(database, { now: NOW, planCode: "growth_monthly" });

  it("16 calls sent at once on a cold key → exactly 15 × 200 and 1 × 429 with the exact body and Retry-After (R9.3)", async () => {
    await sixteenAtOnce(one(), (await growth()).secret);
  });

  it("20 calls spaced 25 ms apart → exactly 15 admitted (R9.3: at most 15 in any rolling second)", async () => {
    await twentySpaced(one(), (await growth()).secret);
  });

  it("the hourly limit holds over the rolling hour, past the per-second window (R9.3, R11 support override)", async () => {
    const ws = await apiWorkspace(database, { now: NOW, planCode: "payg", prepaid: 10n ** 12n });
    await database.prisma.$transaction((tx) =>
      setWorkspaceRateLimit(tx, { workspaceId: ws.workspaceId, window: "HOUR", limit: 20, reason: "test", actor: support, now: NOW }),
    );
    await hourly(one(), ws.secret);
  });

  it("two instances share the limit: 16 calls split across them → exactly one 429; 20 spaced across them → 15 (R9.3)", async () => {
    await sixteenAtOnce(both(), (await growth()).secret);
    await twentySpaced(both(), (await growth()).secret);
  });

  it("two instances share the hourly limit (R9.3)", async () => {
    const ws = await apiWorkspace(database, { now: NOW, planCode: "payg", prepaid: 10n ** 12n });
    await database.prisma.$transaction((tx) =>
      setWorkspaceRateLimit(tx, { workspaceId: ws.workspaceId, window: "HOUR", limit: 20, reason: "test", actor: support, now: NOW }),
    );
    await hourly(both(), ws.secret);
  });

  it("a key revoked in the shared database is refused by both instances, though both had it cached (R9.1, R9.4)", async () => {
    const ws = await growth();
    for (const server of both()) {
      expect((await call("/api/v1/operations", { server, key: ws.secret, body: { type: "predict", inputs: 1 } })).status).toBe(200);
      expect((await call("/api/v1/balance", { server, key: ws.secret })).status).toBe(200);
    }
    await database.prisma.apiKey.update({
      where: { workspaceId_id: { workspaceId: ws.workspaceId, id: ws.keyId } },
      data: { revokedAt: new Date() },
    });
    for (const server of [second.url, baseUrl()]) {
      // Metered calls: refused at once (the debit checks the key again)…
      const refused = await call("/api/v1/operations", { server, key: ws.secret, body: { type: "predict", inputs: 1 } });
      expect([refused.status, (refused.json as { status: { code: number } }).status.code]).toEqual([401, 11001]);
      // …and the cached key itself is dropped once the database's notification arrives.
      await expect.poll(async () => (await call("/api/v1/balance", { server, key: ws.secret })).status, { timeout: 5_000 }).toBe(401);
    }
    expect(await database.prisma.usageEvent.count({ where: { workspaceId: ws.workspaceId } })).toBe(2);
  });
});
