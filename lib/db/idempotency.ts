import "server-only";

// Idempotency keys of the metering API (R9.1): a key is kept 24 h per
// workspace with the hash of its request and, once answered, the exact
// response. After 24 h the key is a new request, whether or not the billing
// run has purged it yet. The charge itself is protected separately (the debit is keyed),
// so a crash between charging and storing the response cannot charge twice.
import type { PrismaClient } from "@/lib/generated/prisma/client";

export const IDEMPOTENCY_TTL_MS = 24 * 3_600_000;

export type Claim =
  /** `since` names this use of the key: after 24 h the same key is a new request. */
  | { kind: "new"; since: Date }
  | { kind: "mismatch" }
  | { kind: "answered"; status: number; body: string }
  /** Claimed earlier but not answered (in flight, or the process died): go on; the debit is keyed. */
  | { kind: "pending"; since: Date };

export async function claimIdempotencyKey(
  prisma: PrismaClient,
  input: { workspaceId: string; key: string; requestHash: string; now: Date },
): Promise<Claim> {
  const expiresAt = new Date(input.now.getTime() + IDEMPOTENCY_TTL_MS);
  // Insert, or take over a key whose 24 hours are over.
  const claimed = await prisma.$queryRaw<{ inserted: boolean }[]>`
    INSERT INTO "IdempotencyKey" ("workspaceId", "key", "requestHash", "createdAt", "expiresAt")
    VALUES (${input.workspaceId}::uuid, ${input.key}, ${input.requestHash}, ${input.now}, ${expiresAt})
    ON CONFLICT ("workspaceId", "key") DO UPDATE
      SET "requestHash" = EXCLUDED."requestHash", "createdAt" = EXCLUDED."createdAt", "expiresAt" = EXCLUDED."expiresAt",
          "responseStatus" = NULL, "responseBody" = NULL
      WHERE "IdempotencyKey"."expiresAt" <= ${input.now}
    RETURNING true AS inserted`;
  if (claimed.length > 0) return { kind: "new", since: input.now };
  const existing = await prisma.idempotencyKey.findUnique({
    where: { workspaceId_key: { workspaceId: input.workspaceId, key: input.key } },
    select: { requestHash: true, responseStatus: true, responseBody: true, createdAt: true },
  });
  if (!existing) return { kind: "new", since: input.now };
  if (existing.requestHash !== input.requestHash) return { kind: "mismatch" };
  if (existing.responseStatus !== null && existing.responseBody !== null) {
    return { kind: "answered", status: existing.responseStatus, body: existing.responseBody };
  }
  return { kind: "pending", since: existing.createdAt };
}

/**
 * Stores the response unless another request with the same key stored one
 * first; returns the response that is now the key's answer, byte for byte.
 */
export async function storeIdempotentResponse(
  prisma: PrismaClient,
  input: { workspaceId: string; key: string; status: number; body: string },
): Promise<{ status: number; body: string }> {
  const stored = await prisma.idempotencyKey.updateMany({
    where: { workspaceId: input.workspaceId, key: input.key, responseBody: null },
    data: { responseStatus: input.status, responseBody: input.body },
  });
  if (stored.count === 1) return { status: input.status, body: input.body };
  const first = await prisma.idempotencyKey.findUnique({
    where: { workspaceId_key: { workspaceId: input.workspaceId, key: input.key } },
    select: { responseStatus: true, responseBody: true },
  });
  return first?.responseBody != null && first.responseStatus != null
    ? { status: first.responseStatus, body: first.responseBody }
    : { status: input.status, body: input.body };
}

/**
 * Forgets the keys whose 24 hours are over, as of `now` (the billing run,
 * R8.6): set-based, at most `chunk` rows per statement so that no statement
 * holds many locks or runs long. A key claimed again meanwhile has a new
 * expiry and is kept (the expiry is checked again on the row deleted).
 * Returns how many were removed.
 */
export async function purgeExpiredIdempotencyKeys(prisma: PrismaClient, now: Date, chunk = 10_000): Promise<number> {
  let removed = 0;
  for (;;) {
    const [result] = await prisma.$queryRaw<{ selected: bigint; deleted: bigint }[]>`
      WITH expired AS (
        SELECT "workspaceId", "key" FROM "IdempotencyKey" WHERE "expiresAt" <= ${now} ORDER BY "expiresAt" LIMIT ${chunk}
      ), deleted AS (
        DELETE FROM "IdempotencyKey" AS k USING expired AS e
        WHERE k."workspaceId" = e."workspaceId" AND k."key" = e."key" AND k."expiresAt" <= ${now}
        RETURNING 1
      )
      SELECT (SELECT COUNT(*) FROM expired)::bigint AS selected, (SELECT COUNT(*) FROM deleted)::bigint AS deleted`;
    removed += Number(result?.deleted ?? 0n);
    if (Number(result?.selected ?? 0n) < chunk) return removed;
  }
}
