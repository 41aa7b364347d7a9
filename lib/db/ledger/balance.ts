import "server-only";

// A workspace's balances by source, as the API and the dashboard show them.
import type { PrismaClient } from "@/lib/generated/prisma/client";
import type { BalanceSnapshot } from "./debit-types";

export async function readBalanceSnapshot(prisma: PrismaClient, workspaceId: string, at: Date): Promise<BalanceSnapshot> {
  const [balance, packages] = await Promise.all([
    prisma.creditBalance.findUniqueOrThrow({
      where: { workspaceId },
      select: { included: true, includedExpiresAt: true, prepaid: true, flexUsed: true },
    }),
    prisma.packagePurchase.findMany({
      where: { workspaceId, status: "ACTIVE", expiresAt: { gt: at }, remainingOperations: { gt: 0n } },
      orderBy: { expiresAt: "asc" },
      select: { id: true, remainingOperations: true, expiresAt: true, operationType: { select: { code: true } } },
    }),
  ]);
  const includedLive = balance.includedExpiresAt === null || balance.includedExpiresAt > at;
  return {
    included: includedLive ? balance.included : 0n,
    includedExpiresAt: balance.includedExpiresAt,
    prepaid: balance.prepaid,
    flexUsed: balance.flexUsed,
    packages: packages.map((p) => ({
      id: p.id,
      operationType: p.operationType.code,
      remainingOperations: p.remainingOperations,
      expiresAt: p.expiresAt,
    })),
  };
}
