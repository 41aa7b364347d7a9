import "server-only";

// The card on file (R7, R8.3): saved through the gateway's hosted page
// (Stripe Checkout in setup mode, or our own test-gateway form), one per
// workspace. A new card replaces the old one; only brand, last four digits
// and expiry are kept.
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { writeAudit, type Actor } from "@/lib/db/audit";
import { SYSTEM_ACTOR } from "@/lib/db/payments/settle";
import { customerOf } from "./charge";
import type { GatewayCard, PaymentGateway } from "./gateway";

/** Where the browser goes to enter a card; it comes back to `returnPath` (a path of ours). */
export async function startCardSetup(
  prisma: PrismaClient,
  gateway: PaymentGateway,
  input: { workspaceId: string; origin: string; returnPath: string },
): Promise<{ url: string }> {
  const customerId = await customerOf(prisma, gateway, input.workspaceId);
  const back = `${input.origin}${input.returnPath}`;
  const separator = back.includes("?") ? "&" : "?";
  const session = await gateway.createSetupSession({
    customerId,
    workspaceId: input.workspaceId,
    successUrl: `${back}${separator}setup_session={CHECKOUT_SESSION_ID}`,
    cancelUrl: `${back}${separator}card=cancelled`,
  });
  return { url: session.url };
}

/**
 * Saves the card of a finished setup session as the workspace's card on file
 * (the return page, the webhook and a retry may all call it: once is kept).
 */
export async function saveCardFromSetupSession(
  prisma: PrismaClient,
  gateway: PaymentGateway,
  input: { workspaceId: string; sessionId: string; now: Date; actor?: Actor },
): Promise<GatewayCard | null> {
  const card = await gateway.setupSessionCard(input.sessionId);
  if (!card) return null;
  await saveCard(prisma, gateway, { workspaceId: input.workspaceId, card, now: input.now, actor: input.actor ?? SYSTEM_ACTOR });
  return card;
}

export async function saveCard(
  prisma: PrismaClient,
  gateway: PaymentGateway,
  input: { workspaceId: string; card: GatewayCard; now: Date; actor: Actor },
): Promise<void> {
  await prisma.$transaction(async (tx) => {
    const existing = await tx.paymentMethod.findFirst({
      where: { workspaceId: input.workspaceId, gateway: gateway.name, externalId: input.card.id },
      select: { id: true },
    });
    if (existing) return;
    await tx.paymentMethod.deleteMany({ where: { workspaceId: input.workspaceId } });
    await tx.paymentMethod.create({
      data: {
        workspaceId: input.workspaceId,
        gateway: gateway.name,
        externalId: input.card.id,
        brand: input.card.brand,
        last4: input.card.last4,
        expMonth: input.card.expMonth,
        expYear: input.card.expYear,
        isDefault: true,
        createdAt: input.now,
      },
    });
    // A new card is worth trying at once for what is overdue (the next billing run, within a minute).
    await tx.invoice.updateMany({
      where: {
        workspaceId: input.workspaceId,
        status: "OPEN",
        firstFailedAt: { not: null },
        OR: [{ nextCollectionAt: null }, { nextCollectionAt: { gt: input.now } }],
      },
      data: { nextCollectionAt: input.now },
    });
    await writeAudit(tx, {
      workspaceId: input.workspaceId,
      actor: input.actor,
      action: "card.saved",
      detail: { brand: input.card.brand, last4: input.card.last4 },
      now: input.now,
    });
  });
}
