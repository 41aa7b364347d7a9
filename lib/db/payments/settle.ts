import "server-only";

// Settling a payment (R7, R8.3): what the gateway answered, applied once.
// The payment row is locked; a payment that already succeeded or failed is
// final, so the same answer applied twice (the request that charged, a
// webhook, the reconciliation after a crash) changes nothing the second time.
// On success a top-up's credits are granted with the payment's own key and a
// receipt invoice is issued; an invoice is marked paid. On failure an
// invoice's collection is scheduled again (or stops, for a hard decline) and
// the workspace enters arrears; a declined auto top-up turns auto top-up off.
import { nextRetryAt, type ArrearsPolicy } from "@/lib/billing/arrears";
import { topUpLine } from "@/lib/billing/invoice-lines";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import type { Tx } from "@/lib/db";
import { writeAudit, type Actor } from "@/lib/db/audit";
import { createInvoice, markInvoicePaid } from "@/lib/db/invoices";
import { grantPrepaid } from "@/lib/db/ledger/grants";
import { withTransactionRetry } from "@/lib/db/ledger/retry";
import { enqueueNotice } from "@/lib/db/notices";
import { metrics } from "@/lib/metrics";
import type { ChargeResult } from "@/lib/payments/gateway";
import { declineMessage, isHardDecline } from "@/lib/payments/declines";
import { arrearsPolicy, enterArrears, restoreIfNothingOverdue } from "./arrears";

/** Payment transactions wait for a connection and a row lock as long as a busy pool needs (many claims at once). */
export const CLAIM_TX = { timeout: 30_000, maxWait: 30_000 } as const;

/** The billing system itself, in the audit trail. */
export const SYSTEM_ACTOR: Actor = { id: null, email: "billing@meterdesk", role: "SYSTEM" };

export type SettledStatus = "PENDING" | "REQUIRES_ACTION" | "SUCCEEDED" | "FAILED";

export interface SettleInput {
  workspaceId: string;
  paymentId: string;
  result: ChargeResult;
  now: Date;
  creditsPerUsd: bigint;
  policy?: ArrearsPolicy;
}

export interface SettleOutcome {
  status: SettledStatus;
  /** Whether this call changed anything (false: it was already settled so). */
  applied: boolean;
  /** The receipt (top-ups) or the paid invoice's number. */
  invoiceNumber: string | null;
  failureMessage: string | null;
  actionUrl: string | null;
}

export async function applyChargeResult(prisma: PrismaClient, input: SettleInput): Promise<SettleOutcome> {
  const outcome = await withTransactionRetry(() =>
    prisma.$transaction((tx) => applyChargeResultTx(tx, input), { timeout: 30_000, maxWait: 30_000 }),
  );
  // Counted after the commit, by the one call that applied the answer: retries and repeats count nothing.
  if (outcome.applied && outcome.status === "FAILED") metrics().paymentFailures.inc();
  if (outcome.applied && outcome.status === "SUCCEEDED") metrics().paymentSuccesses.inc();
  return outcome;
}

