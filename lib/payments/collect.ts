import "server-only";

// Invoice collection and dunning (R8.2, R8.3). Every open invoice is charged
// to the card on file when it opens (annual fees and packages upfront,
// monthly fees and flex in arrears: the engine opens each when it is owed).
// A failure schedules the next attempt on the retry days after the first
// failure, or stops for a hard decline or no card, and puts the workspace in
// arrears (lib/db/payments/settle.ts). An attempt is claimed in its own
// transaction: the invoice must still be open and due, so a paid, voided or
// superseded invoice is never charged again, and two runs never charge the
// same attempt twice.
import { CLAIM_TX } from "@/lib/db/payments/settle";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { writeAudit, type Actor } from "@/lib/db/audit";
import { enqueueNotice } from "@/lib/db/notices";
import { applyChargeResult, type SettleOutcome } from "@/lib/db/payments/settle";
import { withTransactionRetry } from "@/lib/db/ledger/retry";
import { chargePayment, defaultCard } from "./charge";
import type { PaymentGateway } from "./gateway";
import { PaymentRefused } from "./top-ups";

class AttemptInFlight extends Error {}

interface ClaimedAttempt {
  workspaceId: string;
  paymentId: string;
  invoiceNumber: string;
  amountCents: number;
  cardExternalId: string | null;
}

/** Claims one collection attempt of an open invoice (null: not open, or not due unless forced). */
async function claimAttempt(
  prisma: PrismaClient,
  gateway: PaymentGateway,
  input: { workspaceId: string; invoiceId: string; now: Date; force: boolean; actor?: Actor },
): Promise<ClaimedAttempt | null> {
  const card = await defaultCard(prisma, input.workspaceId, gateway);
  return claimTx(prisma, gateway, input, card).catch((error: unknown) => {
    if (error instanceof AttemptInFlight) return null;
    throw error;
  });
}

async function claimTx(
  prisma: PrismaClient,
  gateway: PaymentGateway,
  input: { workspaceId: string; invoiceId: string; now: Date; force: boolean; actor?: Actor },
  card: Awaited<ReturnType<typeof defaultCard>>,
): Promise<ClaimedAttempt | null> {
  const { workspaceId, invoiceId, now } = input;
  return withTransactionRetry(() =>
    prisma.$transaction(async (tx) => {
      const claimed = await tx.$queryRaw<{ attempts: number; totalCents: number; number: string }[]>`
        UPDATE "Invoice" SET "collectionAttempts" = "collectionAttempts" + 1, "nextCollectionAt" = NULL
        WHERE "workspaceId" = ${workspaceId}::uuid AND "id" = ${invoiceId}::uuid AND "status" = 'OPEN' AND "totalCents" > 0
          AND (${input.force} OR "nextCollectionAt" <= ${now})
        RETURNING "collectionAttempts" AS "attempts", "totalCents", "number"`;
      const invoice = claimed[0];
      if (!invoice) return null;
      // Read after the invoice's row lock: an attempt still in flight (another run, a second click) is not doubled.
      const inFlight = await tx.payment.count({ where: { workspaceId, invoiceId, status: "PENDING" } });
      if (inFlight > 0) throw new AttemptInFlight();
      if (invoice.attempts === 1) {
        await enqueueNotice(tx, {
          workspaceId,
          kind: "invoice_issued",
          dedupeKey: `invoice-issued:${invoiceId}`,
          at: now,
          data: { invoiceNumber: invoice.number, totalCents: invoice.totalCents, cardLast4: card?.last4 ?? null },
        });
      }
      const payment = await tx.payment.create({
        data: {
          workspaceId,
          kind: "INVOICE",
          amountCents: invoice.totalCents,
          invoiceId,
          gateway: gateway.name,
          paymentMethodId: card?.id ?? null,
          idempotencyKey: `invoice:${invoiceId}:${invoice.attempts}`,
          createdAt: now,
        },
        select: { id: true },
      });
      if (input.actor) {
        await writeAudit(tx, {
          workspaceId,
          actor: input.actor,
          action: "invoice.pay",
          detail: { invoice: invoice.number, paymentId: payment.id },
          now,
        });
      }
      return {
        workspaceId,
        paymentId: payment.id,
        invoiceNumber: invoice.number,
        amountCents: invoice.totalCents,
        cardExternalId: card?.externalId ?? null,
      };
    }, CLAIM_TX),
  );
}

