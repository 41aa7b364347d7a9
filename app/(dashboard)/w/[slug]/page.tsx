// Overview (R10): the plan, the billing state, the next charge with its
// estimate, what needs attention, and the balance of every credit source.
import { ArrowRight, CircleAlert, Info, TriangleAlert } from "lucide-react";
import type { Metadata } from "next";
import Link from "next/link";
import { FlexBalanceCard, IncludedBalanceCard, PackagesBalanceCard, PrepaidBalanceCard } from "@/components/billing/balance-cards";
import { PlanCard } from "@/components/billing/plan-card";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import { PageHeader, Section } from "@/components/ui/page-header";
import { requireWorkspace } from "@/lib/auth/access";
import { now } from "@/lib/clock";
import { DateText } from "@/components/billing/dates";
import { cn } from "@/components/ui/cn";
import { db } from "@/lib/db";
import { getBillingSettings, getLiveBalances } from "@/lib/db/queries/dashboard";
import { loadNextCharge, type NextCharge } from "@/lib/db/queries/forecast";
import { env } from "@/lib/env";
import { formatCents } from "@/lib/money";
import { thingsToDo, type Attention } from "./things-to-do";

export const metadata: Metadata = { title: "Overview" };

const spendingOrder = [
  { title: "Included and package credits", detail: "Whichever expires first; included first on a tie." },
  { title: "Prepaid credits", detail: "Top-ups and grants. They never expire." },
  { title: "Flex", detail: "Postpaid, billed at the end of the period, when flex is on." },
];

