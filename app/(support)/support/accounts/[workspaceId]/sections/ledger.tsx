// The customer's ledger explorer (R10, R5) inside the account page, at this
// page's address (its GET parameters, back at the #ledger anchor). Invoice
// numbers are plain text: the invoice pages are the customer's.
import { LedgerView, type LedgerViewProps } from "@/components/billing/ledger/ledger-view";

export const SUPPORT_LEDGER_PAGE_SIZE = 25;

export function LedgerSection(props: Omit<LedgerViewProps, "slug" | "emptyDescription" | "compact">) {
  return (
    <LedgerView
      {...props}
      compact
      emptyDescription="Included credits, top-ups, grants, packages and charged usage appear here as they happen."
    />
  );
}
