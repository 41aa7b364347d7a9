// Overview (R10): the plan, the billing state and the balance of every credit source.
import type { Metadata } from "next";
import { FlexBalanceCard, IncludedBalanceCard, PackagesBalanceCard, PrepaidBalanceCard } from "@/components/billing/balance-cards";
import { PlanCard } from "@/components/billing/plan-card";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import { PageHeader, Section } from "@/components/ui/page-header";
import { requireWorkspace } from "@/lib/auth/access";
import { now } from "@/lib/clock";
import { db } from "@/lib/db";
import { getLiveBalances } from "@/lib/db/queries/dashboard";

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
  // The balances at this instant, as the API would report them.
  const { balance, packages } = await getLiveBalances(prisma, ctx.workspace.id, now());

  const base = `/w/${ctx.workspace.slug}`;
  const state = {
    billingState: ctx.workspace.billingState,
    graceEndsAt: ctx.workspace.graceEndsAt,
    retentionEndsAt: ctx.workspace.retentionEndsAt,
  };

  return (
    <>
      <PageHeader title="Overview" description={`Plan, balances and billing status of ${ctx.workspace.name}.`} />

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
