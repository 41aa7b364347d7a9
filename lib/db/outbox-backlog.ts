import "server-only";

// The email outbox's backlog for the metrics (docs/OPERATIONS.md): unsent rows
// still to be tried, those given up, and the age of the oldest one waiting.
// One aggregate over the unsent rows (the index on "sentAt"), read at scrape time.
import type { PrismaClient } from "@/lib/db";
import type { OutboxBacklog } from "@/lib/metrics";
import { MAX_ATTEMPTS } from "./notices";

export async function readOutboxBacklog(prisma: PrismaClient, now: Date): Promise<OutboxBacklog> {
  const [row] = await prisma.$queryRaw<{ pending: bigint; givenUp: bigint; oldest: Date | null }[]>`
    SELECT count(*) FILTER (WHERE "attempts" < ${MAX_ATTEMPTS}) AS "pending",
      count(*) FILTER (WHERE "attempts" >= ${MAX_ATTEMPTS}) AS "givenUp",
      min("createdAt") FILTER (WHERE "attempts" < ${MAX_ATTEMPTS}) AS "oldest"
    FROM "NotificationOutbox" WHERE "sentAt" IS NULL`;
  const oldest = row?.oldest ?? null;
  return {
    pending: Number(row?.pending ?? 0),
    givenUp: Number(row?.givenUp ?? 0),
    oldestPendingSeconds: oldest ? Math.max(0, (now.getTime() - oldest.getTime()) / 1000) : 0,
  };
}