async function chargeAttempt(
  prisma: PrismaClient,
  gateway: PaymentGateway,
  attempt: ClaimedAttempt,
  now: Date,
  creditsPerUsd: bigint,
): Promise<SettleOutcome> {
  if (!attempt.cardExternalId) {
    return applyChargeResult(prisma, {
      workspaceId: attempt.workspaceId,
      paymentId: attempt.paymentId,
      result: { status: "failed", externalId: null, failureCode: "no_card" },
      now,
      creditsPerUsd,
    });
  }
  return chargePayment(
    prisma,
    gateway,
    {
      workspaceId: attempt.workspaceId,
      id: attempt.paymentId,
      amountCents: attempt.amountCents,
      cardExternalId: attempt.cardExternalId,
      description: `Invoice ${attempt.invoiceNumber}`,
    },
    now,
    creditsPerUsd,
  );
}

export interface CollectionSummary {
  attempted: number;
  succeeded: number;
  failed: number;
}

/** Charges every open invoice whose collection is due as of `now` (one workspace, or all). */
export async function collectDueInvoices(
  prisma: PrismaClient,
  gateway: PaymentGateway,
  now: Date,
  options: { creditsPerUsd: bigint; workspaceId?: string; concurrency?: number; limit?: number },
): Promise<CollectionSummary> {
  const summary: CollectionSummary = { attempted: 0, succeeded: 0, failed: 0 };
  const limit = options.limit ?? Number.POSITIVE_INFINITY;
  const seen = new Set<string>();
  for (;;) {
    const due = await prisma.invoice.findMany({
      where: {
        status: "OPEN",
        nextCollectionAt: { lte: now },
        ...(options.workspaceId ? { workspaceId: options.workspaceId } : {}),
      },
      select: { workspaceId: true, id: true },
      orderBy: [{ nextCollectionAt: "asc" }, { id: "asc" }],
      take: 200,
    });
    const fresh = due.filter((invoice) => !seen.has(invoice.id));
    if (fresh.length === 0) break;
    let next = 0;
    await Promise.all(
      Array.from({ length: Math.max(1, Math.min(options.concurrency ?? 1, fresh.length)) }, async () => {
        while (next < fresh.length && summary.attempted < limit) {
          const invoice = fresh[next++]!;
          seen.add(invoice.id);
          const attempt = await claimAttempt(prisma, gateway, {
            workspaceId: invoice.workspaceId,
            invoiceId: invoice.id,
            now,
            force: false,
          });
          if (!attempt) continue;
          summary.attempted += 1;
          const outcome = await chargeAttempt(prisma, gateway, attempt, now, options.creditsPerUsd);
          if (outcome.status === "SUCCEEDED") summary.succeeded += 1;
          else if (outcome.status !== "PENDING") summary.failed += 1;
        }
      }),
    );
    if (summary.attempted >= limit || due.length < 200) break;
  }
  return summary;
}

/** "Pay now" on an open invoice: one attempt at once, whatever the schedule. */
export async function payInvoice(
  prisma: PrismaClient,
  gateway: PaymentGateway,
  input: { workspaceId: string; invoiceId: string; actor: Actor; now: Date; creditsPerUsd: bigint },
): Promise<SettleOutcome & { invoiceNumber: string }> {
  const invoice = await prisma.invoice.findUnique({
    where: { workspaceId_id: { workspaceId: input.workspaceId, id: input.invoiceId } },
    select: { status: true, number: true },
  });
  if (!invoice) throw new PaymentRefused("This invoice does not exist.");
  if (invoice.status === "PAID") throw new PaymentRefused(`Invoice ${invoice.number} is already paid.`);
  if (invoice.status !== "OPEN") throw new PaymentRefused(`Invoice ${invoice.number} is not open for payment.`);
  if (!(await defaultCard(prisma, input.workspaceId, gateway)))
    throw new PaymentRefused("Add a card first: the invoice is charged to the card on file.");
  const attempt = await claimAttempt(prisma, gateway, { ...input, force: true });
  if (!attempt) throw new PaymentRefused(`Invoice ${invoice.number} is already paid or being paid.`);
  const outcome = await chargeAttempt(prisma, gateway, attempt, input.now, input.creditsPerUsd);
  return { ...outcome, invoiceNumber: attempt.invoiceNumber };
}
