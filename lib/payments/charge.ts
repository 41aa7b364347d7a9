import "server-only";

// Charging the card on file for a payment row (R7, R8.3). The row exists
// before the gateway is called; the gateway's idempotency key is derived from
// its id, so a retry — the same request again, or the reconciliation after a
// crash — is answered with the same charge and never charges twice.
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { applyChargeResult, type SettleOutcome } from "@/lib/db/payments/settle";
import { env } from "@/lib/env";
import type { PaymentGateway } from "./gateway";

/** The gateway customer of a workspace, created once and remembered (Stripe). */
export async function customerOf(prisma: PrismaClient, gateway: PaymentGateway, workspaceId: string): Promise<string> {
  const workspace = await prisma.workspace.findUniqueOrThrow({
    where: { id: workspaceId },
    select: {
      name: true,
      stripeCustomerId: true,
      memberships: { where: { role: "OWNER" }, select: { user: { select: { email: true } } }, take: 1, orderBy: { createdAt: "asc" } },
    },
  });
  if (gateway.name === "stripe" && workspace.stripeCustomerId) return workspace.stripeCustomerId;
  const customerId = await gateway.ensureCustomer({
    workspaceId,
    name: workspace.name,
    email: workspace.memberships[0]?.user.email ?? null,
  });
  if (gateway.name === "stripe") {
    await prisma.workspace.updateMany({ where: { id: workspaceId, stripeCustomerId: null }, data: { stripeCustomerId: customerId } });
  }
  return customerId;
}

export const gatewayKey = (paymentId: string) => `payment:${paymentId}`;

export interface ChargeablePayment {
  workspaceId: string;
  id: string;
  amountCents: number;
  /** The gateway's id of the card (PaymentMethod.externalId). */
  cardExternalId: string;
  description: string;
}

/**
 * Charges the payment's card and settles the answer. A gateway that cannot be
 * reached leaves the payment pending for the reconciliation to finish.
 */
export async function chargePayment(
  prisma: PrismaClient,
  gateway: PaymentGateway,
  payment: ChargeablePayment,
  now: Date,
  creditsPerUsd: bigint,
): Promise<SettleOutcome> {
  let result;
  try {
    const customerId = await customerOf(prisma, gateway, payment.workspaceId);
    result = await gateway.charge({
      customerId,
      paymentMethodId: payment.cardExternalId,
      amountCents: payment.amountCents,
      idempotencyKey: gatewayKey(payment.id),
      description: payment.description,
      metadata: { workspaceId: payment.workspaceId, paymentId: payment.id },
    });
  } catch (error) {
    console.error(`[payments] charge of payment ${payment.id} did not complete; the reconciliation will finish it`, error);
    return { status: "PENDING", applied: false, invoiceNumber: null, failureMessage: null, actionUrl: null };
  }
  // The crash test's fault: the charge went through, the grant has not happened.
  if (result.status === "succeeded" && env().METERDESK_FAULT === "kill-after-charge") process.kill(process.pid, "SIGKILL");
  return applyChargeResult(prisma, { workspaceId: payment.workspaceId, paymentId: payment.id, result, now, creditsPerUsd });
}

/** The workspace's card on file, if any. */
export async function defaultCard(prisma: PrismaClient, workspaceId: string, gateway: PaymentGateway) {
  return prisma.paymentMethod.findFirst({
    where: { workspaceId, gateway: gateway.name },
    orderBy: [{ isDefault: "desc" }, { createdAt: "desc" }],
    select: { id: true, externalId: true, brand: true, last4: true, expMonth: true, expYear: true },
  });
}
