// One invoice (R8.2): its number, status, dates and the lines that say which
// source paid and which rule priced them.
import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { DateText, formatDateRange } from "@/components/billing/dates";
import { InvoiceStatusBadge } from "@/components/billing/invoice-table";
import { invoiceKindLabels } from "@/components/billing/labels";
import { Badge } from "@/components/ui/badge";
import { Card, CardContent } from "@/components/ui/card";
import { DescriptionList } from "@/components/ui/description-list";
import { PageHeader } from "@/components/ui/page-header";
import { TBody, THead, Table, Td, Th, Tr } from "@/components/ui/table";
import { requireWorkspace } from "@/lib/auth/access";
import { db } from "@/lib/db";
import { getInvoiceByNumber } from "@/lib/db/queries/dashboard";
import { formatCents, formatCount } from "@/lib/money";

export const metadata: Metadata = { title: "Invoice" };

const sourceLabels = { INCLUDED: "Included", PACKAGE: "Package", PREPAID: "Prepaid", FLEX: "Flex" } as const;

export default async function InvoicePage({ params }: { params: Promise<{ slug: string; number: string }> }) {
  const { slug, number } = await params;
  const ctx = await requireWorkspace(slug, "read");
  const invoice = await getInvoiceByNumber(await db(), ctx.workspace.id, decodeURIComponent(number));
  if (!invoice) notFound();

  return (
    <>
      <PageHeader
        title={`Invoice ${invoice.number}`}
        description={
          <>
            {invoiceKindLabels[invoice.kind]} for {ctx.workspace.name}.{" "}
            <Link href={`/w/${ctx.workspace.slug}/invoices`} className="text-primary underline-offset-4 hover:underline">
              All invoices
            </Link>
          </>
        }
        actions={<InvoiceStatusBadge status={invoice.status} />}
      />
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
