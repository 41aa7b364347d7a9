import "server-only";

// Buying a package (R6.1): paid upfront, effective at once. The package is
// granted with its invoice in one transaction, and the invoice is charged to
// the card on file at once, like every invoice when it opens; a failed charge
// follows the dunning of any invoice. Refused in arrears (R8.3) and without a
// card. The form's request id makes a double click one purchase.
import { arrearsRefusal } from "@/lib/billing/arrears";
import type { BillingState } from "@/lib/billing/flex";
import { packageLine } from "@/lib/billing/invoice-lines";
import { packageExpiry, type PackageValidity } from "@/lib/billing/packages";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { writeAudit, type Actor } from "@/lib/db/audit";
import { createInvoice } from "@/lib/db/invoices";
import { grantPackage } from "@/lib/db/ledger/grants";
import { defaultCard } from "./charge";
import { collectDueInvoices } from "./collect";
import type { PaymentGateway } from "./gateway";
import { PaymentRefused } from "./top-ups";

export interface PackagePurchaseRequest {
  workspaceId: string;
  packageCode: string;
  autoRenew: boolean;
  requestId: string;
  actor: Actor;
  now: Date;
  creditsPerUsd: bigint;
}

export async function buyPackage(prisma: PrismaClient, gateway: PaymentGateway, request: PackagePurchaseRequest) {
  const { workspaceId, now } = request;
  const workspace = await prisma.workspace.findUniqueOrThrow({ where: { id: workspaceId }, select: { billingState: true } });
  const refusal = arrearsRefusal(workspace.billingState as BillingState, "buy_package");
  if (refusal) throw new PaymentRefused(refusal);
  const pkg = await prisma.package.findUnique({
    where: { code: request.packageCode },
    select: { id: true, name: true, operationTypeId: true, operations: true, validity: true, priceCents: true, active: true },
  });
  if (!pkg || !pkg.active) throw new PaymentRefused("This package is not offered any more.");
  if (!(await defaultCard(prisma, workspaceId, gateway)))
    throw new PaymentRefused("Add a card first: packages are paid upfront with the card on file.");
  const expiresAt = packageExpiry(now, pkg.validity as PackageValidity);
  const key = `package:${request.requestId}`;
  const invoice = await prisma.$transaction(async (tx) => {
    const created = await createInvoice(tx, {
      workspaceId,
      kind: "PACKAGE",
      lines: [packageLine({ packageName: pkg.name, priceCents: pkg.priceCents, startsAt: now, expiresAt })],
      idempotencyKey: key,
      at: now,
    });
    await grantPackage(tx, {
      workspaceId,
      packageId: pkg.id,
      operationTypeId: pkg.operationTypeId,
      operations: pkg.operations,
      expiresAt,
      at: now,
      autoRenew: request.autoRenew,
      invoiceId: created.id,
      idempotencyKey: key,
    });
    if (created.created) {
      await writeAudit(tx, {
        workspaceId,
        actor: request.actor,
        action: "package.bought",
        detail: { package: request.packageCode, invoice: created.number },
        now,
      });
    }
    return created;
  });
  const collected = await collectDueInvoices(prisma, gateway, now, { workspaceId, creditsPerUsd: request.creditsPerUsd });
  const row = await prisma.invoice.findUniqueOrThrow({
    where: { workspaceId_id: { workspaceId, id: invoice.id } },
    select: { number: true, status: true, lastPaymentError: true },
  });
  return { invoiceNumber: row.number, paid: row.status === "PAID", failureMessage: row.lastPaymentError, attempted: collected.attempted };
}
