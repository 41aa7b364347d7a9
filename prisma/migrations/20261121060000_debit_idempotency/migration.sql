-- AlterEnum
ALTER TYPE "LedgerReason" ADD VALUE 'SETTLEMENT';

-- AlterTable
ALTER TABLE "UsageEvent" ADD COLUMN     "idempotencyKey" TEXT NOT NULL;

-- CreateIndex
CREATE UNIQUE INDEX "UsageEvent_workspaceId_idempotencyKey_key" ON "UsageEvent"("workspaceId", "idempotencyKey");
