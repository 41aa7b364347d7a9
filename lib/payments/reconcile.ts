import "server-only";

// Reconciliation (R8.6): every payment whose answer never arrived — the
// server stopped between the charge and its settlement, a webhook was lost,
// a charge is still processing — is asked again. A pending payment is sent
// again with its own idempotency key, which the gateway answers with the
// charge it already made (or makes it, once); the answer is settled once.
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { applyChargeResult } from "@/lib/db/payments/settle";
import { customerOf, gatewayKey } from "./charge";
import type { ChargeResult, PaymentGateway } from "./gateway";

/** How long a payment may stay unanswered before the reconciliation asks (a request still in flight is left alone). */
export const RECONCILE_AFTER_MS = 60_000;

export async function reconcilePayments(
  prisma: PrismaClient,
  gateway: PaymentGateway,
  now: Date,
  options: { creditsPerUsd: bigint; olderThanMs?: number },
): Promise<{ settled: number }> {
  const before = new Date(now.getTime() - (options.olderThanMs ?? RECONCILE_AFTER_MS));
  const open = await prisma.payment.findMany({
    where: {
      gateway: gateway.name,
      OR: [
        { status: "PENDING", createdAt: { lte: before } },
        { status: "REQUIRES_ACTION", externalId: { not: null } },
      ],
    },
    select: { workspaceId: true, id: true, status: true, externalId: true, amountCents: true, paymentMethodId: true, kind: true },
    orderBy: { createdAt: "asc" },
    take: 500,
  });
  let settled = 0;
  for (const payment of open) {
    let result: ChargeResult;
    try {
      if (payment.externalId) {
        result = await gateway.retrieveCharge(payment.externalId);
      } else {
        const card = payment.paymentMethodId
          ? await prisma.paymentMethod.findUnique({
              where: { workspaceId_id: { workspaceId: payment.workspaceId, id: payment.paymentMethodId } },
              select: { externalId: true },
            })
          : null;
        if (!card) {
          result = { status: "failed", externalId: null, failureCode: "no_card" };
        } else {
          result = await gateway.charge({
            customerId: await customerOf(prisma, gateway, payment.workspaceId),
            paymentMethodId: card.externalId,
            amountCents: payment.amountCents,
            idempotencyKey: gatewayKey(payment.id),
            description: payment.kind === "INVOICE" ? "Invoice payment" : "Prepaid credits",
            metadata: { workspaceId: payment.workspaceId, paymentId: payment.id },
          });
        }
      }
    } catch (error) {
      console.error(`[payments] reconciliation of payment ${payment.id} failed; next run tries again`, error);
      continue;
    }
    if (payment.status === "REQUIRES_ACTION" && result.status === "requires_action") continue;
    const outcome = await applyChargeResult(prisma, {
      workspaceId: payment.workspaceId,
      paymentId: payment.id,
      result,
      now,
      creditsPerUsd: options.creditsPerUsd,
    });
    if (outcome.applied) settled += 1;
  }
  return { settled };
}
