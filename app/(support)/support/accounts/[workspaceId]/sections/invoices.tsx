// The account's invoices (R8.2), newest first: number, what it is for, its
// period, status, total and dates. No PDF link: the PDF route is the
// workspace members' own, and support does not widen it.
import { Receipt } from "lucide-react";
import { DateText, formatDateRange } from "@/components/billing/dates";
import { InvoiceStatusBadge } from "@/components/billing/invoice-table";
import { invoiceKindLabels } from "@/components/billing/labels";
import { EmptyState } from "@/components/ui/empty-state";
import { TBody, THead, Table, Td, Th, Tr } from "@/components/ui/table";
import type { AccountInvoices } from "@/lib/db/queries/support-account";
import { formatCents, formatCount } from "@/lib/money";

export function invoicesDescription({ invoices, total }: AccountInvoices): string {
  if (total === 0) return "Every invoice of the account, newest first.";
  if (invoices.length < total) return `The latest ${formatCount(invoices.length)} of ${formatCount(total)} invoices, newest first.`;
  return total === 1 ? "The account's one invoice." : `All ${formatCount(total)} invoices, newest first.`;
}

export function InvoicesSection({ data }: { data: AccountInvoices }) {
  if (data.invoices.length === 0) {
    return <EmptyState compact icon={Receipt} title="No invoices yet" description="Invoices appear when the account is first charged." />;
  }
  return (
    <Table label="Invoices">
      <THead>
        <tr>
          <Th>Number</Th>
          <Th>Kind</Th>
          <Th>Period</Th>
          <Th>Status</Th>
          <Th align="right">Total</Th>
          <Th>Issued</Th>
          <Th>Due</Th>
          <Th>Paid</Th>
        </tr>
      </THead>
      <TBody>
        {data.invoices.map((invoice) => (
          <Tr key={invoice.id}>
            <Td className="whitespace-nowrap font-mono text-[13px] font-medium">{invoice.number}</Td>
            <Td className="whitespace-nowrap">{invoiceKindLabels[invoice.kind]}</Td>
            <Td className="whitespace-nowrap tabular-nums text-muted-foreground">
              {invoice.periodStart && invoice.periodEnd ? formatDateRange(invoice.periodStart, invoice.periodEnd) : "—"}
            </Td>
            <Td>
              <InvoiceStatusBadge status={invoice.status} />
            </Td>
            <Td numeric className="whitespace-nowrap font-medium">
              {formatCents(invoice.totalCents)}
            </Td>
            <Td className="whitespace-nowrap text-muted-foreground">{invoice.issuedAt ? <DateText date={invoice.issuedAt} /> : "Draft"}</Td>
            <Td className="whitespace-nowrap text-muted-foreground">{invoice.dueAt ? <DateText date={invoice.dueAt} /> : "—"}</Td>
            <Td className="whitespace-nowrap text-muted-foreground">{invoice.paidAt ? <DateText date={invoice.paidAt} /> : "—"}</Td>
          </Tr>
        ))}
      </TBody>
    </Table>
  );
}
