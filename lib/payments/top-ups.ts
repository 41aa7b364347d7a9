import "server-only";

// Top-ups (R7.1, R7.3): $5 to $10,000 of prepaid credits, charged to the card
// on file. The credits are granted only once the payment has succeeded,
// exactly once, with a receipt invoice; top-ups are not refundable. The
// browser sends a request id with the form, so a double click or a second
// tab posting the same form is the same top-up.
import { topUpCredits } from "@/lib/billing/invoice-lines";
import { arrearsRefusal } from "@/lib/billing/arrears";
import type { BillingState } from "@/lib/billing/flex";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { writeAudit, type Actor } from "@/lib/db/audit";
import { applyChargeResult, type SettleOutcome } from "@/lib/db/payments/settle";
import { formatCents } from "@/lib/money";
import { chargePayment, defaultCard, gatewayKey } from "./charge";
import { collectDueInvoices } from "./collect";
import type { PaymentGateway } from "./gateway";

export const TOP_UP_MIN_CENTS = 500;
export const TOP_UP_MAX_CENTS = 1_000_000;

export class PaymentRefused extends Error {}

export interface TopUpRequest {
  workspaceId: string;
  amountCents: number;
  /** The form's own id: the same id twice is one top-up. */
  requestId: string;
  actor: Actor;
  now: Date;
  creditsPerUsd: bigint;
}

export interface TopUpOutcome extends SettleOutcome {
  paymentId: string;
  credits: bigint;
  amountCents: number;
}

export async function buyCredits(prisma: PrismaClient, gateway: PaymentGateway, request: TopUpRequest): Promise<TopUpOutcome> {
  const { workspaceId, amountCents, now } = request;
  if (!Number.isInteger(amountCents) || amountCents < TOP_UP_MIN_CENTS || amountCents > TOP_UP_MAX_CENTS) {
    throw new PaymentRefused(`A top-up is between ${formatCents(TOP_UP_MIN_CENTS)} and ${formatCents(TOP_UP_MAX_CENTS)}.`);
  }
  const workspace = await prisma.workspace.findUniqueOrThrow({ where: { id: workspaceId }, select: { billingState: true } });
  const refusal = arrearsRefusal(workspace.billingState as BillingState, "top_up");
  if (refusal) throw new PaymentRefused(refusal);
  const card = await defaultCard(prisma, workspaceId, gateway);
  if (!card) throw new PaymentRefused("Add a card first: top-ups are charged to the card on file.");
  const credits = topUpCredits(amountCents, request.creditsPerUsd);

  const key = `top-up:${request.requestId}`;
  let payment = await prisma.payment.findUnique({ where: { workspaceId_idempotencyKey: { workspaceId, idempotencyKey: key } } });
  if (payment && payment.amountCents !== amountCents)
    throw new PaymentRefused("This form was already used for another amount. Reload the page.");
  if (!payment) {
    try {
      payment = await prisma.$transaction(async (tx) => {
        const created = await tx.payment.create({
          data: {
            workspaceId,
            kind: "TOP_UP",
            amountCents,
            credits,
            gateway: gateway.name,
            paymentMethodId: card.id,
            idempotencyKey: key,
            createdAt: now,
          },
        });
        await writeAudit(tx, {
          workspaceId,
          actor: request.actor,
          action: "top_up.requested",
          detail: { amountCents, paymentId: created.id },
          now,
        });
        return created;
      });
    } catch (error) {
      // The same form posted at the same moment: that post's payment is this one.
      payment = await prisma.payment.findUnique({ where: { workspaceId_idempotencyKey: { workspaceId, idempotencyKey: key } } });
      if (!payment) throw error;
    }
  }
  const base = { paymentId: payment.id, credits: payment.credits ?? credits, amountCents };
  if (payment.status === "SUCCEEDED" || payment.status === "FAILED") {
    // Already answered (a second click): the same answer, nothing charged again.
    return {
      ...base,
      ...(await applyChargeResult(prisma, {
        workspaceId,
        paymentId: payment.id,
        result: { status: "processing", externalId: null },
        now,
        creditsPerUsd: request.creditsPerUsd,
      })),
    };
  }
  const outcome = await chargePayment(
    prisma,
    gateway,
    {
      workspaceId,
      id: payment.id,
      amountCents,
      cardExternalId: card.externalId,
      description: `Prepaid credits (${gatewayKey(payment.id)})`,
    },
    now,
    request.creditsPerUsd,
  );
  // The card works again: what is overdue is charged at once (service comes back if it all succeeds).
  if (outcome.status === "SUCCEEDED" && workspace.billingState !== "GOOD") {
    await prisma.invoice.updateMany({
      where: { workspaceId, status: "OPEN", firstFailedAt: { not: null } },
      data: { nextCollectionAt: now },
    });
    await collectDueInvoices(prisma, gateway, now, { workspaceId, creditsPerUsd: request.creditsPerUsd });
  }
  return { ...base, ...outcome };
}
