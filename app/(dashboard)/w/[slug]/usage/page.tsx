// Usage (R10): operations per day by type over the last 30 days, from the hourly rollup.
import { Activity } from "lucide-react";
import type { Metadata } from "next";
import Link from "next/link";
import type { ReactNode } from "react";
import { CreditsWithUsd } from "@/components/billing/credit-amount";
import { DateText, formatDateRange } from "@/components/billing/dates";
import { LazyUsageChart, type UsageChartDay } from "@/components/billing/usage-chart-lazy";
import { buttonClassName } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader, Section } from "@/components/ui/page-header";
import { TBody, THead, Table, Td, Th, Tr } from "@/components/ui/table";
import { requireWorkspace } from "@/lib/auth/access";
import { now } from "@/lib/clock";
import { db } from "@/lib/db";
import { listOperationTypes } from "@/lib/db/queries/catalog";
import { getDailyUsage, getLimitsAndRefusals } from "@/lib/db/queries/dashboard";
import { formatCount } from "@/lib/money";

export const metadata: Metadata = { title: "Usage" };

const DAYS = 30;
const REFUSALS_DAYS = 7;

// R2.4 / R10: why calls were refused, in the customer's words.
const refusalLabels: Record<string, { label: string; help: string }> = {
  throttled: { label: "Over the rate limit", help: "Back off for Retry-After seconds and retry with the same Idempotency-Key." },
  insufficient_credits: { label: "Out of credits", help: "Top up, turn flex billing on, or wait for the next period." },
  arrears: { label: "In arrears", help: "Pay the open invoice to use flex again." },
  spend_cap: { label: "Spend cap reached", help: "Raise the monthly spend cap in Settings." },
  retention: { label: "Account suspended", help: "Pay the open invoice to restore service." },
  invalid_key: { label: "Revoked API key", help: "Use an active key from the API keys page." },
  invalid_body: { label: "Invalid request", help: "The response's details name the field to fix." },
  idempotency_mismatch: { label: "Idempotency key reused", help: "Use a new key for a different request." },
};

const sourceLabels = [
  { key: "included", label: "Included" },
  { key: "package", label: "Packages" },
  { key: "prepaid", label: "Prepaid" },
  { key: "flex", label: "Flex" },
] as const;

export default async function UsagePage({ params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  const ctx = await requireWorkspace(slug, "read");
  const prisma = await db();
  const at = now();
  const [usage, operationTypes, guard] = await Promise.all([
    getDailyUsage(prisma, ctx.workspace.id, at, DAYS),
    listOperationTypes(prisma),
    getLimitsAndRefusals(prisma, ctx.workspace.id, new Date(at.getTime() - REFUSALS_DAYS * 86_400_000)),
  ]);

  const first = usage.days[0];
  const last = usage.days[usage.days.length - 1];
  const range = first && last ? formatDateRange(new Date(`${first.day}T00:00:00Z`), new Date(`${last.day}T00:00:00Z`)) : "";

  // The chart draws counts of operations, not money, so Number is safe here.
  const chartDays: UsageChartDay[] = usage.days.map((day) => {
    const point: UsageChartDay = { day: day.day };
    for (const type of operationTypes) point[type.code] = Number(day.operations[type.code] ?? 0n);
    return point;
  });
  const series = operationTypes.map((type) => ({ code: type.code, name: type.name }));

  return (
    <>
      <PageHeader
        title="Usage"
        description="Successful operations per day by type over the last 30 days, and which credits paid for them. Refused calls are never counted."
      />

      {usage.totalOperations === 0n ? (
        <EmptyState
          icon={Activity}
          title="No usage in the last 30 days"
          description="Operations appear here within an hour after your first successful API call. Create an API key to start."
        >
          <Link href={`/w/${ctx.workspace.slug}/api-keys`} className={buttonClassName({ variant: "secondary", size: "sm" })}>
            Go to API keys
          </Link>
        </EmptyState>
      ) : (
        <>
          <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-4">
            <Stat label="Operations" value={formatCount(usage.totalOperations)} hint={range} />
            <Stat label="Credits used" value={<CreditsWithUsd credits={usage.totalCredits} />} hint="All sources" />
            {operationTypes.slice(0, 2).map((type) => (
              <Stat
                key={type.code}
                label={type.name}
                value={formatCount(usage.operationsByType[type.code] ?? 0n)}
                hint={`operations, last ${DAYS} days`}
              />
            ))}
          </div>

          <Card className="mt-6">
            <CardHeader>
              <CardTitle>Operations per day</CardTitle>
              <CardDescription>UTC days, {range}</CardDescription>
            </CardHeader>
            <CardContent>
              <figure>
                <LazyUsageChart days={chartDays} series={series} />
                <figcaption className="sr-only">
                  Stacked bar chart of daily operations by type over the last {DAYS} days. Totals are in the tables below.
                </figcaption>
              </figure>
            </CardContent>
          </Card>

          <div className="grid gap-x-6 lg:grid-cols-2">
            <Section title="By operation type">
              <Table label="Operations by type">
                <THead>
                  <tr>
                    <Th>Type</Th>
                    <Th align="right">Operations</Th>
                  </tr>
                </THead>
                <TBody>
                  {operationTypes.map((type) => (
                    <Tr key={type.code}>
                      <Td className="font-medium">{type.name}</Td>
                      <Td numeric>{formatCount(usage.operationsByType[type.code] ?? 0n)}</Td>
                    </Tr>
                  ))}
                </TBody>
              </Table>
            </Section>
            <Section title="By credit source">
              <Table label="Credits by source">
                <THead>
                  <tr>
                    <Th>Source</Th>
                    <Th align="right">Credits</Th>
                  </tr>
                </THead>
                <TBody>
                  {sourceLabels.map((source) => (
                    <Tr key={source.key}>
                      <Td className="font-medium">{source.label}</Td>
                      <Td numeric>
                        <CreditsWithUsd credits={usage.creditsBySource[source.key]} />
                      </Td>
                    </Tr>
                  ))}
                </TBody>
              </Table>
            </Section>
          </div>
        </>
      )}

      <Section
        title="Rate limits and refused calls"
        description={`Calls over a limit get HTTP 429 and are not charged. Refused calls of the last ${REFUSALS_DAYS} days, by reason; they are never counted as usage.`}
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
                  <Th>What to do</Th>
                  <Th align="right">Calls</Th>
                  <Th align="right">Last</Th>
                </tr>
              </THead>
              <TBody>
                {guard.refusals.map((refusal) => (
                  <Tr key={refusal.reason}>
                    <Td className="font-medium">{refusalLabels[refusal.reason]?.label ?? refusal.reason}</Td>
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

function Stat({ label, value, hint }: { label: string; value: ReactNode; hint?: string }) {
  return (
    <Card className="px-5 py-4">
      <p className="text-[13px] font-medium text-muted-foreground">{label}</p>
      <p className="mt-1.5 text-xl font-semibold tracking-tight tabular-nums">{value}</p>
      {hint ? <p className="mt-1 text-xs text-muted-foreground">{hint}</p> : null}
    </Card>
  );
}
