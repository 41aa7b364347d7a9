-- Guardrails the customer sets (R14): the included-usage alert switch, the
-- workspace's notification list, and the index the spend cap's count of this
-- period's auto top-ups reads.

-- AlterTable
ALTER TABLE "Workspace" ADD COLUMN "alertIncludedUsage" BOOLEAN NOT NULL DEFAULT false;

-- CreateTable
CREATE TABLE "WorkspaceNotification" (
    "workspaceId" UUID NOT NULL,
    "id" UUID NOT NULL,
    "dedupeKey" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "subject" TEXT NOT NULL,
    "summary" TEXT NOT NULL,
    "linkPath" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "WorkspaceNotification_pkey" PRIMARY KEY ("workspaceId","id")
);

-- CreateIndex
CREATE UNIQUE INDEX "WorkspaceNotification_workspaceId_dedupeKey_key" ON "WorkspaceNotification"("workspaceId", "dedupeKey");

-- CreateIndex
CREATE INDEX "WorkspaceNotification_workspaceId_createdAt_idx" ON "WorkspaceNotification"("workspaceId", "createdAt");

-- CreateIndex
CREATE INDEX "Payment_workspaceId_kind_createdAt_idx" ON "Payment"("workspaceId", "kind", "createdAt");

-- AddForeignKey
ALTER TABLE "WorkspaceNotification" ADD CONSTRAINT "WorkspaceNotification_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- The notices sent before this list existed, one row per event (the outbox holds one per recipient).
INSERT INTO "WorkspaceNotification" ("workspaceId", "id", "dedupeKey", "kind", "subject", "summary", "linkPath", "createdAt")
SELECT DISTINCT ON (o."workspaceId", e."key") o."workspaceId", o."id", e."key", o."kind", o."subject", '', '', o."createdAt"
FROM "NotificationOutbox" o
CROSS JOIN LATERAL (
    SELECT CASE WHEN o."userId" IS NOT NULL AND right(o."dedupeKey", 37) = ':' || o."userId"::text
                THEN left(o."dedupeKey", -37) ELSE o."dedupeKey" END AS "key"
) e
ORDER BY o."workspaceId", e."key", o."createdAt";
