"use client";

// The Usage page's interactive half: the range picker, the two charts and the
// totals for the chosen range, fetched through TanStack Query (the first range
// comes prefetched from the server), and the CSV of the same range.
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { Download, RotateCw } from "lucide-react";
import { useEffect, useId, useMemo, useState, type FormEvent, type ReactNode } from "react";
import { LazyUsageChart, type UsageChartPoint } from "@/components/billing/usage-chart-lazy";
import { HttpError } from "@/components/query-client";
import { Alert } from "@/components/ui/alert";
import { Button, buttonClassName } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { cn } from "@/components/ui/cn";
import { Skeleton } from "@/components/ui/skeleton";
import { TBody, THead, Table, Td, Th, Tr } from "@/components/ui/table";
import type { UsageSeries } from "@/lib/db/queries/usage-series";
import { creditsToCents, formatCents, formatCount, formatCredits } from "@/lib/money";
import { RANGE_KINDS, RANGE_LABELS, type RangeKind } from "@/lib/usage/range";
import type { UsageView } from "./load-usage";
import { usageDataUrl, usageExportUrl, usageQueryKey, type UsageRequest } from "./usage-query";

const SOURCES = [
  { key: "included", label: "Included" },
  { key: "package", label: "Packages" },
  { key: "prepaid", label: "Prepaid" },
  { key: "flex", label: "Flex" },
] as const;

/** The forecast's projected credits per UTC day from now to the period end (decimal strings). */
export interface ForecastSteps {
  steps: { at: string; credits: string }[];
}

async function fetchUsage(slug: string, request: UsageRequest): Promise<UsageSeries> {
  const response = await fetch(usageDataUrl(slug, request), { headers: { accept: "application/json" } });
  const body = (await response.json().catch(() => null)) as UsageView | null;
  if (body && !body.ok) throw new HttpError(response.status, body.error);
  if (!response.ok || !body) throw new HttpError(response.status, "The usage could not be loaded.");
  return body.series;
}

function browserTimeZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
  } catch {
    return "UTC";
  }
}

export function UsageExplorer({
  slug,
  initial,
  creditsPerUsd,
  forecast,
}: {
  slug: string;
  initial: UsageRequest;
  creditsPerUsd: string;
  forecast: ForecastSteps | null;
}) {
  const [request, setRequest] = useState<UsageRequest>(initial);
  // The server rendered in the zone it last heard of; the browser knows the viewer's.
  useEffect(() => {
    const zone = browserTimeZone();
    document.cookie = `md_tz=${encodeURIComponent(zone)}; path=/; max-age=31536000; samesite=lax`;
    // Only the browser knows its zone, and only after hydration (the server's render must match first).
    // eslint-disable-next-line react-hooks/set-state-in-effect
    if (zone !== initial.tz) setRequest((current) => ({ ...current, tz: zone }));
  }, [initial.tz]);

  const query = useQuery({
    queryKey: usageQueryKey(slug, request),
    queryFn: () => fetchUsage(slug, request),
    placeholderData: keepPreviousData,
  });
  const series = query.data;
  const refreshing = query.isFetching && query.isPlaceholderData;

  return (
    <div className="space-y-6">
      <RangePicker request={request} onChange={setRequest} busy={query.isFetching} />
      {query.isError && !series ? (
        <Alert tone="danger" live title="The usage could not be loaded">
          {query.error.message}{" "}
          <Button variant="secondary" size="sm" className="ml-2" onClick={() => void query.refetch()}>
            <RotateCw aria-hidden />
            Try again
          </Button>
        </Alert>
      ) : !series ? (
        <UsageSkeleton />
      ) : (
        <div aria-busy={refreshing || undefined} className={cn("space-y-6 transition-opacity", refreshing && "opacity-60")}>
          {query.isError ? (
            <Alert tone="danger" live>
              {query.error.message}
            </Alert>
          ) : null}
          <Totals series={series} creditsPerUsd={BigInt(creditsPerUsd)} exportUrl={usageExportUrl(slug, request)} />
          <Charts series={series} forecast={series.range.kind === "period" ? forecast : null} />
          <Breakdown series={series} creditsPerUsd={BigInt(creditsPerUsd)} />
        </div>
      )}
    </div>
  );
}

// ---------------------------------------------------------------- range picker

