// Plan (R4, R10, R12): the current subscription, every plan of the catalog to compare, the last month's usage priced on
// every plan, and the billing timeline.
import { Check, Minus } from "lucide-react";
import type { Metadata } from "next";
import type { ReactNode } from "react";
import { CreditsWithUsd } from "@/components/billing/credit-amount";
import { DateText } from "@/components/billing/dates";
import { formatPlanFee, formatRateLimits, intervalNouns } from "@/components/billing/labels";
import { PlanCard } from "@/components/billing/plan-card";
import { ManagerActions } from "@/components/billing/view-only-note";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { cn } from "@/components/ui/cn";
import { PageHeader, Section } from "@/components/ui/page-header";
import { requireWorkspace } from "@/lib/auth/access";
import { classifyChange } from "@/lib/billing/plan-terms";
import { can } from "@/lib/auth/roles";
import { now } from "@/lib/clock";
import { db } from "@/lib/db";
import { getCalculatorCatalog, getUsageByType, listCatalogPlans, type CatalogPlan } from "@/lib/db/queries/catalog";
import { parseCalculatorCatalog } from "@/lib/calculator/estimate";
import { deploymentCreditsPerUsd } from "@/components/billing/credit-amount";
import { getActiveSubscription } from "@/lib/db/queries/dashboard";
import { getBillingTimeline } from "@/lib/db/queries/timeline";
import { BillingTimelineSection } from "@/components/billing/billing-timeline";
import { LastMonthSection, previousCalendarMonth } from "./last-month";
import { CancelPlanButton, ChangePlanButton, UndoCancelButton, WithdrawDowngradeButton } from "./plan-dialogs";

export const metadata: Metadata = { title: "Plan" };

