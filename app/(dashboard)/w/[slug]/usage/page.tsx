// Usage (R10): operations by type and credits by source over a chosen range
// (the first one prefetched here, the others fetched by the browser), the
// forecast of this period's bill, and why calls were refused.
import { dehydrate, HydrationBoundary, QueryClient } from "@tanstack/react-query";
import { Activity } from "lucide-react";
import type { Metadata } from "next";
import { cookies } from "next/headers";
import { DateText } from "@/components/billing/dates";
import { QueryProvider } from "@/components/query-provider";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader, Section } from "@/components/ui/page-header";
import { TBody, THead, Table, Td, Th, Tr } from "@/components/ui/table";
import { requireWorkspace } from "@/lib/auth/access";
import { now } from "@/lib/clock";
import { db } from "@/lib/db";
import { refusalLabels } from "@/components/billing/labels";
import { getLimitsAndRefusals } from "@/lib/db/queries/dashboard";
import { loadForecast, type ForecastAnswer } from "@/lib/db/queries/forecast";
import { env } from "@/lib/env";
import { creditsToCents, formatCents, formatCount, formatCredits } from "@/lib/money";
import { isTimeZone } from "@/lib/usage/range";
import { loadUsageView } from "./load-usage";
import { UsageExplorer, type ForecastSteps } from "./usage-explorer";
import { usageQueryKey, type UsageRequest } from "./usage-query";
import { usageRequestSchema } from "./usage-request";

export const metadata: Metadata = { title: "Usage" };

const REFUSALS_DAYS = 7;

const one = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);