function RangePicker({ request, onChange, busy }: { request: UsageRequest; onChange: (next: UsageRequest) => void; busy: boolean }) {
  const fromId = useId();
  const toId = useId();
  const [from, setFrom] = useState(request.from ?? "");
  const [to, setTo] = useState(request.to ?? "");
  const [customOpen, setCustomOpen] = useState(request.range === "custom");

  function pick(kind: RangeKind) {
    if (kind === "custom") {
      setCustomOpen(true);
      return;
    }
    setCustomOpen(false);
    onChange({ range: kind, tz: request.tz });
  }

  function applyCustom(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    onChange({ range: "custom", from, to, tz: request.tz });
  }

  return (
    <div className="flex flex-col gap-3">
      <div className="flex flex-wrap items-center gap-3">
        <div
          role="group"
          aria-label="Range"
          data-view-control
          className="inline-flex flex-wrap rounded-lg border border-border bg-surface p-0.5 shadow-card"
        >
          {RANGE_KINDS.map((kind) => {
            const active = kind === "custom" ? customOpen : !customOpen && request.range === kind;
            return (
              <button
                key={kind}
                type="button"
                aria-pressed={active}
                onClick={() => pick(kind)}
                className={cn(
                  "h-8 rounded-md px-3 text-sm font-medium transition-colors focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-ring",
                  active ? "bg-primary text-primary-foreground" : "text-muted-foreground hover:bg-surface-muted hover:text-foreground",
                )}
              >
                {RANGE_LABELS[kind]}
              </button>
            );
          })}
        </div>
        <p className="text-[13px] text-muted-foreground" role="status">
          {busy ? "Loading…" : `Times in ${request.tz.replaceAll("_", " ")}`}
        </p>
      </div>
      {customOpen ? (
        <form onSubmit={applyCustom} className="flex flex-wrap items-end gap-3" aria-label="Custom range" data-view-control>
          <div className="flex flex-col gap-1">
            <label htmlFor={fromId} className="text-[13px] font-medium">
              From
            </label>
            <input
              id={fromId}
              type="date"
              required
              value={from}
              onChange={(event) => setFrom(event.target.value)}
              className="h-9 rounded-lg border border-input bg-surface px-3 text-sm shadow-card"
            />
          </div>
          <div className="flex flex-col gap-1">
            <label htmlFor={toId} className="text-[13px] font-medium">
              To
            </label>
            <input
              id={toId}
              type="date"
              required
              value={to}
              onChange={(event) => setTo(event.target.value)}
              className="h-9 rounded-lg border border-input bg-surface px-3 text-sm shadow-card"
            />
          </div>
          <Button type="submit" variant="secondary" size="sm" className="h-9">
            Show range
          </Button>
        </form>
      ) : null}
    </div>
  );
}

// ---------------------------------------------------------------- totals, charts, tables

function rangeLabel(series: UsageSeries): string {
  const { start, end, bucket, timeZone } = series.range;
  const format = new Intl.DateTimeFormat("en-US", {
    month: "short",
    day: "numeric",
    year: "numeric",
    ...(bucket === "hour" ? { hour: "numeric", minute: "2-digit" } : {}),
    timeZone,
  });
  // The range ends just before `end`: the last day shown is the one before it.
  const last = new Date(new Date(end).getTime() - (bucket === "hour" ? 0 : 1));
  return `${format.format(new Date(start))} – ${format.format(last)}`;
}

function Totals({ series, creditsPerUsd, exportUrl }: { series: UsageSeries; creditsPerUsd: bigint; exportUrl: string }) {
  const credits = BigInt(series.totals.credits);
  const flex = BigInt(series.totals.creditsBySource.flex);
  return (
    <div>
      <div className="mb-3 flex flex-wrap items-center justify-between gap-3">
        <p className="text-sm text-muted-foreground" data-testid="range-label">
          {rangeLabel(series)}
        </p>
        <a href={exportUrl} download className={buttonClassName({ variant: "secondary", size: "sm" })}>
          <Download aria-hidden />
          Download CSV
        </a>
      </div>
      <div className="grid gap-4 sm:grid-cols-3">
        <Stat
          label="Operations"
          value={formatCount(BigInt(series.totals.operations))}
          exact={series.totals.operations}
          testId="total-operations"
        />
        <Stat
          label="Credits used"
          value={formatCredits(credits)}
          exact={series.totals.credits}
          hint={`≈ ${formatCents(creditsToCents(credits, creditsPerUsd))}, all sources`}
          testId="total-credits"
        />
        <Stat
          label="Flex credits"
          value={formatCredits(flex)}
          exact={series.totals.creditsBySource.flex}
          hint={`≈ ${formatCents(creditsToCents(flex, creditsPerUsd))}, billed on the invoice`}
          testId="total-flex"
        />
      </div>
    </div>
  );
}

function Stat({ label, value, exact, hint, testId }: { label: string; value: ReactNode; exact: string; hint?: string; testId?: string }) {
  return (
    <Card className="px-5 py-4">
      <p className="text-[13px] font-medium text-muted-foreground">{label}</p>
      <p
        className="mt-1.5 text-xl font-semibold tracking-tight tabular-nums"
        data-testid={testId}
        data-value={exact}
        title={`${formatCount(BigInt(exact))} exactly`}
      >
        {value}
      </p>
      {hint ? <p className="mt-1 text-xs text-muted-foreground">{hint}</p> : null}
    </Card>
  );
}

