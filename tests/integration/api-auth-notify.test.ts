// The API's key cache is only as good as its invalidations (R9.1: a revoked
// key stops at once; R9.3 / R11: a new limit applies at once). Every change
// that alters what the key lookup returns must notify the workspace on
// API_AUTH_CHANNEL when it commits, whatever path made it; a cache wired to
// the real listener must then answer with the new state.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KeyCache } from "@/lib/api/key-cache";
import { API_AUTH_CHANNEL, findKeyWithLimits, recordApiActivity, setWorkspaceRateLimit, type KeyWithLimits } from "@/lib/db/api-auth";
import { createApiKey, revokeApiKey } from "@/lib/db/api-keys";
import { changePlan } from "@/lib/db/billing/plan-changes";
import { createTestDatabase, type TestDatabase } from "../helpers/test-db";
import { loadCatalog, makeWorkspace } from "../helpers/factories";

const NOW = new Date("2027-04-02T09:00:00.000Z");
const support = { id: null, email: "support@test.dev", role: "SUPPORT" };

async function eventually(check: () => boolean | Promise<boolean>, what: string) {
  const deadline = Date.now() + 5_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe("API key and limit changes notify the app's caches (R9.1, R9.3, R11)", () => {
  let database: TestDatabase;
  const received: string[] = [];
  let listening = false;
  let stop: () => Promise<void>;

  beforeAll(async () => {
    database = await createTestDatabase();
    await loadCatalog(database.prisma);
    stop = await database.listen(API_AUTH_CHANNEL, { message: (payload) => received.push(payload), listening: (on) => (listening = on) });
  }, 60_000);

  afterAll(async () => {
    await stop?.();
    await database?.close();
  });

  async function workspaceWithKey(planCode = "growth_monthly") {
    const workspace = await makeWorkspace(database.prisma, { now: NOW, planCode });
    const owner = await database.prisma.membership.findFirstOrThrow({
      where: { workspaceId: workspace.id, role: "OWNER" },
      select: { user: { select: { id: true, email: true } } },
    });
    const actor = { id: owner.user.id, email: owner.user.email, role: "OWNER" };
    const key = await createApiKey(database.prisma, { workspaceId: workspace.id, name: "gateway", actor, now: NOW });
    return { workspaceId: workspace.id, key, actor };
  }

  /**
   * Runs `change` and returns what `log`'s listener heard because of it: a
   * marker notified after the change closes the window (notifications reach
   * each listening connection in commit order, each connection at its own pace).
   */
  async function notifiedBy(change: () => Promise<unknown>, log: string[] = received): Promise<string[]> {
    const marker = `marker-${Math.random()}`;
    const from = log.length;
    await change();
    await database.sql.query("SELECT pg_notify($1, $2)", [API_AUTH_CHANNEL, marker]);
    await eventually(() => log.includes(marker), "the marker notification");
    return log.slice(from, log.indexOf(marker));
  }

  it("is listening", () => {
    expect(listening).toBe(true);
  });

  it("a revoked key, a support override and an upgrade (new plan limits at once) notify their workspace; a plan's own limits notify every workspace", async () => {
    const { workspaceId, key, actor } = await workspaceWithKey("starter_monthly");
    expect(await notifiedBy(() => revokeApiKey(database.prisma, { workspaceId, keyId: key.id, actor, now: NOW }))).toContain(workspaceId);
    expect(
      await notifiedBy(() =>
        database.prisma.$transaction((tx) =>
          setWorkspaceRateLimit(tx, { workspaceId, window: "SECOND", limit: 40, reason: "launch", actor: support, now: NOW }),
        ),
      ),
    ).toContain(workspaceId);
    expect(
      await notifiedBy(() =>
        changePlan(database.prisma, { workspaceId, toPlanCode: "growth_monthly", at: NOW, creditsPerUsd: 2_000_000n, actor }),
      ),
    ).toContain(workspaceId);
    expect(await notifiedBy(() => database.sql.query(`UPDATE "PlanRateLimit" SET "limit" = "limit" WHERE "window" = 'HOUR'`))).toContain(
      "*",
    );
  });

  it("a rolled-back change notifies nothing, and neither does recording a key's last use", async () => {
    const { workspaceId, key } = await workspaceWithKey();
    const rolledBack = await notifiedBy(() =>
      database.prisma
        .$transaction(async (tx) => {
          await tx.apiKey.update({ where: { workspaceId_id: { workspaceId, id: key.id } }, data: { revokedAt: NOW } });
          throw new Error("changed my mind");
        })
        .catch(() => {}),
    );
    expect(rolledBack).toEqual([]);
    expect(await notifiedBy(() => recordApiActivity(database.prisma, [], [{ workspaceId, keyId: key.id, at: NOW }]))).toEqual([]);
  });

  it("a cache on the listener answers a revocation and an override made by plain SQL (another process) right after they commit", async () => {
    const cache = new KeyCache<KeyWithLimits>((prefix) => findKeyWithLimits(database.sql, prefix));
    const heard: string[] = [];
    const stopCache = await database.listen(API_AUTH_CHANNEL, {
      message: (id) => {
        heard.push(id);
        cache.invalidate(id);
      },
      listening: (on) => cache.setListening(on),
    });
    try {
      const { workspaceId, key } = await workspaceWithKey();
      expect(await cache.get(key.prefix)).toMatchObject({ workspaceId, revoked: false, perSecond: 15 });
      expect(cache.size).toBe(1);

      await notifiedBy(
        () =>
          database.sql.query(
            `INSERT INTO "WorkspaceRateLimit" ("workspaceId", "window", "limit", "reason") VALUES ($1::uuid, 'SECOND', 99, 'sql')`,
            [workspaceId],
          ),
        heard,
      );
      expect(await cache.get(key.prefix)).toMatchObject({ perSecond: 99 });

      await notifiedBy(
        () => database.sql.query(`UPDATE "ApiKey" SET "revokedAt" = now() WHERE "workspaceId" = $1::uuid`, [workspaceId]),
        heard,
      );
      expect(await cache.get(key.prefix)).toMatchObject({ revoked: true });
    } finally {
      await stopCache();
    }
  });
});
