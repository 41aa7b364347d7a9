// One invoice (R8.2): its number, status, dates and the lines that say which
// source paid and which rule priced them; for an open invoice, how its
// payment stands (the last failure, the next automatic attempt) and "Pay now".
import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { DateText, formatDateRange } from "@/components/billing/dates";
import { InvoicePdfLink } from "@/components/billing/invoice-pdf-link";
import { InvoiceStatusBadge } from "@/components/billing/invoice-table";
import { invoiceKindLabels } from "@/components/billing/labels";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Card, CardContent } from "@/components/ui/card";
import { DescriptionList } from "@/components/ui/description-list";
import { PageHeader } from "@/components/ui/page-header";
import { TBody, THead, Table, Td, Th, Tr } from "@/components/ui/table";
import { requireWorkspace } from "@/lib/auth/access";
import { can } from "@/lib/auth/roles";
import { db } from "@/lib/db";
import { getInvoiceByNumber } from "@/lib/db/queries/dashboard";
import { formatCents, formatCount } from "@/lib/money";
import { paymentGateway } from "@/lib/payments";
import { cardLabel } from "../../credits/card-format";
import { PageNotice } from "../../credits/page-notice";
import { PayInvoiceButton } from "./pay-invoice-button";

export const metadata: Metadata = { title: "Invoice" };

const sourceLabels = { INCLUDED: "Included", PACKAGE: "Package", PREPAID: "Prepaid", FLEX: "Flex" } as const;

export default async function InvoicePage({
  params,
  searchParams,
}: {
  params: Promise<{ slug: string; number: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { slug, number } = await params;
  const { notice } = await searchParams;
  const ctx = await requireWorkspace(slug, "read");
  const prisma = await db();
  const invoice = await getInvoiceByNumber(prisma, ctx.workspace.id, decodeURIComponent(number));
  if (!invoice) notFound();
  const canManage = can(ctx.role, "manage-billing");
  const open = invoice.status === "OPEN" && invoice.totalCents > 0;
  const card = open
    ? await prisma.paymentMethod.findFirst({
        where: { workspaceId: ctx.workspace.id, gateway: paymentGateway().name },
        orderBy: [{ isDefault: "desc" }, { createdAt: "desc" }],
        select: { brand: true, last4: true, expMonth: true, expYear: true },
      })
    : null;

  return (
    <>
      {notice === "invoice-paid" && invoice.status === "PAID" ? (
        <PageNotice tone="success" title={`Payment received: invoice ${invoice.number} is paid`} clearParams={["notice"]}>
          Thank you. A confirmation is on its way by email.
        </PageNotice>
      ) : null}
      {notice === "payment-not-confirmed" ? (
        <PageNotice tone="warning" title="The payment was not confirmed" clearParams={["notice"]}>
          Nothing was charged and the invoice is still open. Pay again, or use another card.
        </PageNotice>
      ) : null}
      <PageHeader
        title={`Invoice ${invoice.number}`}
        description={
          <>
            {invoiceKindLabels[invoice.kind]} for {ctx.workspace.name}.{" "}
            <Link href={`/w/${ctx.workspace.slug}/invoices`} className="text-primary underline underline-offset-4">
              All invoices
            </Link>
          </>
        }
        actions={
          <>
            <InvoiceStatusBadge status={invoice.status} />
            <InvoicePdfLink slug={ctx.workspace.slug} number={invoice.number} />
            {open && canManage ? (
              <PayInvoiceButton
                slug={ctx.workspace.slug}
                invoiceId={invoice.id}
                invoiceNumber={invoice.number}
                amountCents={invoice.totalCents}
                card={card}
                size="sm"
              />
            ) : null}
          </>
        }
      />
      {open ? (
        <div className="mb-6">
          {invoice.lastPaymentError ? (
            <Alert tone="danger" title="The last payment of this invoice failed">
              {invoice.lastPaymentError}{" "}
              {invoice.nextCollectionAt ? (
                <>
                  We&apos;ll try {card ? cardLabel(card) : "the card on file"} again on <DateText date={invoice.nextCollectionAt} />.
                </>
              ) : (
                "No automatic attempt is scheduled: pay it now, or update the card and we'll charge it within a minute."
              )}
              {canManage ? null : " Ask an owner or billing admin to pay it."}
            </Alert>
          ) : (
            <Alert tone="info" title="Waiting for payment">
              {invoice.nextCollectionAt ? (
                <>
                  {card ? cardLabel(card) : "The card on file"} is charged automatically on <DateText date={invoice.nextCollectionAt} />.
                </>
              ) : (
                "This invoice is charged to the card on file."
              )}
            </Alert>
          )}
        </div>
      ) : null}
      <Card className="mb-6">
        <CardContent>
          <DescriptionList
            columns={3}
            items={[
              { term: "Total", value: <span className="text-lg font-semibold tabular-nums">{formatCents(invoice.totalCents)}</span> },
              { term: "Issued", value: invoice.issuedAt ? <DateText date={invoice.issuedAt} /> : "Not yet" },
              {
                term: "Period",
                value: invoice.periodStart && invoice.periodEnd ? formatDateRange(invoice.periodStart, invoice.periodEnd) : "—",
              },
              {
                term: invoice.paidAt ? "Paid" : "Due",
                value: invoice.paidAt ? <DateText date={invoice.paidAt} /> : invoice.dueAt ? <DateText date={invoice.dueAt} /> : "—",
              },
            ]}
          />
        </CardContent>
      </Card>
      <Table label="Invoice lines">
        <THead>
          <tr>
            <Th>Description</Th>
            <Th>Source</Th>
            <Th align="right">Credits</Th>
            <Th align="right">Amount</Th>
          </tr>
        </THead>
        <TBody>
          {invoice.lines.map((line) => (
            <Tr key={line.id}>
              <Td>{line.description}</Td>
              <Td>
                {line.source ? <Badge tone="neutral">{sourceLabels[line.source]}</Badge> : <span className="text-muted-foreground">—</span>}
              </Td>
              <Td numeric className="text-muted-foreground">
                {line.credits === null ? "—" : formatCount(line.credits)}
              </Td>
              <Td numeric className="font-medium">
                {formatCents(line.amountCents)}
              </Td>
            </Tr>
          ))}
          {invoice.discountCents > 0 ? (
            <Tr>
              <Td>Discount</Td>
              <Td />
              <Td />
              <Td numeric>−{formatCents(invoice.discountCents)}</Td>
            </Tr>
          ) : null}
          <Tr>
            <Td className="font-semibold">Total</Td>
            <Td />
            <Td />
            <Td numeric className="font-semibold">
              {formatCents(invoice.totalCents)}
            </Td>
          </Tr>
        </TBody>
      </Table>
    </>
  );
}
