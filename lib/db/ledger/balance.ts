import "server-only";

// A workspace's balances by source at an instant, as the metering API
// reports them (R9.2, R9.5): the stored rows through the engine's one rule
// for what is live (lib/billing/balances.ts), as the debit decision and the
// dashboard read them.
import { balanceSnapshot, type BalanceSnapshot } from "@/lib/billing/balances";
import type { PrismaClient } from "@/lib/generated/prisma/client";

export async function readBalanceSnapshot(prisma: PrismaClient, workspaceId: string, at: Date): Promise<BalanceSnapshot> {
  const [balance, packages] = await Promise.all([
    prisma.creditBalance.findUniqueOrThrow({
      where: { workspaceId },
      select: { included: true, includedExpiresAt: true, prepaid: true, flexUsed: true },
    }),
    prisma.packagePurchase.findMany({
      where: { workspaceId, status: "ACTIVE" },
      select: { id: true, remainingOperations: true, expiresAt: true, operationType: { select: { code: true } } },
    }),
  ]);
  return balanceSnapshot(balance, packages, at, (pkg) => pkg.operationType.code);
}
