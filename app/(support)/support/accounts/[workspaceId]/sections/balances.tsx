// Every balance at this instant (R5, R6), as the customer and the API see
// it: included with its reset, each live package with what is left and when
// it expires, prepaid, and the flex used this period — compact figures with
// their USD value (R1.3) and the exact count beside them — then the prepaid
// credits put in lately (top-ups and support grants, with their reason).
import { CalendarClock, Coins, Layers, Package, Zap, type LucideIcon } from "lucide-react";
import type { ReactNode } from "react";
import { CreditsFigure, CreditsWithUsd } from "@/components/billing/credit-amount";
import { DateText, formatRelativeDays } from "@/components/billing/dates";
import { grantKindLabels } from "@/components/billing/labels";
import { RemainingMeter } from "@/components/billing/meter";
import type { PlanCardPlan } from "@/components/billing/plan-card";
import { Badge } from "@/components/ui/badge";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { TBody, THead, Table, Td, Th, Tr } from "@/components/ui/table";
import type { AccountBalances } from "@/lib/db/queries/support-account";
import { formatCount } from "@/lib/money";

function SourceCard({ title, icon: Icon, badge, children }: { title: string; icon: LucideIcon; badge?: ReactNode; children: ReactNode }) {
  return (
    <Card className="flex flex-col px-5 py-4">
      <div className="flex items-center justify-between gap-2">
        <h3 className="flex items-center gap-2 text-sm font-medium text-muted-foreground">
          <span className="flex size-7 items-center justify-center rounded-lg bg-surface-muted text-foreground ring-1 ring-border">
            <Icon aria-hidden className="size-3.5" />
          </span>
          {title}
        </h3>
        {badge}
      </div>
      <div className="mt-3 flex-1">{children}</div>
    </Card>
  );
}

function Exact({ credits }: { credits: bigint }) {
  return <p className="mt-1 text-xs tabular-nums text-muted-foreground">{formatCount(credits)} exactly</p>;
}

function Note({ children }: { children: ReactNode }) {
  return <p className="mt-3 text-[13px] leading-relaxed text-muted-foreground text-pretty">{children}</p>;
}

