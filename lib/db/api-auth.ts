import "server-only";

// The API's per-request lookup: the key by its visible prefix, with the
// workspace's rate limits (the plan's, overridden per workspace by support,
// R9.3) in the same round trip. The API caches what this returns
// (lib/api/key-lookup.ts); triggers notify API_AUTH_CHANNEL whenever it would
// return something else.
import type { PrismaClient } from "@/lib/generated/prisma/client";
import type { SqlRunner } from "./connect";
import type { Tx } from "@/lib/db";
import { writeAudit, type Actor } from "./audit";
import { pgArray } from "@/lib/db/sql-array";

/** Notified with a workspace id ('*' for all) when a key or a limit changes (migration api_auth_notify). */
export const API_AUTH_CHANNEL = "meterdesk_api_auth";

export interface KeyWithLimits {
  workspaceId: string;
  keyId: string;
  secretHash: string;
  revoked: boolean;
  perSecond: number | null;
  perHour: number | null;
}

/** Raw SQL on the driver, not through Prisma: this runs on every API call. */
export async function findKeyWithLimits(sql: SqlRunner, prefix: string): Promise<KeyWithLimits | null> {
  const rows = await sql.query<KeyWithLimits>(
    `SELECT k."workspaceId"::text AS "workspaceId", k."id"::text AS "keyId", k."secretHash", (k."revokedAt" IS NOT NULL) AS "revoked",
            COALESCE(os."limit", ps."limit") AS "perSecond", COALESCE(oh."limit", ph."limit") AS "perHour"
     FROM "ApiKey" k
     LEFT JOIN "Subscription" s ON s."workspaceId" = k."workspaceId" AND s."status" = 'ACTIVE'
     LEFT JOIN "PlanRateLimit" ps ON ps."planId" = s."planId" AND ps."window" = 'SECOND'
     LEFT JOIN "PlanRateLimit" ph ON ph."planId" = s."planId" AND ph."window" = 'HOUR'
     LEFT JOIN "WorkspaceRateLimit" os ON os."workspaceId" = k."workspaceId" AND os."window" = 'SECOND'
     LEFT JOIN "WorkspaceRateLimit" oh ON oh."workspaceId" = k."workspaceId" AND oh."window" = 'HOUR'
     WHERE k."prefix" = $1
     LIMIT 1`,
    [prefix],
  );
  return rows[0] ?? null;
}

export interface CustomRateLimit {
  workspaceId: string;
  window: "SECOND" | "HOUR";
  limit: number | null;
  reason: string;
  actor: Actor;
  now: Date;
}

/** R9.3 / R11: support sets a custom limit for one workspace (null removes it), audited. */
export async function setWorkspaceRateLimit(tx: Tx, input: CustomRateLimit): Promise<void> {
  await writeWorkspaceRateLimit(tx, input);
  await writeAudit(tx, {
    workspaceId: input.workspaceId,
    actor: input.actor,
    action: "rate_limit.set",
    reason: input.reason,
    detail: { window: input.window, limit: input.limit },
    now: input.now,
  });
}

/** The limit row alone; the caller writes the audit row (the support console's previewed action does, with before and after). */
export async function writeWorkspaceRateLimit(tx: Tx, input: CustomRateLimit): Promise<void> {
  if (input.limit === null) {
    await tx.workspaceRateLimit.deleteMany({ where: { workspaceId: input.workspaceId, window: input.window } });
  } else {
    await tx.workspaceRateLimit.upsert({
      where: { workspaceId_window: { workspaceId: input.workspaceId, window: input.window } },
      create: {
        workspaceId: input.workspaceId,
        window: input.window,
        limit: input.limit,
        reason: input.reason,
        setById: input.actor.id,
        createdAt: input.now,
      },
      update: { limit: input.limit, reason: input.reason, setById: input.actor.id, createdAt: input.now },
    });
  }
}

/** Flushes the API's in-memory counters: refused calls per minute and reason, keys' last use. */
export async function recordApiActivity(
  prisma: PrismaClient,
  refusals: { workspaceId: string; minute: Date; reason: string; count: number }[],
  keysUsed: { workspaceId: string; keyId: string; at: Date }[],
): Promise<void> {
  if (refusals.length > 0) {
    await prisma.$executeRaw`
      INSERT INTO "RefusedCallMinute" ("workspaceId", "minute", "reason", "count")
      SELECT * FROM unnest(${pgArray(refusals.map((r) => r.workspaceId))}::uuid[], ${pgArray(refusals.map((r) => r.minute.toISOString()))}::timestamp[],
                           ${pgArray(refusals.map((r) => r.reason))}::text[], ${pgArray(refusals.map((r) => r.count))}::int[])
      ON CONFLICT ("workspaceId", "minute", "reason") DO UPDATE SET "count" = "RefusedCallMinute"."count" + EXCLUDED."count"`;
  }
  if (keysUsed.length > 0) {
    await prisma.$executeRaw`
      UPDATE "ApiKey" AS k SET "lastUsedAt" = GREATEST(COALESCE(k."lastUsedAt", v."at"), v."at")
      FROM unnest(${pgArray(keysUsed.map((k) => k.workspaceId))}::uuid[], ${pgArray(keysUsed.map((k) => k.keyId))}::uuid[], ${pgArray(keysUsed.map((k) => k.at.toISOString()))}::timestamp[])
        AS v("workspaceId", "id", "at")
      WHERE k."workspaceId" = v."workspaceId" AND k."id" = v."id"`;
  }
}