export default async function OverviewPage({ params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  const ctx = await requireWorkspace(slug, "read");
  const prisma = await db();
  const at = now();
  // The balances at this instant, as the API would report them.
  const [{ balance, packages }, settings, nextCharge] = await Promise.all([
    getLiveBalances(prisma, ctx.workspace.id, at),
    getBillingSettings(prisma, ctx.workspace.id),
    loadNextCharge(prisma, ctx.workspace.id, at, env().CREDITS_PER_USD),
  ]);
  const projection = nextCharge.forecast.ok ? nextCharge.forecast.forecast.expected.projection : null;

  const base = `/w/${ctx.workspace.slug}`;
  const state = {
    billingState: ctx.workspace.billingState,
    graceEndsAt: ctx.workspace.graceEndsAt,
    retentionEndsAt: ctx.workspace.retentionEndsAt,
  };

  const todo = thingsToDo({
    now: at,
    base,
    autoTopUpThreshold: settings?.autoTopUpEnabled ? (settings.autoTopUpThreshold ?? null) : null,
    prepaid: balance?.prepaid ?? 0n,
    hasCard: Boolean(settings?.card),
    planRequiresCard: (ctx.plan?.feeCents ?? 0) > 0,
    flexEnabled: ctx.workspace.flexEnabled,
    includedRunsOutAt: projection?.includedRunsOutAt ?? null,
    refusedFrom: projection?.refusedFrom?.at ?? null,
    periodEnd: ctx.subscription?.currentPeriodEnd ?? null,
    expiringPackages: packages.filter((pkg) => !pkg.autoRenew).map((pkg) => ({ name: pkg.package.name, expiresAt: pkg.expiresAt })),
  });

  return (
    <>
      <PageHeader title="Overview" description={`Plan, balances and billing status of ${ctx.workspace.name}.`} />

      <div className="mb-4 grid gap-4 lg:grid-cols-3">
        <NextChargeCard charge={nextCharge} usageHref={`${base}/usage?range=period`} />
        <div className="lg:col-span-2">
          <ThingsToDo items={todo} />
        </div>
      </div>

      <div className="grid gap-4 lg:grid-cols-3">
        <div className="lg:col-span-2">
          <PlanCard
            plan={ctx.plan}
            subscription={ctx.subscription}
            state={state}
            flexEnabled={ctx.workspace.flexEnabled}
            planHref={`${base}/plan`}
          />
        </div>
        <Card>
          <CardHeader>
            <CardTitle>How credits are spent</CardTitle>
          </CardHeader>
          <CardContent>
            <ol className="space-y-4">
              {spendingOrder.map((step, index) => (
                <li key={step.title} className="flex gap-3">
                  <span className="flex size-6 shrink-0 items-center justify-center rounded-full bg-primary-soft text-xs font-semibold tabular-nums text-primary-soft-foreground">
                    {index + 1}
                  </span>
                  <div className="space-y-0.5">
                    <p className="text-sm font-medium">{step.title}</p>
                    <p className="text-[13px] text-muted-foreground">{step.detail}</p>
                  </div>
                </li>
              ))}
            </ol>
            <p className="mt-4 text-[13px] text-muted-foreground">When nothing is left, calls are refused and nothing is charged.</p>
          </CardContent>
        </Card>
      </div>

      <Section title="Balances" description="What your workspace can spend right now, by source.">
        <div className="grid gap-4 sm:grid-cols-2 xl:grid-cols-4">
          <IncludedBalanceCard
            plan={ctx.plan}
            remaining={balance?.included ?? 0n}
            resetsAt={balance?.includedExpiresAt ?? ctx.subscription?.currentPeriodEnd ?? null}
            opened={balance?.opened ?? false}
            expired={balance?.includedExpired ?? false}
            planHref={`${base}/plan`}
          />
          <PackagesBalanceCard packages={packages} packagesHref={`${base}/packages`} />
          <PrepaidBalanceCard prepaid={balance?.prepaid ?? 0n} creditsHref={`${base}/credits`} />
          <FlexBalanceCard
            plan={ctx.plan}
            flexEnabled={ctx.workspace.flexEnabled}
            flexUsed={balance?.flexUsed ?? 0n}
            creditsHref={`${base}/credits`}
          />
        </div>
      </Section>
    </>
  );
}

function NextChargeCard({ charge, usageHref }: { charge: NextCharge; usageHref: string }) {
  return (
    <Card role="region" aria-label="Next charge">
      <CardHeader>
        <CardTitle>Next charge</CardTitle>
      </CardHeader>
      <CardContent>
        {charge.at ? (
          <>
            <p className="text-2xl font-semibold tracking-tight tabular-nums" data-testid="next-charge-amount">
              {charge.basis === "forecast" ? "≈ " : ""}
              {formatCents(charge.totalCents)}
            </p>
            <p className="mt-1 text-sm text-muted-foreground">
              on <DateText date={charge.at} />
            </p>
            <p className="mt-3 text-[13px] text-muted-foreground">
              {charge.basis === "forecast" ? (
                <>
                  Estimated at the last week&apos;s pace.{" "}
                  <Link href={usageHref} className="font-medium text-primary underline-offset-2 hover:underline">
                    See the forecast
                  </Link>
                </>
              ) : (
                "The plan fee and flex usage so far; more flex usage adds to it."
              )}
            </p>
          </>
        ) : (
          <p className="text-sm text-muted-foreground">
            Nothing is scheduled: this plan has no fee, and usage is paid from credits as it happens.
          </p>
        )}
      </CardContent>
    </Card>
  );
}

const attentionIcons = { danger: CircleAlert, warning: TriangleAlert, info: Info } as const;

function ThingsToDo({ items }: { items: Attention[] }) {
  return (
    <Card role="region" aria-label="Things to do" className="h-full">
      <CardHeader>
        <CardTitle>Things to do</CardTitle>
      </CardHeader>
      <CardContent>
        {items.length === 0 ? (
          <p className="text-sm text-muted-foreground">Nothing needs your attention. Balances, cards and packages are in order.</p>
        ) : (
          <ul className="divide-y divide-border">
            {items.map((item) => {
              const Icon = attentionIcons[item.tone];
              return (
                <li key={item.text} className="flex flex-wrap items-center gap-x-3 gap-y-1 py-2.5 first:pt-0 last:pb-0">
                  <Icon
                    aria-hidden
                    className={cn(
                      "size-4 shrink-0",
                      item.tone === "danger" ? "text-danger" : item.tone === "warning" ? "text-warning" : "text-primary",
                    )}
                  />
                  <span className="min-w-0 flex-1 text-sm">{item.text}</span>
                  <Link
                    href={item.href}
                    className="inline-flex items-center gap-1 text-sm font-medium text-primary underline-offset-2 hover:underline"
                  >
                    {item.action}
                    <ArrowRight aria-hidden className="size-3.5" />
                  </Link>
                </li>
              );
            })}
          </ul>
        )}
      </CardContent>
    </Card>
  );
}
