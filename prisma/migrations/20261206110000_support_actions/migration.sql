-- Support actions (R11): a key per previewed action on its audit row (a
-- double submit applies once), and percentage discounts on the next N
-- subscription invoices.

-- AlterTable
ALTER TABLE "AuditLog" ADD COLUMN "idempotencyKey" TEXT;

-- CreateTable
CREATE TABLE "WorkspaceDiscount" (
    "workspaceId" UUID NOT NULL,
    "id" UUID NOT NULL,
    "percent" INTEGER NOT NULL,
    "invoices" INTEGER NOT NULL,
    "invoicesRemaining" INTEGER NOT NULL,
    "reason" TEXT NOT NULL,
    "createdById" UUID,
    "createdAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "WorkspaceDiscount_pkey" PRIMARY KEY ("workspaceId","id")
);

-- CreateIndex
CREATE UNIQUE INDEX "AuditLog_workspaceId_idempotencyKey_key" ON "AuditLog"("workspaceId", "idempotencyKey");

-- CreateIndex
CREATE INDEX "WorkspaceDiscount_workspaceId_invoicesRemaining_idx" ON "WorkspaceDiscount"("workspaceId", "invoicesRemaining");

-- AddForeignKey
ALTER TABLE "WorkspaceDiscount" ADD CONSTRAINT "WorkspaceDiscount_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace"("id") ON DELETE CASCADE ON UPDATE CASCADE;
