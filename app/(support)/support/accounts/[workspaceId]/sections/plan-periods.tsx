// The plan (R4): what the workspace is on, its current period, what is
// scheduled for the period's end (a downgrade, R4.5, or the cancellation,
// R4.6), and the latest periods with why each one closed.
import { CalendarRange } from "lucide-react";
import type { BillingStateInfo } from "@/components/billing/billing-state";
import { CreditsWithUsd } from "@/components/billing/credit-amount";
import { DateText, formatDateRange } from "@/components/billing/dates";
import { formatPlanFee } from "@/components/billing/labels";
import { PlanCard } from "@/components/billing/plan-card";
import { Alert } from "@/components/ui/alert";
import { Badge, type BadgeTone } from "@/components/ui/badge";
import { EmptyState } from "@/components/ui/empty-state";
import { TBody, THead, Table, Td, Th, Tr } from "@/components/ui/table";
import type { PlanAndPeriods } from "@/lib/db/queries/support-account";
import type { PeriodCloseReason } from "@/lib/generated/prisma/enums";

const closeReasons: Record<PeriodCloseReason, { label: string; tone: BadgeTone }> = {
  RENEWED: { label: "Renewed", tone: "neutral" },
  UPGRADED: { label: "Upgraded", tone: "primary" },
  DOWNGRADED: { label: "Downgraded", tone: "info" },
  CANCELED: { label: "Cancelled", tone: "warning" },
};

const ordinalRules = new Intl.PluralRules("en-US", { type: "ordinal" });
const ordinalSuffix: Record<string, string> = { one: "st", two: "nd", few: "rd", other: "th" };
const ordinal = (day: number) => `${day}${ordinalSuffix[ordinalRules.select(day)] ?? "th"}`;

export function PlanAndPeriodsSection({
  data,
  state,
  flexEnabled,
}: {
  data: PlanAndPeriods;
  state: BillingStateInfo;
  flexEnabled: boolean;
}) {
  const { subscription, periods } = data;
  return (
    <div className="space-y-4">
      {subscription?.scheduledPlan ? (
        <Alert tone="info" title={`Downgrade to ${subscription.scheduledPlan.name} scheduled`}>
          Takes effect at the end of the current period
          {subscription.currentPeriodEnd ? (
            <>
              , on <DateText date={subscription.currentPeriodEnd} />
            </>
          ) : null}
          ; {subscription.scheduledPlan.name} costs {formatPlanFee(subscription.scheduledPlan)}.
        </Alert>
      ) : null}
      {subscription?.cancelAtPeriodEnd ? (
        <Alert tone="warning" title="Cancelled at the end of the period">
          {subscription.currentPeriodEnd ? (
            <>
              On <DateText date={subscription.currentPeriodEnd} /> the final invoice is issued and the workspace moves to the Free plan.
            </>
          ) : (
            "At the period's end the final invoice is issued and the workspace moves to the Free plan."
          )}{" "}
          The customer can undo it until then.
        </Alert>
      ) : null}

      <PlanCard plan={subscription?.plan ?? null} subscription={subscription} state={state} flexEnabled={flexEnabled} />
      {subscription ? (
        <p className="text-[13px] text-muted-foreground">
          Subscribed since <DateText date={subscription.startedAt} />
          {subscription.plan.feeCents > 0 || subscription.plan.interval !== "NONE" ? (
            <> · the anniversary falls on the {ordinal(subscription.anchorDay)} (the last day of shorter months)</>
          ) : null}
          .
        </p>
      ) : null}

      {periods.length === 0 ? (
        <EmptyState compact icon={CalendarRange} title="No periods yet" description="Periods appear once the subscription has started." />
      ) : (
        <Table label="Billing periods">
          <THead>
            <tr>
              <Th>Period</Th>
              <Th>Plan</Th>
              <Th align="right">Included granted</Th>
              <Th>Closed</Th>
              <Th>Outcome</Th>
            </tr>
          </THead>
          <TBody>
            {periods.map((period) => (
              <Tr key={period.id}>
                <Td className="whitespace-nowrap tabular-nums">
                  {period.endsAt ? (
                    formatDateRange(period.startsAt, period.endsAt)
                  ) : (
                    <>
                      From <DateText date={period.startsAt} />
                    </>
                  )}
                </Td>
                <Td className="font-medium">{period.plan.name}</Td>
                <Td numeric className="whitespace-nowrap">
                  <CreditsWithUsd credits={period.includedGranted} />
                </Td>
                <Td className="whitespace-nowrap text-muted-foreground">
                  {period.closedAt ? <DateText date={period.closedAt} withTime /> : "—"}
                </Td>
                <Td>
                  {period.closedAt === null ? (
                    <Badge tone="success" dot>
                      Current
                    </Badge>
                  ) : period.closeReason ? (
                    <Badge tone={closeReasons[period.closeReason].tone}>{closeReasons[period.closeReason].label}</Badge>
                  ) : (
                    <Badge>Closed</Badge>
                  )}
                </Td>
              </Tr>
            ))}
          </TBody>
        </Table>
      )}
    </div>
  );
}
