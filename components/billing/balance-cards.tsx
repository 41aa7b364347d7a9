// One card per credit source, in the order they are spent (R5): included,
// packages, prepaid, flex. Real balances only: when a source is empty the
// card says what would fill it.
import { CalendarClock, Coins, Layers, Package, Zap, type LucideIcon } from "lucide-react";
import Link from "next/link";
import type { ReactNode } from "react";
import { Badge } from "@/components/ui/badge";
import { Card } from "@/components/ui/card";
import { formatCount, formatCredits } from "@/lib/money";
import { CreditsFigure } from "./credit-amount";
import { DateText, formatDate } from "./dates";
import { RemainingMeter } from "./meter";
import type { PlanCardPlan } from "./plan-card";

function BalanceCard({
  title,
  icon: Icon,
  badge,
  children,
  footer,
}: {
  title: string;
  icon: LucideIcon;
  badge?: ReactNode;
  children: ReactNode;
  footer?: ReactNode;
}) {
  return (
    <Card className="flex flex-col" role="region" aria-label={title}>
      <div className="flex items-center justify-between gap-2 px-5 pt-5">
        <h3 className="flex items-center gap-2 text-sm font-medium text-muted-foreground">
          <span className="flex size-7 items-center justify-center rounded-lg bg-surface-muted text-foreground ring-1 ring-border">
            <Icon aria-hidden className="size-3.5" />
          </span>
          {title}
        </h3>
        {badge}
      </div>
      <div className="flex-1 px-5 pb-5 pt-4">{children}</div>
      {footer ? <div className="border-t border-border px-5 py-3 text-[13px] text-muted-foreground">{footer}</div> : null}
    </Card>
  );
}

function EmptyNote({ children }: { children: ReactNode }) {
  return <p className="mt-3 text-[13px] leading-relaxed text-muted-foreground text-pretty">{children}</p>;
}

function FooterLink({ href, children }: { href: string; children: ReactNode }) {
  return (
    <Link href={href} className="font-medium text-primary hover:underline">
      {children}
    </Link>
  );
}

/** R5.1: the period's included credits, use it or lose it. */
export function IncludedBalanceCard({
  plan,
  remaining,
  resetsAt,
  opened,
  expired = false,
  planHref,
}: {
  plan: PlanCardPlan | null;
  /** What can pay right now: 0 once the period's credits have expired (the engine's rule, as the API reports it). */
  remaining: bigint;
  resetsAt: Date | null;
  /** False until the billing engine has granted this period's credits. */
  opened: boolean;
  /** The period has ended and its renewal has not been applied yet. */
  expired?: boolean;
  planHref: string;
}) {
  const allowance = plan?.includedCredits ?? 0n;
  if (!plan || allowance === 0n) {
    return (
      <BalanceCard title="Included" icon={Layers} footer={<FooterLink href={planHref}>See plans</FooterLink>}>
        <CreditsFigure credits={remaining} />
        <EmptyNote>
          {plan ? `${plan.name} has no included credits.` : "No plan, no included credits."} Monthly and annual plans include credits each
          period.
        </EmptyNote>
      </BalanceCard>
    );
  }
  const verb = plan.interval === "YEAR" ? "Expires" : "Resets";
  return (
    <BalanceCard
      title="Included"
      icon={Layers}
      footer={
        resetsAt ? (
          <span className="flex items-center gap-1.5">
            <CalendarClock aria-hidden className="size-3.5" />
            {expired ? "Expired" : verb} <DateText date={resetsAt} />
          </span>
        ) : (
          "Unused credits do not roll over"
        )
      }
    >
      <CreditsFigure credits={remaining} />
      <div className="mt-4 space-y-1.5">
        <RemainingMeter remaining={remaining} total={allowance} label="Included credits left" />
        <p className="text-[13px] tabular-nums text-muted-foreground">
          {!opened
            ? `Your ${formatCredits(allowance)} appear here once the period's credits are granted.`
            : expired
              ? `The period's credits have expired; the next ${formatCredits(allowance)} come with the renewal.`
              : `left of ${formatCredits(allowance)} this ${plan.interval === "YEAR" ? "year" : "period"}`}
        </p>
      </div>
    </BalanceCard>
  );
}

