// Usage over the last 30 days (R10), by UTC day, from the hourly rollup: the
// customer's two charts (operations by type, credits by the source that
// paid) with the totals of the span beside them. Refused calls are never counted.
import { BarChart3 } from "lucide-react";
import { LazyUsageChart, type UsageChartPoint } from "@/components/billing/usage-chart-lazy";
import { creditsUsd } from "@/components/billing/credit-amount";
import { formatDate } from "@/components/billing/dates";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { CREDIT_SOURCES, type UsageSeries } from "@/lib/db/queries/usage-series";
import { formatCount, formatCredits } from "@/lib/money";

const sourceNames: Record<(typeof CREDIT_SOURCES)[number], string> = {
  included: "Included",
  package: "Packages",
  prepaid: "Prepaid",
  flex: "Flex",
};

export function UsageSection({ series }: { series: UsageSeries }) {
  const noUsage = series.totals.operations === "0";
  // The charts draw counts, never money: Number is fine here; the exact totals are beside them.
  const operations: UsageChartPoint[] = series.points.map((point) => {
    const row: UsageChartPoint = { at: point.at };
    for (const type of series.types) row[type.code] = Number(point.operations[type.code] ?? 0);
    return row;
  });
  const credits: UsageChartPoint[] = series.points.map((point) => {
    const row: UsageChartPoint = { at: point.at };
    for (const source of CREDIT_SOURCES) row[source] = Number(point.credits[source]);
    return row;
  });
  const total = BigInt(series.totals.credits);
  const last = new Date(new Date(series.range.end).getTime() - 1);

  if (noUsage) {
    return (
      <EmptyState
        compact
        icon={BarChart3}
        title="No usage in the last 30 days"
        description={`No successful operation from ${formatDate(new Date(series.range.start))} to ${formatDate(last)} (UTC).`}
      />
    );
  }

  return (
    <div className="space-y-4" data-testid="support-usage">
      <div className="grid gap-4 sm:grid-cols-3">
        <Stat label="Operations" value={formatCount(BigInt(series.totals.operations))} testId="usage-operations" />
        <Stat label="Credits used" value={formatCredits(total)} hint={`≈ ${creditsUsd(total)}, all sources`} testId="usage-credits" />
        <Stat
          label="Flex"
          value={formatCredits(BigInt(series.totals.creditsBySource.flex))}
          hint={`≈ ${creditsUsd(BigInt(series.totals.creditsBySource.flex))}, billed on invoices`}
        />
      </div>
      <div className="grid gap-4 xl:grid-cols-2">
        <Card>
          <CardHeader>
            <CardTitle as="h3">Operations per day</CardTitle>
            <CardDescription>
              By operation type, {formatDate(new Date(series.range.start))} – {formatDate(last)} (UTC).
            </CardDescription>
          </CardHeader>
          <CardContent>
            <figure>
              <LazyUsageChart
                points={operations}
                series={series.types.map((type) => ({ key: type.code, name: type.name }))}
                bucket="day"
                timeZone="UTC"
              />
              <figcaption className="mt-3 flex flex-wrap gap-x-4 gap-y-1 text-[13px] tabular-nums text-muted-foreground">
                {series.types.map((type) => (
                  <span key={type.code}>
                    {type.name}{" "}
                    <span className="font-medium text-foreground">
                      {formatCount(BigInt(series.totals.operationsByType[type.code] ?? "0"))}
                    </span>
                  </span>
                ))}
              </figcaption>
            </figure>
          </CardContent>
        </Card>
        <Card>
          <CardHeader>
            <CardTitle as="h3">Credits per day</CardTitle>
            <CardDescription>By the source that paid for them, in the order they are spent.</CardDescription>
          </CardHeader>
          <CardContent>
            <figure>
              <LazyUsageChart
                points={credits}
                series={CREDIT_SOURCES.map((source) => ({ key: source, name: sourceNames[source] }))}
                bucket="day"
                timeZone="UTC"
              />
              <figcaption className="mt-3 flex flex-wrap gap-x-4 gap-y-1 text-[13px] tabular-nums text-muted-foreground">
                {CREDIT_SOURCES.map((source) => (
                  <span key={source}>
                    {sourceNames[source]}{" "}
                    <span className="font-medium text-foreground">{formatCredits(BigInt(series.totals.creditsBySource[source]))}</span>
                  </span>
                ))}
              </figcaption>
            </figure>
          </CardContent>
        </Card>
      </div>
    </div>
  );
}

function Stat({ label, value, hint, testId }: { label: string; value: string; hint?: string; testId?: string }) {
  return (
    <Card className="px-5 py-4">
      <p className="text-[13px] font-medium text-muted-foreground">{label}</p>
      <p className="mt-1.5 text-xl font-semibold tracking-tight tabular-nums" data-testid={testId}>
        {value}
      </p>
      {hint ? <p className="mt-1 text-xs text-muted-foreground">{hint}</p> : null}
    </Card>
  );
}
