// One account, whole (R11): plan, state, balances, members, keys, invoices,
// audit trail. Key prefixes only, never secrets or cards. Each view is
// itself written to the audit trail.
import { ChevronLeft, KeyRound, Receipt, ScrollText } from "lucide-react";
import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { ApiKeyTable } from "@/components/billing/api-key-table";
import { BillingStateBadge, BillingStateBanner } from "@/components/billing/billing-state";
import { CreditsWithUsd } from "@/components/billing/credit-amount";
import { DateText, formatDateRange } from "@/components/billing/dates";
import { InvoiceTable } from "@/components/billing/invoice-table";
import { formatPlanFee, formatRateLimits } from "@/components/billing/labels";
import { MembersTable } from "@/components/billing/members-table";
import { Badge } from "@/components/ui/badge";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import { DescriptionList } from "@/components/ui/description-list";
import { EmptyState } from "@/components/ui/empty-state";
import { Section } from "@/components/ui/page-header";
import { TBody, THead, Table, Td, Th, Tr } from "@/components/ui/table";
import { requireStaff } from "@/lib/auth/access";
import { deploymentCreditsPerUsd } from "@/components/billing/credit-amount";
import { GrantCredits } from "./grant-credits";
import { now } from "@/lib/clock";
import { db } from "@/lib/db";
import { recordStaffView } from "@/lib/db/audit";
import { getAccount } from "@/lib/db/queries/support";
import { formatCents } from "@/lib/money";

export const metadata: Metadata = { title: "Account · Support console" };