export function BalancesSection({
  data,
  plan,
  flexEnabled,
  now,
}: {
  data: AccountBalances;
  plan: PlanCardPlan | null;
  flexEnabled: boolean;
  now: Date;
}) {
  const { balance, packages, prepaidGrants } = data;
  if (!balance) {
    return (
      <EmptyState
        compact
        icon={Coins}
        title="No balance yet"
        description="The billing engine has not written a balance for this workspace."
      />
    );
  }
  const allowance = plan?.includedCredits ?? 0n;
  const nextExpiry = packages[0]?.expiresAt ?? null;

  return (
    <div className="space-y-6">
      <div className="grid gap-4 sm:grid-cols-2 xl:grid-cols-4">
        <SourceCard title="Included" icon={Layers} badge={balance.includedExpired ? <Badge tone="warning">Expired</Badge> : undefined}>
          <CreditsFigure credits={balance.included} />
          <Exact credits={balance.included} />
          {allowance > 0n ? (
            <div className="mt-3 space-y-1.5">
              <RemainingMeter remaining={balance.included} total={allowance} label="Included left this period" />
              <p className="text-[13px] tabular-nums text-muted-foreground">of {formatCount(allowance)} this period</p>
            </div>
          ) : (
            <Note>{plan ? `${plan.name} includes none.` : "No plan, none included."}</Note>
          )}
          {balance.includedExpiresAt ? (
            <p className="mt-3 flex items-center gap-1.5 text-[13px] text-muted-foreground">
              <CalendarClock aria-hidden className="size-3.5 shrink-0" />
              <span>
                {balance.includedExpired ? "Expired" : plan?.interval === "YEAR" ? "Expires" : "Resets"}{" "}
                <DateText date={balance.includedExpiresAt} /> ({formatRelativeDays(balance.includedExpiresAt, now)})
              </span>
            </p>
          ) : null}
        </SourceCard>

        <SourceCard
          title="Packages"
          icon={Package}
          badge={packages.length > 0 ? <Badge tone="primary">{packages.length} active</Badge> : undefined}
        >
          {packages.length === 0 ? (
            <>
              <p className="text-2xl font-semibold tracking-tight">None active</p>
              <Note>No package quota is live right now.</Note>
            </>
          ) : (
            <>
              <p className="text-2xl font-semibold tracking-tight tabular-nums">
                {packages.length} {packages.length === 1 ? "package" : "packages"}
              </p>
              {nextExpiry ? (
                <p className="mt-0.5 text-sm text-muted-foreground">
                  next expiry <DateText date={nextExpiry} />
                </p>
              ) : null}
              <Note>Each quota and its expiry is listed below.</Note>
            </>
          )}
        </SourceCard>

        <SourceCard title="Prepaid" icon={Coins}>
          <CreditsFigure credits={balance.prepaid} />
          <Exact credits={balance.prepaid} />
          <Note>Top-ups and support grants. They never expire.</Note>
        </SourceCard>

        <SourceCard
          title="Flex used this period"
          icon={Zap}
          badge={
            !plan?.flexAllowed ? (
              <Badge>Not available</Badge>
            ) : flexEnabled ? (
              <Badge tone="success" dot>
                On
              </Badge>
            ) : (
              <Badge dot>Off</Badge>
            )
          }
        >
          <CreditsFigure credits={balance.flexUsed} />
          <Exact credits={balance.flexUsed} />
          <Note>Postpaid: added up over the period and billed on its invoice.</Note>
        </SourceCard>
      </div>

      {packages.length > 0 ? (
        <Table label="Active packages">
          <THead>
            <tr>
              <Th>Package</Th>
              <Th>Left</Th>
              <Th>Bought</Th>
              <Th>Expires</Th>
              <Th>Auto-renew</Th>
            </tr>
          </THead>
          <TBody>
            {packages.map((quota) => (
              <Tr key={quota.id}>
                <Td>
                  <span className="block font-medium">{quota.package.name}</span>
                  <span className="text-[13px] text-muted-foreground">{quota.operationType.name}</span>
                </Td>
                <Td className="min-w-48">
                  <p className="text-sm tabular-nums">
                    <span className="font-medium">{formatCount(quota.remainingOperations)}</span>
                    <span className="text-muted-foreground"> of {formatCount(quota.operations)} operations</span>
                  </p>
                  <RemainingMeter remaining={quota.remainingOperations} total={quota.operations} label={`${quota.package.name}: left`} />
                </Td>
                <Td className="whitespace-nowrap text-muted-foreground">
                  <DateText date={quota.startsAt} />
                </Td>
                <Td className="whitespace-nowrap">
                  <DateText date={quota.expiresAt} />
                  <span className="block text-[13px] text-muted-foreground">{formatRelativeDays(quota.expiresAt, now)}</span>
                </Td>
                <Td>{quota.autoRenew ? <Badge tone="success">On</Badge> : <Badge>Off</Badge>}</Td>
              </Tr>
            ))}
          </TBody>
        </Table>
      ) : null}

      <div>
        <h3 className="mb-3 text-sm font-semibold tracking-tight">Prepaid put in lately</h3>
        {prepaidGrants.length === 0 ? (
          <EmptyState compact title="No top-ups or grants" description="Bought top-ups, auto top-ups and support grants appear here." />
        ) : (
          <Table label="Top-ups and grants">
            <THead>
              <tr>
                <Th>When</Th>
                <Th>Kind</Th>
                <Th align="right">Amount</Th>
                <Th>Reason</Th>
              </tr>
            </THead>
            <TBody>
              {prepaidGrants.map((grant) => (
                <Tr key={grant.id}>
                  <Td className="whitespace-nowrap text-muted-foreground">
                    <DateText date={grant.createdAt} withTime />
                  </Td>
                  <Td>
                    <Badge tone={grant.kind === "SUPPORT" ? "primary" : "success"}>{grantKindLabels[grant.kind]}</Badge>
                  </Td>
                  <Td numeric className="whitespace-nowrap">
                    <CreditsWithUsd credits={grant.amount} />
                  </Td>
                  <Td className="text-muted-foreground">{grant.reason || "—"}</Td>
                </Tr>
              ))}
            </TBody>
          </Table>
        )}
      </div>
    </div>
  );
}
