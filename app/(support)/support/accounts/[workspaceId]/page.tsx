// One account, whole (R11): the plan and its periods, every balance, the
// ledger, usage, invoices, limits and refused calls, the arrears state, the
// billing timeline, members, keys and the audit trail, with the actions.
// Read-only sections; key prefixes only, never secrets; a card is its brand
// and last 4 digits. Each view is itself written to the audit trail.
import { ChevronLeft, KeyRound } from "lucide-react";
import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { BillingTimelineSection } from "@/components/billing/billing-timeline";
import { parseLedgerSearch, type SearchParams } from "@/components/billing/ledger/search-params";
import { ApiKeyTable } from "@/components/billing/api-key-table";
import { BillingStateBadge, billingDeadline } from "@/components/billing/billing-state";
import { deploymentCreditsPerUsd } from "@/components/billing/credit-amount";
import { DateText, formatRelativeDays } from "@/components/billing/dates";
import { formatPlanFee } from "@/components/billing/labels";
import { MembersTable } from "@/components/billing/members-table";
import { Alert } from "@/components/ui/alert";
import { EmptyState } from "@/components/ui/empty-state";
import { requireStaff } from "@/lib/auth/access";
import { now } from "@/lib/clock";
import { db } from "@/lib/db";
import { recordStaffView } from "@/lib/db/audit";
import { listOperationTypes } from "@/lib/db/queries/catalog";
import { readLedgerPage } from "@/lib/db/queries/ledger-explorer";
import { getAccount } from "@/lib/db/queries/support";
import { SUPPORT_ACCOUNT_LIMITS, loadAccountSections } from "@/lib/db/queries/support-account";
import { AccountActions } from "./account-actions";
import { AccountSection, ACCOUNT_SECTIONS, Anchor } from "./sections/account-section";
import { AccountSummary } from "./sections/account-summary";
import { ArrearsSection } from "./sections/arrears";
import { AuditLogSection, auditDescription } from "./sections/audit-log";
import { BalancesSection } from "./sections/balances";
import { InvoicesSection, invoicesDescription } from "./sections/invoices";
import { LedgerSection, SUPPORT_LEDGER_PAGE_SIZE } from "./sections/ledger";
import { RateLimitsPanel, RefusedCallsPanel } from "./sections/limits";
import { PlanAndPeriodsSection } from "./sections/plan-periods";
import { SectionNav } from "./sections/section-nav";
import { UsageSection } from "./sections/usage";

export const metadata: Metadata = { title: "Account · Support console" };

