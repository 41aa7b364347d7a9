// One titled part of the account page, with the anchor the in-page navigation
// links to. The sections, in page order, are listed once here.
import type { ReactNode } from "react";
import { Section } from "@/components/ui/page-header";

export const ACCOUNT_SECTIONS = [
  { id: "account", label: "Account" },
  { id: "plan", label: "Plan" },
  { id: "balances", label: "Balances" },
  { id: "actions", label: "Actions" },
  { id: "ledger", label: "Ledger" },
  { id: "usage", label: "Usage" },
  { id: "invoices", label: "Invoices" },
  { id: "limits", label: "Limits" },
  { id: "arrears", label: "Arrears" },
  { id: "timeline", label: "Timeline" },
  { id: "members", label: "Members" },
  { id: "api-keys", label: "API keys" },
  { id: "audit", label: "Audit log" },
] as const;

export type AccountSectionId = (typeof ACCOUNT_SECTIONS)[number]["id"];

/** Clears the sticky header and the section links when the page scrolls to an anchor. */
export const ANCHOR_OFFSET = "scroll-mt-32";

export function AccountSection({
  id,
  title,
  description,
  actions,
  children,
}: {
  id: AccountSectionId;
  title: string;
  description?: ReactNode;
  actions?: ReactNode;
  children: ReactNode;
}) {
  return (
    <div id={id} className={ANCHOR_OFFSET}>
      <Section title={title} description={description} actions={actions}>
        {children}
      </Section>
    </div>
  );
}

/** A section that renders its own heading (e.g. the billing timeline), given its anchor. */
export function Anchor({ id, children }: { id: AccountSectionId; children: ReactNode }) {
  return (
    <div id={id} className={ANCHOR_OFFSET}>
      {children}
    </div>
  );
}