/** R5.2: bought top-ups and support grants; they never expire. */
export function PrepaidBalanceCard({ prepaid, creditsHref }: { prepaid: bigint; creditsHref: string }) {
  return (
    <BalanceCard
      title="Prepaid"
      icon={Coins}
      footer={<FooterLink href={creditsHref}>{prepaid > 0n ? "Top-ups and auto top-up" : "How top-ups work"}</FooterLink>}
    >
      <CreditsFigure credits={prepaid} />
      {prepaid === 0n ? (
        <EmptyNote>No prepaid credits. Top-ups land here, never expire, and are spent after included and package credits.</EmptyNote>
      ) : (
        <EmptyNote>Never expire. Spent after included and package credits.</EmptyNote>
      )}
    </BalanceCard>
  );
}

export interface PackageQuota {
  id: string;
  operations: bigint;
  remainingOperations: bigint;
  expiresAt: Date;
  package: { name: string };
  operationType: { code: string; name: string };
}

/** R6: active package quotas, the one expiring first first. */
export function PackagesBalanceCard({ packages, packagesHref }: { packages: PackageQuota[]; packagesHref: string }) {
  return (
    <BalanceCard
      title="Packages"
      icon={Package}
      badge={packages.length > 0 ? <Badge tone="primary">{packages.length} active</Badge> : undefined}
      footer={<FooterLink href={packagesHref}>{packages.length > 0 ? "All packages" : "Browse packages"}</FooterLink>}
    >
      {packages.length === 0 ? (
        <>
          <p className="text-2xl font-semibold tracking-tight tabular-nums">None active</p>
          <EmptyNote>Packages are discounted quotas of operations, paid upfront, valid for a month or a year.</EmptyNote>
        </>
      ) : (
        <ul className="space-y-4">
          {packages.slice(0, 3).map((quota) => (
            <li key={quota.id} className="space-y-1.5">
              <div className="flex items-baseline justify-between gap-2 text-sm">
                <span className="truncate font-medium">{quota.package.name}</span>
                <span className="shrink-0 text-[13px] text-muted-foreground">until {formatDate(quota.expiresAt)}</span>
              </div>
              <RemainingMeter
                remaining={quota.remainingOperations}
                total={quota.operations}
                label={`${quota.package.name} operations left`}
              />
              <p className="text-[13px] tabular-nums text-muted-foreground">
                {formatCount(quota.remainingOperations)} of {formatCount(quota.operations)} {quota.operationType.name.toLowerCase()} left
              </p>
            </li>
          ))}
          {packages.length > 3 ? <li className="text-[13px] text-muted-foreground">and {packages.length - 3} more</li> : null}
        </ul>
      )}
    </BalanceCard>
  );
}

/** R5.3: postpaid flex, added up over the period and billed at its end. */
export function FlexBalanceCard({
  plan,
  flexEnabled,
  flexUsed,
  creditsHref,
}: {
  plan: PlanCardPlan | null;
  flexEnabled: boolean;
  flexUsed: bigint;
  creditsHref: string;
}) {
  const allowed = plan?.flexAllowed ?? false;
  const badge = !allowed ? (
    <Badge>Not available</Badge>
  ) : flexEnabled ? (
    <Badge tone="success" dot>
      On
    </Badge>
  ) : (
    <Badge dot>Off</Badge>
  );
  return (
    <BalanceCard title="Flex" icon={Zap} badge={badge} footer={<FooterLink href={creditsHref}>Flex billing settings</FooterLink>}>
      <CreditsFigure credits={flexUsed} />
      <p className="mt-1 text-[13px] text-muted-foreground">used this period, billed at its end</p>
      {!allowed ? (
        <EmptyNote>
          {plan ? `${plan.name} does not include flex billing.` : "Flex billing comes with a paid plan."} When other credits run out, calls
          are refused until they are refilled.
        </EmptyNote>
      ) : !flexEnabled ? (
        <EmptyNote>Flex is off: a call that would need flex credits is refused.</EmptyNote>
      ) : flexUsed === 0n ? (
        <EmptyNote>Nothing used yet. Flex pays for calls once included, package and prepaid credits run out.</EmptyNote>
      ) : (
        <EmptyNote>Added up over the whole period, then converted and rounded down to the cent once.</EmptyNote>
      )}
    </BalanceCard>
  );
}
