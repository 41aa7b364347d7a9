import "server-only";

// Invoices (R8.2): sequential numbers per deployment, statuses draft → open →
// paid / void / uncollectible, lines in integer cents that name their source
// and rule. Creating an invoice is idempotent by its key within the workspace.
import type { InvoiceLineDraft } from "@/lib/billing/invoice-lines";
import { invoiceTotals } from "@/lib/billing/invoice-lines";
import type { Tx } from "@/lib/db";
import type { InvoiceKind, InvoiceStatus } from "@/lib/generated/prisma/client";

export const INVOICE_NUMBER_PREFIX = "MD-";

/**
 * The next invoice number. The counter row is locked until the transaction
 * ends, so numbers are gapless and in commit order; callers take it as the
 * last step of their transaction to hold the lock briefly.
 */
export async function nextInvoiceNumber(tx: Tx): Promise<string> {
  const rows = await tx.$queryRaw<{ value: bigint }[]>`
    INSERT INTO "DeploymentCounter" ("name", "value") VALUES ('invoice', 1)
    ON CONFLICT ("name") DO UPDATE SET "value" = "DeploymentCounter"."value" + 1
    RETURNING "value"`;
  return `${INVOICE_NUMBER_PREFIX}${String(rows[0]!.value).padStart(6, "0")}`;
}

export interface NewInvoice {
  workspaceId: string;
  kind: InvoiceKind;
  lines: InvoiceLineDraft[];
  idempotencyKey: string;
  at: Date;
  periodStart?: Date | null;
  periodEnd?: Date | null;
  /** OPEN (to be collected) unless said otherwise; a zero total is PAID at once. */
  status?: InvoiceStatus;
  dueDays?: number;
}

function toIntCents(value: bigint, what: string): number {
  if (value > 2_147_483_647n || value < -2_147_483_648n) throw new RangeError(`${what} ${value} does not fit an invoice amount`);
  return Number(value);
}

/** Creates the invoice once; the same key again returns the existing one. */
export async function createInvoice(
  tx: Tx,
  input: NewInvoice,
): Promise<{ id: string; number: string; created: boolean; totalCents: number }> {
  const existing = await tx.invoice.findUnique({
    where: { workspaceId_idempotencyKey: { workspaceId: input.workspaceId, idempotencyKey: input.idempotencyKey } },
    select: { id: true, number: true, totalCents: true },
  });
  if (existing) return { ...existing, created: false };
  const totals = invoiceTotals(input.lines);
  const status = input.status ?? (totals.totalCents === 0n ? "PAID" : "OPEN");
  const number = await nextInvoiceNumber(tx);
  const invoice = await tx.invoice.create({
    data: {
      workspaceId: input.workspaceId,
      number,
      kind: input.kind,
      status,
      periodStart: input.periodStart ?? null,
      periodEnd: input.periodEnd ?? null,
      subtotalCents: toIntCents(totals.subtotalCents, "subtotal"),
      discountCents: toIntCents(totals.discountCents, "discount"),
      totalCents: toIntCents(totals.totalCents, "total"),
      issuedAt: status === "DRAFT" ? null : input.at,
      dueAt: status === "OPEN" ? new Date(input.at.getTime() + (input.dueDays ?? 0) * 86_400_000) : null,
      paidAt: status === "PAID" ? input.at : null,
      idempotencyKey: input.idempotencyKey,
      createdAt: input.at,
      // R8.3: an open invoice is charged to the card on file as soon as it opens.
      nextCollectionAt: status === "OPEN" ? input.at : null,
    },
    select: { id: true, number: true, totalCents: true },
  });
  await tx.invoiceLine.createMany({
    data: input.lines.map((line, position) => ({
      workspaceId: input.workspaceId,
      invoiceId: invoice.id,
      position,
      description: line.description,
      source: line.source,
      rule: line.rule,
      quantity: line.quantity,
      credits: line.credits,
      amountCents: toIntCents(line.amountCents, "line amount"),
    })),
  });
  return { ...invoice, created: true };
}

/** Records the payment of an open invoice (the payment gateway's reference kept). */
export async function markInvoicePaid(
  tx: Tx,
  input: { workspaceId: string; invoiceId: string; at: Date; paymentRef: string },
): Promise<boolean> {
  const updated = await tx.invoice.updateMany({
    where: { workspaceId: input.workspaceId, id: input.invoiceId, status: "OPEN" },
    data: { status: "PAID", paidAt: input.at, paymentRef: input.paymentRef, nextCollectionAt: null },
  });
  return updated.count === 1;
}

/**
 * Voids an open invoice: it is no longer owed and never collected again
 * (a payment already in flight settles without marking it paid).
 */
export async function voidInvoice(tx: Tx, input: { workspaceId: string; invoiceId: string; at: Date }): Promise<boolean> {
  const updated = await tx.invoice.updateMany({
    where: { workspaceId: input.workspaceId, id: input.invoiceId, status: { in: ["OPEN", "DRAFT"] } },
    data: { status: "VOID", voidedAt: input.at, nextCollectionAt: null },
  });
  return updated.count === 1;
}