export async function applyChargeResultTx(tx: Tx, input: SettleInput): Promise<SettleOutcome> {
  const { workspaceId, paymentId, result, now } = input;
  const locked = await tx.$queryRaw<{ id: string }[]>`
    SELECT "id"::text AS "id" FROM "Payment" WHERE "workspaceId" = ${workspaceId}::uuid AND "id" = ${paymentId}::uuid FOR UPDATE`;
  if (locked.length === 0) throw new Error(`payment ${paymentId} of workspace ${workspaceId} does not exist`);
  const payment = await tx.payment.findUniqueOrThrow({ where: { workspaceId_id: { workspaceId, id: paymentId } } });
  const invoiceNumberOf = async (invoiceId: string | null) =>
    invoiceId
      ? ((await tx.invoice.findUnique({ where: { workspaceId_id: { workspaceId, id: invoiceId } }, select: { number: true } }))?.number ??
        null)
      : null;

  if (payment.status === "SUCCEEDED" || payment.status === "FAILED") {
    return {
      status: payment.status,
      applied: false,
      invoiceNumber: await invoiceNumberOf(payment.invoiceId),
      failureMessage: payment.status === "FAILED" ? declineMessage(payment.failureCode) : null,
      actionUrl: null,
    };
  }

  if (result.status === "processing") {
    if (result.externalId && !payment.externalId) {
      await tx.payment.update({ where: { workspaceId_id: { workspaceId, id: paymentId } }, data: { externalId: result.externalId } });
    }
    return { status: "PENDING", applied: false, invoiceNumber: null, failureMessage: null, actionUrl: null };
  }

  if (result.status === "requires_action") {
    await tx.payment.update({
      where: { workspaceId_id: { workspaceId, id: paymentId } },
      data: {
        status: "REQUIRES_ACTION",
        externalId: result.externalId,
        actionUrl: result.actionUrl ?? null,
        failureCode: result.failureCode ?? "authentication_required",
      },
    });
    if (payment.kind === "INVOICE" && payment.invoiceId) {
      // Off-session retries cannot authenticate: the customer finishes it, so dunning waits.
      await tx.$executeRaw`
        UPDATE "Invoice" SET "nextCollectionAt" = NULL, "firstFailedAt" = COALESCE("firstFailedAt", ${now}),
               "lastPaymentError" = ${declineMessage("authentication_required")}
        WHERE "workspaceId" = ${workspaceId}::uuid AND "id" = ${payment.invoiceId}::uuid AND "status" = 'OPEN'`;
      await enterArrears(tx, { workspaceId, at: now, policy: input.policy ?? arrearsPolicy() });
    }
    return {
      status: "REQUIRES_ACTION",
      applied: payment.status !== "REQUIRES_ACTION",
      invoiceNumber: await invoiceNumberOf(payment.invoiceId),
      failureMessage: declineMessage("authentication_required"),
      actionUrl: result.actionUrl ?? null,
    };
  }

  if (result.status === "succeeded") {
    await tx.payment.update({
      where: { workspaceId_id: { workspaceId, id: paymentId } },
      data: {
        status: "SUCCEEDED",
        externalId: result.externalId,
        settledAt: now,
        failureCode: null,
        failureMessage: null,
        actionUrl: null,
      },
    });
    let invoiceNumber: string | null = null;
    if (payment.kind === "INVOICE") {
      if (!payment.invoiceId) throw new Error(`invoice payment ${paymentId} names no invoice`);
      const paid = await markInvoicePaid(tx, {
        workspaceId,
        invoiceId: payment.invoiceId,
        at: now,
        paymentRef: result.externalId ?? paymentId,
      });
      const invoice = await tx.invoice.update({
        where: { workspaceId_id: { workspaceId, id: payment.invoiceId } },
        data: { nextCollectionAt: null, lastPaymentError: null },
        select: { number: true, totalCents: true },
      });
      invoiceNumber = invoice.number;
      if (paid) {
        await enqueueNotice(tx, {
          workspaceId,
          kind: "payment_succeeded",
          dedupeKey: `payment-succeeded:${paymentId}`,
          at: now,
          data: { amountCents: payment.amountCents, invoiceNumber: invoice.number },
        });
      }
    } else {
      const credits = payment.credits ?? 0n;
      const auto = payment.kind === "AUTO_TOP_UP";
      await grantPrepaid(tx, {
        workspaceId,
        credits,
        kind: auto ? "AUTO_TOP_UP" : "TOP_UP",
        idempotencyKey: `payment:${paymentId}`,
        reason: auto ? "Automatic top-up" : "Top-up",
        at: now,
      });
      const receipt = await createInvoice(tx, {
        workspaceId,
        kind: "TOP_UP",
        lines: [topUpLine(payment.amountCents, credits, auto ? "auto" : "manual")],
        idempotencyKey: `payment:${paymentId}:receipt`,
        status: "PAID",
        at: now,
      });
      await tx.invoice.update({
        where: { workspaceId_id: { workspaceId, id: receipt.id } },
        data: { paymentRef: result.externalId ?? paymentId },
      });
      await tx.payment.update({ where: { workspaceId_id: { workspaceId, id: paymentId } }, data: { invoiceId: receipt.id } });
      invoiceNumber = receipt.number;
      // Back at or above the threshold: the next fall below it may top up again (one auto top-up per crossing).
      await tx.$executeRaw`
        UPDATE "Workspace" w SET "autoTopUpArmed" = true
        FROM "CreditBalance" b
        WHERE w."id" = ${workspaceId}::uuid AND b."workspaceId" = w."id" AND w."autoTopUpArmed" = false
          AND (w."autoTopUpThreshold" IS NULL OR b."prepaid" >= w."autoTopUpThreshold")`;
      await enqueueNotice(tx, {
        workspaceId,
        kind: auto ? "auto_top_up_succeeded" : "payment_succeeded",
        dedupeKey: `payment-succeeded:${paymentId}`,
        at: now,
        data: { amountCents: payment.amountCents, invoiceNumber: receipt.number, credits },
      });
    }
    await restoreIfNothingOverdue(tx, { workspaceId, at: now });
    return { status: "SUCCEEDED", applied: true, invoiceNumber, failureMessage: null, actionUrl: null };
  }

  // Failed.
  const code = result.failureCode ?? "card_declined";
  const message = declineMessage(code);
  await tx.payment.update({
    where: { workspaceId_id: { workspaceId, id: paymentId } },
    data: {
      status: "FAILED",
      externalId: result.externalId,
      settledAt: now,
      failureCode: code,
      failureMessage: result.failureMessage ?? message,
    },
  });
  let invoiceNumber: string | null = null;
  if (payment.kind === "INVOICE" && payment.invoiceId) {
    const policy = input.policy ?? arrearsPolicy();
    const invoice = await tx.invoice.findUniqueOrThrow({
      where: { workspaceId_id: { workspaceId, id: payment.invoiceId } },
      select: { number: true, status: true, firstFailedAt: true, collectionAttempts: true },
    });
    invoiceNumber = invoice.number;
    if (invoice.status === "OPEN") {
      const firstFailedAt = invoice.firstFailedAt ?? now;
      const next = isHardDecline(code) ? null : nextRetryAt(firstFailedAt, invoice.collectionAttempts, policy);
      await tx.invoice.update({
        where: { workspaceId_id: { workspaceId, id: payment.invoiceId } },
        data: { firstFailedAt, nextCollectionAt: next, lastPaymentError: message },
      });
      await enterArrears(tx, { workspaceId, at: now, policy });
      await enqueueNotice(tx, {
        workspaceId,
        kind: "payment_failed",
        dedupeKey: `payment-failed:${paymentId}`,
        at: now,
        data: { amountCents: payment.amountCents, invoiceNumber: invoice.number, reason: message, nextAttemptAt: next },
      });
    }
  } else if (payment.kind === "AUTO_TOP_UP") {
    // R7.2: a declined auto top-up turns auto top-up off and tells the owners.
    await tx.workspace.update({ where: { id: workspaceId }, data: { autoTopUpEnabled: false } });
    await writeAudit(tx, {
      workspaceId,
      actor: SYSTEM_ACTOR,
      action: "auto_top_up.disabled",
      reason: message,
      detail: { paymentId, code },
      now,
    });
    await enqueueNotice(tx, {
      workspaceId,
      kind: "auto_top_up_declined",
      dedupeKey: `auto-top-up-declined:${paymentId}`,
      at: now,
      data: { amountCents: payment.amountCents, reason: message },
    });
  }
  return { status: "FAILED", applied: true, invoiceNumber, failureMessage: message, actionUrl: null };
}
