// Invoices as a table (R8.2): number, what it is for, dates, status, total.
import Link from "next/link";
import { Badge } from "@/components/ui/badge";
import { TBody, THead, Table, Td, Th, Tr } from "@/components/ui/table";
import type { InvoiceKind, InvoiceStatus } from "@/lib/generated/prisma/enums";
import { formatCents } from "@/lib/money";
import { DateText, formatDateRange } from "./dates";
import { invoiceKindLabels, invoiceStatusLabels } from "./labels";

export interface InvoiceTableRow {
  id: string;
  number: string;
  kind: InvoiceKind;
  status: InvoiceStatus;
  totalCents: number;
  issuedAt: Date | null;
  createdAt: Date;
  periodStart?: Date | null;
  periodEnd?: Date | null;
}

export function InvoiceStatusBadge({ status }: { status: InvoiceStatus }) {
  const { label, tone } = invoiceStatusLabels[status];
  return (
    <Badge tone={tone} dot>
      {label}
    </Badge>
  );
}

export function InvoiceTable({
  invoices,
  showPeriod = true,
  hrefFor,
}: {
  invoices: InvoiceTableRow[];
  showPeriod?: boolean;
  /** Where an invoice's number links to (its detail page), when it has one. */
  hrefFor?: (invoice: InvoiceTableRow) => string;
}) {
  return (
    <Table label="Invoices">
      <THead>
        <tr>
          <Th>Number</Th>
          <Th>Description</Th>
          {showPeriod ? <Th>Period</Th> : null}
          <Th>Issued</Th>
          <Th>Status</Th>
          <Th align="right">Total</Th>
        </tr>
      </THead>
      <TBody>
        {invoices.map((invoice) => (
          <Tr key={invoice.id}>
            <Td className="font-mono text-[13px] font-medium">
              {hrefFor ? (
                <Link href={hrefFor(invoice)} className="text-primary underline-offset-4 hover:underline focus-visible:underline">
                  {invoice.number}
                </Link>
              ) : (
                invoice.number
              )}
            </Td>
            <Td>{invoiceKindLabels[invoice.kind]}</Td>
            {showPeriod ? (
              <Td className="whitespace-nowrap tabular-nums text-muted-foreground">
                {invoice.periodStart && invoice.periodEnd ? formatDateRange(invoice.periodStart, invoice.periodEnd) : "—"}
              </Td>
            ) : null}
            <Td className="whitespace-nowrap text-muted-foreground">
              <DateText date={invoice.issuedAt ?? invoice.createdAt} />
            </Td>
            <Td>
              <InvoiceStatusBadge status={invoice.status} />
            </Td>
            <Td numeric className="font-medium">
              {formatCents(invoice.totalCents)}
            </Td>
          </Tr>
        ))}
      </TBody>
    </Table>
  );
}