export default async function SupportAccountPage({ params }: { params: Promise<{ workspaceId: string }> }) {
  const staff = await requireStaff();
  const { workspaceId } = await params;
  const prisma = await db();
  const at = now();
  const account = await getAccount(prisma, workspaceId, at);
  if (!account) notFound();
  // R11: every staff view of an account is audited (this one appears in the log from the next view on).
  await recordStaffView(prisma, { workspaceId: account.id, actor: { id: staff.id, email: staff.email, role: staff.staffRole }, now: at });

  const subscription = account.subscriptions[0] ?? null;
  const plan = subscription?.plan ?? null;
  const limits = account.rateLimits.length > 0 ? account.rateLimits : (plan?.rateLimits ?? []);
  const members = account.memberships;

  return (
    <>
      <Link href="/support" className="mb-4 inline-flex items-center gap-1 text-sm text-muted-foreground hover:text-foreground">
        <ChevronLeft aria-hidden className="size-4" />
        Accounts
      </Link>
      <div className="mb-8 flex flex-col gap-3 sm:flex-row sm:items-end sm:justify-between">
        <div className="space-y-1.5">
          <h1 className="text-2xl font-semibold tracking-tight">{account.name}</h1>
          <p className="font-mono text-[13px] text-muted-foreground">{account.id}</p>
        </div>
        <BillingStateBadge info={account} />
      </div>

      {account.billingState !== "GOOD" ? (
        <div className="mb-6">
          <BillingStateBanner info={account} />
        </div>
      ) : null}

      <div className="grid gap-4 lg:grid-cols-2">
        <Card>
          <CardHeader>
            <CardTitle>Account</CardTitle>
          </CardHeader>
          <CardContent>
            <DescriptionList
              items={[
                { term: "Slug", value: <code className="font-mono text-[13px]">{account.slug}</code> },
                { term: "Created", value: <DateText date={account.createdAt} /> },
                {
                  term: "Stripe customer",
                  value: account.stripeCustomerId ? (
                    <code className="font-mono text-[13px]">{account.stripeCustomerId}</code>
                  ) : (
                    <span className="text-muted-foreground">None</span>
                  ),
                },
                {
                  term: "In arrears since",
                  value: account.arrearsSince ? <DateText date={account.arrearsSince} /> : <span className="text-muted-foreground">—</span>,
                },
                { term: "Flex billing", value: account.flexEnabled ? "On" : "Off" },
                { term: "Auto top-up", value: account.autoTopUpEnabled ? "On" : "Off" },
              ]}
            />
          </CardContent>
        </Card>

        <Card>
          <CardHeader>
            <CardTitle>Plan and limits</CardTitle>
          </CardHeader>
          <CardContent>
            <DescriptionList
              items={[
                {
                  term: "Plan",
                  value: plan ? (
                    <span>
                      <span className="font-medium">{plan.name}</span>{" "}
                      <span className="text-muted-foreground tabular-nums">· {formatPlanFee(plan)}</span>
                    </span>
                  ) : (
                    <span className="text-muted-foreground">No plan</span>
                  ),
                },
                {
                  term: "Current period",
                  value: subscription ? (
                    <span className="tabular-nums">
                      {subscription.currentPeriodEnd
                        ? formatDateRange(subscription.currentPeriodStart, subscription.currentPeriodEnd)
                        : "Open-ended"}
                      {subscription.cancelAtPeriodEnd ? (
                        <Badge tone="warning" className="ml-2">
                          Cancels at period end
                        </Badge>
                      ) : null}
                    </span>
                  ) : (
                    "—"
                  ),
                },
                {
                  term: account.rateLimits.length > 0 ? "Rate limits (custom)" : "Rate limits",
                  value: formatRateLimits(limits),
                },
                {
                  term: "Spend cap",
                  value:
                    account.spendCapCents != null ? (
                      <span className="tabular-nums">{formatCents(account.spendCapCents)}</span>
                    ) : (
                      <span className="text-muted-foreground">None</span>
                    ),
                },
              ]}
            />
          </CardContent>
        </Card>
      </div>

      <Section title="Balances">
        {account.balance ? (
          <Card>
            <CardContent>
              <DescriptionList
                columns={3}
                items={[
                  {
                    term: "Included",
                    value: (
                      <span>
                        <CreditsWithUsd credits={account.balance.included} />
                        {account.balance.includedExpiresAt ? (
                          <span className="block text-xs text-muted-foreground">
                            resets <DateText date={account.balance.includedExpiresAt} />
                          </span>
                        ) : null}
                      </span>
                    ),
                  },
                  { term: "Prepaid", value: <CreditsWithUsd credits={account.balance.prepaid} /> },
                  { term: "Flex used this period", value: <CreditsWithUsd credits={account.balance.flexUsed} /> },
                ]}
              />
            </CardContent>
          </Card>
        ) : (
          <EmptyState compact title="No balance yet" description="The billing engine has not written a balance for this workspace." />
        )}
      </Section>

      <Section title="Actions" description="Each action is previewed before it is applied, and recorded in the audit log with its reason.">
        <GrantCredits workspaceId={account.id} creditsPerUsd={deploymentCreditsPerUsd().toString()} />
      </Section>

      <Section title="Members">
        {members.length === 0 ? (
          <EmptyState compact title="No members" description="This workspace has no members." />
        ) : (
          <MembersTable members={members} />
        )}
      </Section>

      <Section title="API keys" description="Prefixes only. Secrets are never stored or shown.">
        {account.apiKeys.length === 0 ? (
          <EmptyState compact icon={KeyRound} title="No API keys" description="This workspace has not created any keys." />
        ) : (
          <ApiKeyTable keys={account.apiKeys} />
        )}
      </Section>

      <Section title="Recent invoices">
        {account.invoices.length === 0 ? (
          <EmptyState compact icon={Receipt} title="No invoices yet" description="Invoices appear when the account is first charged." />
        ) : (
          <InvoiceTable invoices={account.invoices} showPeriod={false} />
        )}
      </Section>

      <Section title="Audit log" description="Every change to the account, by customers and staff, newest first.">
        {account.auditLog.length === 0 ? (
          <EmptyState
            compact
            icon={ScrollText}
            title="No audit entries"
            description="Changes to plans, credits, keys and limits are recorded here."
          />
        ) : (
          <Table label="Audit log">
            <THead>
              <tr>
                <Th>When</Th>
                <Th>Actor</Th>
                <Th>Action</Th>
                <Th>Reason</Th>
              </tr>
            </THead>
            <TBody>
              {account.auditLog.map((entry) => (
                <Tr key={entry.id.toString()}>
                  <Td className="whitespace-nowrap text-muted-foreground">
                    <DateText date={entry.createdAt} withTime />
                  </Td>
                  <Td>
                    <span className="block">{entry.actorEmail}</span>
                    <span className="text-xs text-muted-foreground">{entry.actorRole}</span>
                  </Td>
                  <Td>
                    <code className="font-mono text-[13px]">{entry.action}</code>
                  </Td>
                  <Td className="text-muted-foreground">{entry.reason || "—"}</Td>
                </Tr>
              ))}
            </TBody>
          </Table>
        )}
      </Section>
    </>
  );
}