function Charts({ series, forecast }: { series: UsageSeries; forecast: ForecastSteps | null }) {
  const operations: UsageChartPoint[] = useMemo(
    () =>
      series.points.map((point) => {
        const row: UsageChartPoint = { at: point.at };
        for (const type of series.types) row[type.code] = Number(point.operations[type.code] ?? 0);
        return row;
      }),
    [series],
  );
  const credits: UsageChartPoint[] = useMemo(() => {
    // The forecast's days, summed into the chart's buckets from the first one it reaches.
    const projected = new Array<number | null>(series.points.length).fill(null);
    if (forecast) {
      let index = 0;
      for (const step of forecast.steps) {
        const t = Date.parse(step.at);
        while (index + 1 < series.points.length && Date.parse(series.points[index + 1]!.at) <= t) index += 1;
        projected[index] = (projected[index] ?? 0) + Number(step.credits);
      }
    }
    return series.points.map((point, index) => {
      const row: UsageChartPoint = { at: point.at, forecast: projected[index] ?? null };
      for (const source of SOURCES) row[source.key] = Number(point.credits[source.key]);
      return row;
    });
  }, [series, forecast]);
  const unit = series.range.bucket === "hour" ? "hour" : "day";
  const noUsage = series.totals.operations === "0";

  return (
    <div className="grid gap-6 xl:grid-cols-2">
      <Card>
        <CardHeader>
          <CardTitle>Operations per {unit}</CardTitle>
          <CardDescription>By operation type. Refused calls are never counted.</CardDescription>
        </CardHeader>
        <CardContent>
          <figure>
            {noUsage ? (
              <EmptyChart />
            ) : (
              <LazyUsageChart
                points={operations}
                series={series.types.map((t) => ({ key: t.code, name: t.name }))}
                bucket={series.range.bucket}
                timeZone={series.range.timeZone}
              />
            )}
            <figcaption className="sr-only">
              Stacked bars of operations per {unit} by type. The exact totals are in the table below.
            </figcaption>
          </figure>
        </CardContent>
      </Card>
      <Card>
        <CardHeader>
          <CardTitle>Credits per {unit}</CardTitle>
          <CardDescription>
            By the source that paid for them{forecast ? "; the dashed line is the forecast to the end of the period" : ""}. Tier prices
            start again on the 1st of each month (UTC).
          </CardDescription>
        </CardHeader>
        <CardContent>
          <figure>
            {noUsage && !forecast ? (
              <EmptyChart />
            ) : (
              <LazyUsageChart
                points={credits}
                series={SOURCES.map((s) => ({ key: s.key, name: s.label }))}
                bucket={series.range.bucket}
                timeZone={series.range.timeZone}
                forecast={forecast ? { key: "forecast", name: "Forecast" } : undefined}
              />
            )}
            <figcaption className="sr-only">
              Stacked bars of credits per {unit} by source. The exact totals are in the table below.
            </figcaption>
          </figure>
        </CardContent>
      </Card>
    </div>
  );
}

function EmptyChart() {
  return (
    <div className="flex h-[280px] items-center justify-center rounded-lg border border-dashed border-border text-sm text-muted-foreground">
      No usage in this range.
    </div>
  );
}

function Breakdown({ series, creditsPerUsd }: { series: UsageSeries; creditsPerUsd: bigint }) {
  return (
    <div className="grid gap-x-6 gap-y-6 lg:grid-cols-2">
      <Table label="Operations by type">
        <THead>
          <tr>
            <Th>Type</Th>
            <Th align="right">Operations</Th>
          </tr>
        </THead>
        <TBody>
          {series.types.map((type) => (
            <Tr key={type.code}>
              <Td className="font-medium">{type.name}</Td>
              <Td numeric>{formatCount(BigInt(series.totals.operationsByType[type.code] ?? "0"))}</Td>
            </Tr>
          ))}
        </TBody>
      </Table>
      <Table label="Credits by source">
        <THead>
          <tr>
            <Th>Source</Th>
            <Th align="right">Credits</Th>
          </tr>
        </THead>
        <TBody>
          {SOURCES.map((source) => {
            const credits = BigInt(series.totals.creditsBySource[source.key]);
            return (
              <Tr key={source.key}>
                <Td className="font-medium">{source.label}</Td>
                <Td numeric>
                  {formatCredits(credits)}{" "}
                  <span className="text-muted-foreground">≈ {formatCents(creditsToCents(credits, creditsPerUsd))}</span>
                </Td>
              </Tr>
            );
          })}
        </TBody>
      </Table>
    </div>
  );
}

function UsageSkeleton() {
  return (
    <div className="space-y-6" role="status" aria-label="Loading usage">
      <div className="grid gap-4 sm:grid-cols-3">
        {[0, 1, 2].map((i) => (
          <Skeleton key={i} className="h-[92px] rounded-xl" />
        ))}
      </div>
      <div className="grid gap-6 xl:grid-cols-2">
        <Skeleton className="h-[360px] rounded-xl" />
        <Skeleton className="h-[360px] rounded-xl" />
      </div>
    </div>
  );
}