export default async function SupportAccountPage({
  params,
  searchParams,
}: {
  params: Promise<{ workspaceId: string }>;
  searchParams: Promise<SearchParams>;
}) {
  const staff = await requireStaff();
  const { workspaceId } = await params;
  const prisma = await db();
  const at = now();
  const [account, operationTypes, query] = await Promise.all([
    getAccount(prisma, workspaceId, at),
    listOperationTypes(prisma),
    searchParams,
  ]);
  if (!account) notFound();
  // R11: every staff view of an account is audited, this one included.
  await recordStaffView(prisma, { workspaceId: account.id, actor: { id: staff.id, email: staff.email, role: staff.staffRole }, now: at });

  const ledgerBase = `/support/accounts/${account.id}#ledger`;
  const search = parseLedgerSearch(
    query,
    operationTypes.map((type) => type.code),
  );
  const [sections, ledger] = await Promise.all([
    loadAccountSections(prisma, account.id, at),
    search.ok
      ? readLedgerPage(prisma, {
          workspaceId: account.id,
          filters: search.filters,
          cursor: search.cursor,
          direction: search.direction,
          limit: SUPPORT_LEDGER_PAGE_SIZE,
        })
      : Promise.resolve({ page: null, cursorRefused: false }),
  ]);

  const plan = sections.plan.subscription?.plan ?? null;
  const deadline = billingDeadline(account);
  const owner = account.memberships.find((member) => member.role === "OWNER");

  return (
    <>
      <Link href="/support" className="mb-4 inline-flex items-center gap-1 text-sm text-muted-foreground hover:text-foreground">
        <ChevronLeft aria-hidden className="size-4" />
        Accounts
      </Link>
      <div className="mb-6 flex flex-col gap-3 sm:flex-row sm:items-end sm:justify-between">
        <div className="min-w-0 space-y-1.5">
          <h1 className="text-2xl font-semibold tracking-tight">{account.name}</h1>
          <p className="flex flex-wrap items-center gap-x-2 gap-y-1 text-[13px] text-muted-foreground">
            <span className="font-mono">{account.id}</span>
            <span aria-hidden>·</span>
            <span>{plan ? `${plan.name} (${formatPlanFee(plan)})` : "No plan"}</span>
            {owner ? (
              <>
                <span aria-hidden>·</span>
                <span>{owner.user.email}</span>
              </>
            ) : null}
          </p>
        </div>
        <div className="self-start sm:self-auto">
          <BillingStateBadge info={account} />
        </div>
      </div>

      {account.billingState !== "GOOD" ? (
        <Alert
          tone={account.billingState === "GRACE" ? "warning" : "danger"}
          className="mb-4"
          title={
            account.billingState === "GRACE"
              ? "In arrears: grace period"
              : account.billingState === "RETENTION"
                ? "In arrears: retention period, every metered call is refused"
                : "Data deleted after retention"
          }
          action={
            <a href="#arrears" className="text-sm font-medium text-foreground underline underline-offset-2">
              See arrears
            </a>
          }
        >
          {deadline ? (
            <>
              {account.billingState === "GRACE" ? "Grace ends" : "Data is deleted"} on <DateText date={deadline} withTime /> (
              {formatRelativeDays(deadline, at)}).
            </>
          ) : account.dataDeletedAt ? (
            <>
              Deleted on <DateText date={account.dataDeletedAt} />.
            </>
          ) : null}{" "}
          {sections.arrears && sections.arrears.overdue.length > 0
            ? `${sections.arrears.overdue.length} overdue ${sections.arrears.overdue.length === 1 ? "invoice" : "invoices"}.`
            : null}
        </Alert>
      ) : null}

      <SectionNav sections={ACCOUNT_SECTIONS} />

      <AccountSection id="account" title="Account">
        <AccountSummary account={account} card={sections.card} />
      </AccountSection>

      <AccountSection
        id="plan"
        title="Plan and periods"
        description="The subscription, what is scheduled for its period's end, and the latest periods."
      >
        <PlanAndPeriodsSection data={sections.plan} state={account} flexEnabled={account.flexEnabled} />
      </AccountSection>

      <AccountSection
        id="balances"
        title="Balances"
        description="What the account can spend right now, by source, as the customer and the API see it."
      >
        <BalancesSection data={sections.balances} plan={plan} flexEnabled={account.flexEnabled} now={at} />
      </AccountSection>

      <AccountSection
        id="actions"
        title="Actions"
        description="Each action is previewed before it is applied, and recorded in the audit log with its reason."
      >
        <AccountActions account={account} creditsPerUsd={deploymentCreditsPerUsd().toString()} now={at} />
      </AccountSection>

      <AccountSection
        id="ledger"
        title="Ledger"
        description="Every movement of the account's credits, newest first: usage with the sources that paid for it, included credits, top-ups, grants, packages, forfeits and expiries."
      >
        <LedgerSection
          basePath={ledgerBase}
          search={search}
          page={ledger.page}
          cursorRefused={ledger.cursorRefused}
          operationTypes={operationTypes}
        />
      </AccountSection>

      <AccountSection id="usage" title="Usage" description="Successful operations of the last 30 days, by UTC day.">
        <UsageSection series={sections.usage} />
      </AccountSection>

      <AccountSection id="invoices" title="Invoices" description={invoicesDescription(sections.invoices)}>
        <InvoicesSection data={sections.invoices} />
      </AccountSection>

      <AccountSection
        id="limits"
        title="Rate limits and refused calls"
        description="What throttles the account's API calls, and what was refused lately."
      >
        <div className="space-y-8">
          <RateLimitsPanel data={sections.limits} />
          <RefusedCallsPanel data={sections.refusals} days={SUPPORT_ACCOUNT_LIMITS.refusalDays} />
        </div>
      </AccountSection>

      <AccountSection id="arrears" title="Arrears" description="The payment state of the account and its deadlines, in UTC.">
        {sections.arrears ? <ArrearsSection data={sections.arrears} now={at} /> : null}
      </AccountSection>

      <Anchor id="timeline">
        <BillingTimelineSection timeline={sections.timeline} />
      </Anchor>

      <AccountSection id="members" title="Members">
        {account.memberships.length === 0 ? (
          <EmptyState compact title="No members" description="This workspace has no members." />
        ) : (
          <MembersTable members={account.memberships} />
        )}
      </AccountSection>

      <AccountSection id="api-keys" title="API keys" description="Prefixes only. Secrets are never stored or shown.">
        {account.apiKeys.length === 0 ? (
          <EmptyState compact icon={KeyRound} title="No API keys" description="This workspace has not created any keys." />
        ) : (
          <ApiKeyTable keys={account.apiKeys} />
        )}
      </AccountSection>

      <AccountSection id="audit" title="Audit log" description={auditDescription(sections.audit)}>
        <AuditLogSection data={sections.audit} />
      </AccountSection>
    </>
  );
}
