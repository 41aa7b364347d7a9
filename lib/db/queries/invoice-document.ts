import "server-only";

// One invoice as its PDF prints it (R8.2): the workspace's own invoice by its
// number, with the lines in the order the invoice page shows them.
import type { Tx } from "@/lib/db";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import type { InvoiceDocument } from "@/lib/invoices/pdf";

type Reader = PrismaClient | Tx;

/** The invoice `number` of the workspace, or null when the workspace has no such invoice. */
export async function invoiceDocument(db: Reader, workspaceId: string, number: string): Promise<InvoiceDocument | null> {
  const invoice = await db.invoice.findUnique({
    where: { workspaceId_number: { workspaceId, number } },
    select: {
      number: true,
      kind: true,
      status: true,
      periodStart: true,
      periodEnd: true,
      subtotalCents: true,
      discountCents: true,
      totalCents: true,
      issuedAt: true,
      dueAt: true,
      paidAt: true,
      voidedAt: true,
      paymentRef: true,
      workspace: { select: { name: true } },
      lines: {
        orderBy: { position: "asc" },
        // Not `rule`: the rule number is for code and support, never printed for the customer.
        select: { description: true, quantity: true, credits: true, amountCents: true },
      },
    },
  });
  if (!invoice) return null;
  const { workspace, ...rest } = invoice;
  return { ...rest, workspaceName: workspace.name };
}
