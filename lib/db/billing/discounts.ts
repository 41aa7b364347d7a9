import "server-only";

// R11: support's percentage discounts on a workspace's next N subscription
// invoices. An invoice the subscription issues (plan fee, proration, flex,
// final — lib/db/billing/subscriptions.ts issueClosingInvoice) takes one use
// of the oldest discount with uses left, when it has something to discount.
// Purchases of credits (top-ups, packages) are never discounted.
import { percentDiscountLine, type InvoiceLineDraft } from "@/lib/billing/invoice-lines";
import type { Tx } from "@/lib/db";
import type { PrismaClient } from "@/lib/generated/prisma/client";

type Reader = PrismaClient | Tx;

export interface ActiveDiscount {
  id: string;
  percent: number;
  invoicesRemaining: number;
  reason: string;
}

/** The discounts with uses left, oldest first: the order they are used in. */
export async function activeDiscounts(db: Reader, workspaceId: string): Promise<ActiveDiscount[]> {
  return db.workspaceDiscount.findMany({
    where: { workspaceId, invoicesRemaining: { gt: 0 } },
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
    select: { id: true, percent: true, invoicesRemaining: true, reason: true },
  });
}

/**
 * The lines of a subscription invoice with its discount line added, and one
 * use of that discount taken (under a row lock: two invoices at once take two
 * uses). The lines unchanged when no discount is active or it comes to nothing.
 */
export async function withDiscount(tx: Tx, workspaceId: string, lines: InvoiceLineDraft[]): Promise<InvoiceLineDraft[]> {
  const rows = await tx.$queryRaw<ActiveDiscount[]>`
    SELECT "id"::text AS "id", "percent", "invoicesRemaining", "reason" FROM "WorkspaceDiscount"
    WHERE "workspaceId" = ${workspaceId}::uuid AND "invoicesRemaining" > 0
    ORDER BY "createdAt", "id" LIMIT 1 FOR UPDATE`;
  const discount = rows[0];
  if (!discount) return lines;
  const line = percentDiscountLine(lines, discount.percent, discount.reason);
  if (!line) return lines;
  await tx.workspaceDiscount.update({
    where: { workspaceId_id: { workspaceId, id: discount.id } },
    data: { invoicesRemaining: { decrement: 1 } },
  });
  return [...lines, line];
}
