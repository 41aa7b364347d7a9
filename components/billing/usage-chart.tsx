"use client";

// A stacked bar chart of usage per bucket (hour or day, in the viewer's time
// zone), with an optional dashed line for the forecast of the days to come.
// Loaded lazily through usage-chart-lazy.tsx so that pages without a chart
// never load Recharts. It draws counts and credits, never money, so Number is
// fine here; the exact figures are in the tables beside it.
import { useMemo } from "react";
import { Bar, CartesianGrid, ComposedChart, Legend, Line, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";

export interface UsageChartSeries {
  key: string;
  name: string;
}

/** One bucket: "at" is its first instant (ISO); every other key a series (or the forecast) value. */
export type UsageChartPoint = { at: string } & Record<string, number | string | null>;

/** At most this many dates under the bars (they fit a phone's width at 12 px). */
const MAX_X_LABELS = 6;

const COLORS = ["var(--chart-1)", "var(--chart-2)", "var(--chart-3)", "var(--chart-4)", "var(--chart-5)"];

export function UsageChart({
  points,
  series,
  bucket,
  timeZone,
  forecast,
}: {
  points: UsageChartPoint[];
  series: UsageChartSeries[];
  bucket: "hour" | "day";
  timeZone: string;
  /** The key of the forecast values in `points`, and its legend name. */
  forecast?: { key: string; name: string };
}) {
  const formatters = useMemo(() => {
    const label = new Intl.DateTimeFormat("en-US", {
      month: "short",
      day: "numeric",
      ...(bucket === "hour" ? { hour: "numeric", hourCycle: "h23" as const } : {}),
      timeZone,
    });
    const compact = new Intl.NumberFormat("en-US", { notation: "compact", maximumFractionDigits: 1 });
    const exact = new Intl.NumberFormat("en-US");
    return {
      at: (value: string) => label.format(new Date(value)),
      axis: (value: number) => compact.format(value),
      tooltip: (value: unknown) => exact.format(Number(value)),
    };
  }, [bucket, timeZone]);

  return (
    <ResponsiveContainer width="100%" height={280}>
      <ComposedChart data={points} margin={{ top: 8, right: 8, bottom: 0, left: 0 }} barCategoryGap="18%">
        <CartesianGrid vertical={false} stroke="var(--border)" />
        <XAxis
          dataKey="at"
          tickFormatter={formatters.at}
          tickLine={false}
          axisLine={false}
          // A fixed step between labels: with the default ("preserveEnd") Recharts measures every label's width in
          // the page, one forced layout each, which is most of the chart's first render on a slow phone.
          interval={Math.max(0, Math.ceil(points.length / MAX_X_LABELS) - 1)}
          tick={{ fill: "var(--muted-foreground)", fontSize: 12 }}
        />
        <YAxis
          tickFormatter={formatters.axis}
          tickLine={false}
          axisLine={false}
          width={52}
          interval={0}
          allowDecimals={false}
          tick={{ fill: "var(--muted-foreground)", fontSize: 12 }}
        />
        <Tooltip
          cursor={{ fill: "var(--surface-muted)" }}
          labelFormatter={(label) => formatters.at(String(label))}
          formatter={(value, name) => [formatters.tooltip(value), name]}
          separator=": "
          contentStyle={{
            background: "var(--surface-raised)",
            border: "1px solid var(--border)",
            borderRadius: 10,
            boxShadow: "var(--shadow-popover)",
            fontSize: 13,
          }}
          labelStyle={{ color: "var(--foreground)", fontWeight: 600, marginBottom: 4 }}
          itemStyle={{ color: "var(--foreground)", padding: 0 }}
        />
        <Legend iconType="circle" iconSize={8} wrapperStyle={{ fontSize: 13, paddingTop: 12, color: "var(--muted-foreground)" }} />
        {series.map((item, index) => (
          <Bar
            key={item.key}
            dataKey={item.key}
            name={item.name}
            stackId="usage"
            fill={COLORS[index % COLORS.length]}
            radius={index === series.length - 1 ? [3, 3, 0, 0] : 0}
            maxBarSize={28}
            isAnimationActive={false}
          />
        ))}
        {forecast ? (
          <Line
            dataKey={forecast.key}
            name={forecast.name}
            type="monotone"
            stroke="var(--foreground)"
            strokeDasharray="5 4"
            strokeWidth={1.5}
            dot={false}
            connectNulls={false}
            isAnimationActive={false}
          />
        ) : null}
      </ComposedChart>
    </ResponsiveContainer>
  );
}
