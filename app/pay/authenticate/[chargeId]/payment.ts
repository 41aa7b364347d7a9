import "server-only";

// The payment behind a test-gateway charge that waits for authentication, and
// whether the signed-in user may answer for it: an owner or billing admin of
// the payment's workspace (anyone else is told nothing exists here).
import { can, type WorkspaceRole } from "@/lib/auth/roles";
import { db } from "@/lib/db";

/** The test gateway's charge ids (tgpi_ + 24 hex digits). */
export const CHARGE_ID = /^tgpi_[0-9a-f]{24}$/;

export async function findAuthenticatablePayment(chargeId: string, userId: string) {
  if (!CHARGE_ID.test(chargeId)) return null;
  const prisma = await db();
  const payment = await prisma.payment.findFirst({
    where: { gateway: "test", externalId: chargeId },
    select: {
      id: true,
      workspaceId: true,
      kind: true,
      status: true,
      amountCents: true,
      credits: true,
      invoiceId: true,
      paymentMethodId: true,
      workspace: { select: { slug: true, name: true, memberships: { where: { userId }, select: { role: true } } } },
    },
  });
  const role = payment?.workspace.memberships[0]?.role as WorkspaceRole | undefined;
  if (!payment || !role) return null;
  const [invoice, card] = await Promise.all([
    payment.invoiceId
      ? prisma.invoice.findUnique({
          where: { workspaceId_id: { workspaceId: payment.workspaceId, id: payment.invoiceId } },
          select: { number: true },
        })
      : null,
    payment.paymentMethodId
      ? prisma.paymentMethod.findUnique({
          where: { workspaceId_id: { workspaceId: payment.workspaceId, id: payment.paymentMethodId } },
          select: { brand: true, last4: true },
        })
      : null,
  ]);
  return {
    ...payment,
    role,
    canAnswer: can(role, "manage-billing"),
    invoiceNumber: invoice?.number ?? null,
    card,
  };
}

export type AuthenticatablePayment = NonNullable<Awaited<ReturnType<typeof findAuthenticatablePayment>>>;
