// The arrears state (R8.3–R8.5): where the account stands, its deadlines
// (in arrears since, end of grace, end of retention, data deleted) with how
// far away each is, and the overdue invoices that keep it there.
import { BillingStateBadge } from "@/components/billing/billing-state";
import { DateText, formatRelativeDays } from "@/components/billing/dates";
import { invoiceKindLabels } from "@/components/billing/labels";
import { Card, CardContent } from "@/components/ui/card";
import { DescriptionList } from "@/components/ui/description-list";
import { TBody, THead, Table, Td, Th, Tr } from "@/components/ui/table";
import type { ArrearsState } from "@/lib/db/queries/support-account";
import { formatCents } from "@/lib/money";

function When({ date, now, testId }: { date: Date | null; now: Date; testId?: string }) {
  if (!date) return <span className="text-muted-foreground">—</span>;
  return (
    <span data-testid={testId}>
      <DateText date={date} withTime />
      <span className="block text-[13px] text-muted-foreground">{formatRelativeDays(date, now)}</span>
    </span>
  );
}

const stateNotes = {
  GOOD: "Paid up: nothing is overdue.",
  GRACE:
    "Flex and pay-as-you-go usage is refused; included, package and prepaid credits still work. Only top-ups and paying the invoice are allowed.",
  RETENTION: "Every metered call is refused; the data is kept until retention ends. Paying restores service.",
  DELETED: "API keys and usage records were deleted after retention. Invoices and the audit trail are kept.",
} as const;

export function ArrearsSection({ data, now }: { data: ArrearsState; now: Date }) {
  return (
    <div className="space-y-4">
      <Card>
        <CardContent className="space-y-5">
          <div className="flex flex-wrap items-center gap-3">
            <BillingStateBadge info={data} />
            <p className="text-sm text-muted-foreground">{stateNotes[data.billingState]}</p>
          </div>
          <DescriptionList
            columns={3}
            items={[
              { term: "In arrears since", value: <When date={data.arrearsSince} now={now} /> },
              { term: "Grace ends", value: <When date={data.graceEndsAt} now={now} testId="grace-ends" /> },
              { term: "Retention ends", value: <When date={data.retentionEndsAt} now={now} testId="retention-ends" /> },
              { term: "Data deleted", value: <When date={data.dataDeletedAt} now={now} /> },
              {
                term: "Overdue",
                value:
                  data.overdue.length === 0 ? (
                    <span className="text-muted-foreground">Nothing: no open invoice has a failed payment</span>
                  ) : (
                    <span className="font-medium tabular-nums">
                      {formatCents(data.overdueCents)}{" "}
                      <span className="font-normal text-muted-foreground">
                        on {data.overdue.length} {data.overdue.length === 1 ? "invoice" : "invoices"}
                      </span>
                    </span>
                  ),
              },
            ]}
          />
        </CardContent>
      </Card>

      {data.overdue.length === 0 ? null : (
        <Table label="Overdue invoices">
          <THead>
            <tr>
              <Th>Number</Th>
              <Th>Kind</Th>
              <Th align="right">Total</Th>
              <Th>Due</Th>
              <Th>First failed</Th>
              <Th align="right">Attempts</Th>
              <Th>Next try</Th>
              <Th>Last error</Th>
            </tr>
          </THead>
          <TBody>
            {data.overdue.map((invoice) => (
              <Tr key={invoice.id}>
                <Td className="whitespace-nowrap font-mono text-[13px] font-medium">{invoice.number}</Td>
                <Td className="whitespace-nowrap">{invoiceKindLabels[invoice.kind]}</Td>
                <Td numeric className="whitespace-nowrap font-medium">
                  {formatCents(invoice.totalCents)}
                </Td>
                <Td className="whitespace-nowrap text-muted-foreground">{invoice.dueAt ? <DateText date={invoice.dueAt} /> : "—"}</Td>
                <Td className="whitespace-nowrap text-muted-foreground">
                  {invoice.firstFailedAt ? <DateText date={invoice.firstFailedAt} withTime /> : "—"}
                </Td>
                <Td numeric>{invoice.collectionAttempts}</Td>
                <Td className="whitespace-nowrap text-muted-foreground">
                  {invoice.nextCollectionAt ? <DateText date={invoice.nextCollectionAt} /> : "No retry planned"}
                </Td>
                <Td className="min-w-64 text-muted-foreground">{invoice.lastPaymentError ?? "—"}</Td>
              </Tr>
            ))}
          </TBody>
        </Table>
      )}
    </div>
  );
}
