-- Payments (R7, R8.3–R8.5, R13): charges of the card on file, the built-in
-- test gateway's cards and charges, invoice collection, notice preferences.

-- CreateEnum
CREATE TYPE "PaymentKind" AS ENUM ('INVOICE', 'TOP_UP', 'AUTO_TOP_UP');

-- CreateEnum
CREATE TYPE "PaymentStatus" AS ENUM ('PENDING', 'REQUIRES_ACTION', 'SUCCEEDED', 'FAILED');

-- AlterTable
ALTER TABLE "Workspace" ADD COLUMN     "autoTopUpArmed" BOOLEAN NOT NULL DEFAULT true;

-- AlterTable
ALTER TABLE "Invoice" ADD COLUMN     "collectionAttempts" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "firstFailedAt" TIMESTAMP(3),
ADD COLUMN     "lastPaymentError" TEXT,
ADD COLUMN     "nextCollectionAt" TIMESTAMP(3);

-- AlterTable
ALTER TABLE "NotificationOutbox" ADD COLUMN     "nextAttemptAt" TIMESTAMP(3),
ADD COLUMN     "userId" UUID;

-- CreateTable
CREATE TABLE "NotificationPreference" (
    "workspaceId" UUID NOT NULL,
    "userId" UUID NOT NULL,
    "kind" TEXT NOT NULL,
    "enabled" BOOLEAN NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "NotificationPreference_pkey" PRIMARY KEY ("workspaceId","userId","kind")
);

-- CreateTable
CREATE TABLE "Payment" (
    "workspaceId" UUID NOT NULL,
    "id" UUID NOT NULL,
    "kind" "PaymentKind" NOT NULL,
    "status" "PaymentStatus" NOT NULL DEFAULT 'PENDING',
    "amountCents" INTEGER NOT NULL,
    "credits" BIGINT,
    "invoiceId" UUID,
    "gateway" TEXT NOT NULL,
    "paymentMethodId" UUID,
    "externalId" TEXT,
    "idempotencyKey" TEXT NOT NULL,
    "failureCode" TEXT,
    "failureMessage" TEXT,
    "actionUrl" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL,
    "settledAt" TIMESTAMP(3),

    CONSTRAINT "Payment_pkey" PRIMARY KEY ("workspaceId","id")
);

-- CreateTable
CREATE TABLE "TestGatewayCard" (
    "id" TEXT NOT NULL,
    "customerId" TEXT NOT NULL,
    "brand" TEXT NOT NULL,
    "last4" TEXT NOT NULL,
    "expMonth" INTEGER NOT NULL,
    "expYear" INTEGER NOT NULL,
    "behaviour" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "TestGatewayCard_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "TestGatewayCharge" (
    "id" TEXT NOT NULL,
    "idempotencyKey" TEXT NOT NULL,
    "cardId" TEXT NOT NULL,
    "customerId" TEXT NOT NULL,
    "amountCents" INTEGER NOT NULL,
    "status" TEXT NOT NULL,
    "failureCode" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "TestGatewayCharge_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Invoice_nextCollectionAt_idx" ON "Invoice"("nextCollectionAt");

-- CreateIndex
CREATE INDEX "Payment_status_createdAt_idx" ON "Payment"("status", "createdAt");

-- CreateIndex
CREATE INDEX "Payment_workspaceId_invoiceId_idx" ON "Payment"("workspaceId", "invoiceId");

-- CreateIndex
CREATE UNIQUE INDEX "Payment_workspaceId_idempotencyKey_key" ON "Payment"("workspaceId", "idempotencyKey");

-- CreateIndex
CREATE UNIQUE INDEX "Payment_gateway_externalId_key" ON "Payment"("gateway", "externalId");

-- CreateIndex
CREATE INDEX "TestGatewayCard_customerId_idx" ON "TestGatewayCard"("customerId");

-- CreateIndex
CREATE UNIQUE INDEX "TestGatewayCharge_idempotencyKey_key" ON "TestGatewayCharge"("idempotencyKey");

-- AddForeignKey
ALTER TABLE "NotificationPreference" ADD CONSTRAINT "NotificationPreference_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Payment" ADD CONSTRAINT "Payment_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace"("id") ON DELETE CASCADE ON UPDATE CASCADE;
