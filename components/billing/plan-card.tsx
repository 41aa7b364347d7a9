// The workspace's plan at a glance: what it costs, the current period, and
// whether the account is in good standing (R4, R8.3).
import { ArrowRight } from "lucide-react";
import Link from "next/link";
import { Badge } from "@/components/ui/badge";
import { Card, CardContent, CardFooter, CardHeader } from "@/components/ui/card";
import { DescriptionList } from "@/components/ui/description-list";
import type { BillingInterval } from "@/lib/generated/prisma/enums";
import { BillingStateBadge, type BillingStateInfo } from "./billing-state";
import { CreditsWithUsd } from "./credit-amount";
import { DateText, formatDateRange } from "./dates";
import { formatPlanFee, intervalNouns } from "./labels";

export interface PlanCardPlan {
  name: string;
  interval: BillingInterval;
  feeCents: number;
  includedCredits: bigint;
  flexAllowed: boolean;
}

export interface PlanCardSubscription {
  currentPeriodStart: Date;
  currentPeriodEnd: Date | null;
  cancelAtPeriodEnd: boolean;
}

export function PlanCard({
  plan,
  subscription,
  state,
  flexEnabled,
  planHref,
}: {
  plan: PlanCardPlan | null;
  subscription: PlanCardSubscription | null;
  state: BillingStateInfo;
  flexEnabled: boolean;
  /** Where "Compare plans" leads; no footer when absent (on the plan page itself). */
  planHref?: string;
}) {
  const noun = plan ? intervalNouns[plan.interval] : null;
  const periodEnd = subscription?.currentPeriodEnd ?? null;

  const details = plan
    ? [
        {
          term: "Current period",
          value: subscription ? (
            periodEnd ? (
              <span className="tabular-nums">{formatDateRange(subscription.currentPeriodStart, periodEnd)}</span>
            ) : (
              <span>
                Since <DateText date={subscription.currentPeriodStart} />
              </span>
            )
          ) : (
            "—"
          ),
        },
        {
          term: subscription?.cancelAtPeriodEnd ? "Ends on" : plan.feeCents > 0 ? "Next charge" : "Next reset",
          value: periodEnd ? <DateText date={periodEnd} /> : "—",
        },
        {
          term: "Included credits",
          value:
            plan.includedCredits > 0n ? (
              <span>
                <CreditsWithUsd credits={plan.includedCredits} />
                {noun ? <span className="text-muted-foreground"> per {noun}</span> : null}
              </span>
            ) : (
              <span className="text-muted-foreground">None</span>
            ),
        },
        {
          term: "Flex billing",
          value: plan.flexAllowed ? flexEnabled ? "On" : "Off" : <span className="text-muted-foreground">Not available</span>,
        },
      ]
    : [];

  return (
    <Card data-testid="current-plan">
      <CardHeader className="gap-3">
        <div className="flex flex-wrap items-center justify-between gap-3">
          <p className="text-xs font-medium uppercase tracking-wide text-muted-foreground">Current plan</p>
          <div className="flex flex-wrap items-center gap-2">
            {subscription?.cancelAtPeriodEnd ? (
              <Badge tone="warning" dot>
                Cancels at period end
              </Badge>
            ) : null}
            <BillingStateBadge info={state} />
          </div>
        </div>
        <div className="flex flex-wrap items-baseline gap-x-3 gap-y-1">
          <h2 className="text-xl font-semibold tracking-tight">{plan?.name ?? "No plan"}</h2>
          {plan ? <p className="text-sm tabular-nums text-muted-foreground">{formatPlanFee(plan)}</p> : null}
        </div>
      </CardHeader>
      <CardContent>
        {plan ? (
          <DescriptionList items={details} />
        ) : (
          <p className="text-sm text-muted-foreground">
            This workspace has no subscription. Choose a plan to get included credits each period.
          </p>
        )}
      </CardContent>
      {planHref ? (
        <CardFooter>
          <Link href={planHref} className="inline-flex items-center gap-1.5 font-medium text-primary hover:underline">
            {plan ? "Compare plans" : "Choose a plan"}
            <ArrowRight aria-hidden className="size-3.5" />
          </Link>
        </CardFooter>
      ) : null}
    </Card>
  );
}