export default async function UsagePage({
  params,
  searchParams,
}: {
  params: Promise<{ slug: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { slug } = await params;
  const ctx = await requireWorkspace(slug, "read");
  const prisma = await db();
  const at = now();
  const creditsPerUsd = env().CREDITS_PER_USD;
  const query = await searchParams;
  const zone = (await cookies()).get("md_tz")?.value;
  const asked = usageRequestSchema.safeParse({
    range: one(query.range),
    from: one(query.from),
    to: one(query.to),
    tz: zone && isTimeZone(zone) ? zone : undefined,
  });
  const initial: UsageRequest = asked.success ? asked.data : { range: "30d", tz: "UTC" };

  const queryClient = new QueryClient();
  const [guard, forecast] = await Promise.all([
    getLimitsAndRefusals(prisma, ctx.workspace.id, new Date(at.getTime() - REFUSALS_DAYS * 86_400_000)),
    loadForecast(prisma, ctx.workspace.id, at, creditsPerUsd),
    queryClient.prefetchQuery({
      queryKey: usageQueryKey(ctx.workspace.slug, initial),
      queryFn: async () => {
        const view = await loadUsageView(ctx, initial, at);
        if (!view.ok) throw new Error(view.error);
        return view.series;
      },
    }),
  ]);
  const steps: ForecastSteps | null = forecast.ok
    ? { steps: forecast.forecast.expected.projection.steps.map((step) => ({ at: step.at.toISOString(), credits: String(step.credits) })) }
    : null;

  return (
    <>
      <PageHeader
        title="Usage"
        description="Successful operations by type and the credits that paid for them, over the range you choose. Refused calls are never counted."
      />
      <ForecastCard forecast={forecast} creditsPerUsd={creditsPerUsd} />
      <div className="mt-6">
        <QueryProvider>
          <HydrationBoundary state={dehydrate(queryClient)}>
            <UsageExplorer slug={ctx.workspace.slug} initial={initial} creditsPerUsd={String(creditsPerUsd)} forecast={steps} />
          </HydrationBoundary>
        </QueryProvider>
      </div>

      <Section
        title="Rate limits and refused calls"
        description={`Calls of the last ${REFUSALS_DAYS} days that were refused, by reason, with the HTTP status and status code the client got. Refused calls are never charged nor counted as usage.`}
      >
        <div className="grid gap-6 lg:grid-cols-[1fr_2fr]">
          <Card role="region" aria-label="Rate limits">
            <CardHeader>
              <CardTitle>Rate limits</CardTitle>
            </CardHeader>
            <CardContent>
              <ul className="space-y-3">
                {guard.limits.map((limit) => (
                  <li key={limit.window} className="flex items-baseline justify-between gap-3">
                    <span className="font-semibold tabular-nums">
                      {formatCount(limit.limit)} requests per {limit.window === "SECOND" ? "second" : "hour"}
                    </span>
                    <span className="text-[13px] text-muted-foreground">
                      {limit.source === "support" ? `Custom: ${limit.reason}` : `${limit.reason} plan`}
                    </span>
                  </li>
                ))}
              </ul>
            </CardContent>
          </Card>
          {guard.refusals.length === 0 ? (
            <EmptyState icon={Activity} title="No refused calls" description={`No call was refused in the last ${REFUSALS_DAYS} days.`} />
          ) : (
            <Table label="Refused calls">
              <THead>
                <tr>
                  <Th>Reason</Th>
                  <Th>Answered</Th>
                  <Th>What to do</Th>
                  <Th align="right">Calls</Th>
                  <Th align="right">Last</Th>
                </tr>
              </THead>
              <TBody>
                {guard.refusals.map((refusal) => (
                  <Tr key={refusal.reason}>
                    <Td className="font-medium">{refusalLabels[refusal.reason]?.label ?? refusal.reason}</Td>
                    <Td className="whitespace-nowrap font-mono text-[13px]">{refusalLabels[refusal.reason]?.status ?? "—"}</Td>
                    <Td className="text-muted-foreground">{refusalLabels[refusal.reason]?.help ?? ""}</Td>
                    <Td numeric>{formatCount(refusal.count)}</Td>
                    <Td numeric className="whitespace-nowrap text-muted-foreground">
                      {refusal.lastAt ? <DateText date={refusal.lastAt} withTime /> : "—"}
                    </Td>
                  </Tr>
                ))}
              </TBody>
            </Table>
          )}
        </div>
      </Section>
    </>
  );
}

/** The expected bill of the current period at the trailing week's pace, or why there is none. */
function ForecastCard({ forecast, creditsPerUsd }: { forecast: ForecastAnswer; creditsPerUsd: bigint }) {
  if (!forecast.ok) {
    return (
      <Card className="px-5 py-4" role="region" aria-label="Forecast">
        <p className="text-sm font-medium">Forecast to the end of the period</p>
        <p className="mt-1 text-sm text-muted-foreground" data-testid="forecast-absent">
          No forecast yet. {forecast.reason}
        </p>
      </Card>
    );
  }
  const { expected, low, high, invoiceAt, periodEnd } = forecast.forecast;
  const { projection } = expected;
  return (
    <Card className="px-5 py-4" role="region" aria-label="Forecast">
      <div className="flex flex-wrap items-start justify-between gap-4">
        <div>
          <p className="text-[13px] font-medium text-muted-foreground">Expected bill for this period</p>
          <p className="mt-1 text-2xl font-semibold tracking-tight tabular-nums" data-testid="forecast-total">
            {formatCents(expected.totalCents)}
          </p>
          <p className="mt-1 text-[13px] text-muted-foreground">
            {low.totalCents === high.totalCents
              ? "The same at the pace of the slowest and the busiest of those days."
              : `Between ${formatCents(low.totalCents)} and ${formatCents(high.totalCents)} at the pace of the slowest and the busiest of those days.`}{" "}
            {invoiceAt ? (
              <>
                Invoiced on <DateText date={invoiceAt} />.
              </>
            ) : null}
          </p>
        </div>
        <ul className="space-y-1 text-sm sm:text-right">
          {expected.flexCredits > 0n ? (
            <li>
              Flex: {formatCredits(expected.flexCredits)} ≈ {formatCents(creditsToCents(expected.flexCredits, creditsPerUsd))}
            </li>
          ) : null}
          {projection.includedRunsOutAt ? (
            <li data-testid="forecast-included-runs-out">
              At this pace your included credits run out on <DateText date={projection.includedRunsOutAt} />.
            </li>
          ) : null}
          {projection.refusedFrom ? (
            <li className="text-warning">
              From <DateText date={projection.refusedFrom.at} />, calls would be refused (
              {refusalLabels[projection.refusedFrom.reason]?.label.toLowerCase() ?? "no credits"}
              ).
            </li>
          ) : null}
        </ul>
      </div>
      <p className="mt-3 text-xs text-muted-foreground">
        Each operation type&apos;s average over the last {forecast.trailingDays === 1 ? "day" : `${forecast.trailingDays} days`}, continued
        until <DateText date={periodEnd} />, priced at this month&apos;s tiers and paid from your credits in the usual order.
      </p>
    </Card>
  );
}
