import "server-only";

// A bought package's settings (R6.3): auto-renewal on or off, and renewing by
// hand. Renewing now means buying another of the same package at once: it is
// paid upfront, takes effect now and stacks with the one still running (R6.2:
// usage draws on the one that expires first); the running one keeps its quota
// and its expiry (R6.1: validity is never extended). Both are refused while
// the account is in arrears (R8.3), except switching auto-renewal off.
import { arrearsRefusal } from "@/lib/billing/arrears";
import type { BillingState } from "@/lib/billing/flex";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { writeAudit, type Actor } from "@/lib/db/audit";
import type { PaymentGateway } from "@/lib/payments/gateway";
import { buyPackage } from "@/lib/payments/packages";
import { PaymentRefused } from "@/lib/payments/top-ups";

export interface AutoRenewChange {
  workspaceId: string;
  purchaseId: string;
  autoRenew: boolean;
  actor: Actor;
  now: Date;
}

async function findPurchase(prisma: PrismaClient, workspaceId: string, purchaseId: string) {
  const purchase = await prisma.packagePurchase.findUnique({
    where: { workspaceId_id: { workspaceId, id: purchaseId } },
    select: { id: true, status: true, expiresAt: true, autoRenew: true, package: { select: { code: true, name: true } } },
  });
  if (!purchase) throw new PaymentRefused("This package is not one of this workspace's packages.");
  return purchase;
}

/** Switches auto-renewal of an active package; the same state twice changes nothing and writes one audit row. */
export async function setPackageAutoRenew(
  prisma: PrismaClient,
  change: AutoRenewChange,
): Promise<{ autoRenew: boolean; changed: boolean }> {
  const { workspaceId, purchaseId, autoRenew, now } = change;
  const purchase = await findPurchase(prisma, workspaceId, purchaseId);
  if (purchase.status === "EXPIRED" || purchase.expiresAt.getTime() <= now.getTime())
    throw new PaymentRefused("This package has expired. Buy a new one instead.");
  if (autoRenew) {
    const workspace = await prisma.workspace.findUniqueOrThrow({ where: { id: workspaceId }, select: { billingState: true } });
    const refusal = arrearsRefusal(workspace.billingState as BillingState, "renew_package");
    if (refusal) throw new PaymentRefused(refusal);
  }
  return prisma.$transaction(async (tx) => {
    const updated = await tx.packagePurchase.updateMany({
      where: { workspaceId, id: purchaseId, autoRenew: !autoRenew },
      data: { autoRenew },
    });
    if (updated.count === 0) return { autoRenew, changed: false };
    await writeAudit(tx, {
      workspaceId,
      actor: change.actor,
      action: autoRenew ? "package.auto_renew_on" : "package.auto_renew_off",
      detail: { purchase: purchaseId, package: purchase.package.code },
      now,
    });
    return { autoRenew, changed: true };
  });
}

export interface RenewRequest {
  workspaceId: string;
  purchaseId: string;
  requestId: string;
  actor: Actor;
  now: Date;
  creditsPerUsd: bigint;
}

/** Renews now: another of the same package, bought at once (see the top of the file). */
export async function renewPackageNow(prisma: PrismaClient, gateway: PaymentGateway, request: RenewRequest) {
  const purchase = await findPurchase(prisma, request.workspaceId, request.purchaseId);
  const workspace = await prisma.workspace.findUniqueOrThrow({ where: { id: request.workspaceId }, select: { billingState: true } });
  const refusal = arrearsRefusal(workspace.billingState as BillingState, "renew_package");
  if (refusal) throw new PaymentRefused(refusal);
  return buyPackage(prisma, gateway, {
    workspaceId: request.workspaceId,
    packageCode: purchase.package.code,
    // The running package keeps renewing if it did; the new one does not, or both would renew.
    autoRenew: false,
    requestId: request.requestId,
    actor: request.actor,
    now: request.now,
    creditsPerUsd: request.creditsPerUsd,
  });
}