export default async function PlanPage({
  params,
  searchParams,
}: {
  params: Promise<{ slug: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { slug } = await params;
  const picked = (await searchParams).plan;
  const ctx = await requireWorkspace(slug, "read");
  const prisma = await db();
  const at = now();
  const lastMonth = previousCalendarMonth(at);
  const plansRead = listCatalogPlans(prisma);
  const [plans, subscription, timeline, calculatorData, lastMonthUsage] = await Promise.all([
    plansRead,
    getActiveSubscription(prisma, ctx.workspace.id),
    getBillingTimeline(prisma, ctx.workspace.id, at),
    // The plans read once, for the page and the calculator alike.
    plansRead.then((loaded) => getCalculatorCatalog(prisma, deploymentCreditsPerUsd(), { plans: loaded })),
    getUsageByType(prisma, ctx.workspace.id, lastMonth.start, lastMonth.end),
  ]);
  const canManage = can(ctx.role, "manage-billing");
  const currentCode = ctx.plan?.code ?? null;
  const isPaid = (ctx.plan?.feeCents ?? 0) > 0;
  const currentPlan = plans.find((plan) => plan.code === currentCode) ?? null;
  const cancelScheduled = Boolean(subscription?.cancelAtPeriodEnd);
  const scheduledCode = subscription?.scheduledPlan?.code ?? null;

  return (
    <>
      <PageHeader
        title="Plan"
        description="Your subscription, and the plans you can move to. Upgrades take effect at once; downgrades and cancellations at the end of the period."
        actions={
          <ManagerActions canManage={canManage}>
            {isPaid && currentPlan ? (
              <CancelPlanButton
                slug={ctx.workspace.slug}
                fromPlanCode={currentPlan.code}
                planName={currentPlan.name}
                scheduled={cancelScheduled}
              />
            ) : null}
          </ManagerActions>
        }
      />

      {subscription?.scheduledPlan ? (
        <div className="mb-6">
          <Alert
            tone="info"
            title={`Moving to ${subscription.scheduledPlan.name} at the end of this period`}
            action={
              canManage ? <WithdrawDowngradeButton slug={ctx.workspace.slug} scheduledPlanCode={subscription.scheduledPlan.code} /> : null
            }
          >
            {subscription.currentPeriodEnd ? (
              <>
                The change takes effect on <DateText date={subscription.currentPeriodEnd} />. Until then you keep your current plan.
              </>
            ) : null}
          </Alert>
        </div>
      ) : null}

      {cancelScheduled ? (
        <div className="mb-6">
          <Alert
            tone="warning"
            title="Your plan is cancelled at the end of this period"
            action={canManage ? <UndoCancelButton slug={ctx.workspace.slug} /> : null}
          >
            {subscription?.currentPeriodEnd ? (
              <>
                Service continues until <DateText date={subscription.currentPeriodEnd} />. Then the final invoice is issued, unused included
                credits are dropped, prepaid credits are kept, and the workspace moves to the Free plan.
              </>
            ) : null}
          </Alert>
        </div>
      ) : null}

      <PlanCard
        plan={ctx.plan}
        subscription={ctx.subscription}
        state={{
          billingState: ctx.workspace.billingState,
          graceEndsAt: ctx.workspace.graceEndsAt,
          retentionEndsAt: ctx.workspace.retentionEndsAt,
        }}
        flexEnabled={ctx.workspace.flexEnabled}
      />

      <Section title="All plans" description="Prices in USD. Usage beyond included credits is priced by the same tiers on every plan.">
        {plans.length === 0 ? (
          <p className="text-sm text-muted-foreground">The catalog has no plans yet.</p>
        ) : (
          <ul className="grid gap-4 md:grid-cols-2 xl:grid-cols-3">
            {plans.map((plan) => (
              <PlanOption
                key={plan.id}
                plan={plan}
                current={plan.code === currentCode}
                action={
                  canManage && currentPlan ? (
                    <ChangePlanButton
                      slug={ctx.workspace.slug}
                      fromPlanCode={currentPlan.code}
                      toPlan={{ code: plan.code, name: plan.name }}
                      variant={classifyChange(currentPlan, plan) === "upgrade" ? "primary" : "secondary"}
                      status={plan.code === currentCode ? "current" : plan.code === scheduledCode ? "scheduled" : "available"}
                      autoOpen={picked === plan.code}
                      label={`${classifyChange(currentPlan, plan) === "upgrade" && plan.feeCents > 0 ? "Upgrade" : "Switch"} to ${plan.name}`}
                    />
                  ) : null
                }
              />
            ))}
          </ul>
        )}
      </Section>

      <LastMonthSection
        catalog={parseCalculatorCatalog(calculatorData)}
        usage={lastMonthUsage}
        month={lastMonth.start}
        currentPlanCode={currentCode ?? undefined}
      />

      <BillingTimelineSection timeline={timeline} />
    </>
  );
}

function PlanOption({ plan, current, action }: { plan: CatalogPlan; current: boolean; action: ReactNode }) {
  const noun = intervalNouns[plan.interval];
  const features = [
    {
      ok: plan.includedCredits > 0n,
      text:
        plan.includedCredits > 0n ? (
          <>
            <CreditsWithUsd credits={plan.includedCredits} /> included{noun ? ` per ${noun}` : ""}
          </>
        ) : (
          "No included credits"
        ),
    },
    {
      ok: plan.flexAllowed,
      text: plan.flexAllowed ? (plan.payAsYouGo ? "Flex billing with a card on file" : "Flex billing available") : "No flex billing",
    },
    { ok: true, text: formatRateLimits(plan.rateLimits) },
    { ok: !plan.requiresCard, text: plan.requiresCard ? "Card required" : "No card needed" },
  ];
  return (
    <li
      aria-current={current ? "true" : undefined}
      className={cn(
        "flex flex-col rounded-xl border bg-surface p-5 shadow-card",
        current ? "border-primary ring-1 ring-primary" : "border-border",
      )}
    >
      <div className="flex items-start justify-between gap-3">
        <h3 className="font-semibold tracking-tight">{plan.name}</h3>
        {current ? <Badge tone="primary">Current plan</Badge> : null}
      </div>
      <p className="mt-2 text-2xl font-semibold tracking-tight tabular-nums">{formatPlanFee(plan)}</p>
      {plan.description ? <p className="mt-1 text-sm text-muted-foreground">{plan.description}</p> : null}
      <ul className="mt-4 flex-1 space-y-2 text-sm">
        {features.map((feature, index) => (
          <li key={index} className="flex items-start gap-2">
            {feature.ok ? (
              <Check aria-hidden className="mt-0.5 size-4 shrink-0 text-success" />
            ) : (
              <Minus aria-hidden className="mt-0.5 size-4 shrink-0 text-muted-foreground" />
            )}
            <span className={feature.ok ? undefined : "text-muted-foreground"}>{feature.text}</span>
          </li>
        ))}
      </ul>
      {action}
    </li>
  );
}
