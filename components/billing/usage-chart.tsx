"use client";

// Daily operations by type as a stacked bar chart. Loaded lazily through
// usage-chart-lazy.tsx so that pages without a chart never load Recharts.
import { useMemo } from "react";
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";

export interface UsageChartSeries {
  code: string;
  name: string;
}

/** One day: "day" is an ISO date, every other key an operation type code. Counts, not money. */
export type UsageChartDay = { day: string } & Record<string, number | string>;

const COLORS = ["var(--chart-1)", "var(--chart-2)", "var(--chart-3)", "var(--chart-4)", "var(--chart-5)"];

export function UsageChart({ days, series }: { days: UsageChartDay[]; series: UsageChartSeries[] }) {
  const formatters = useMemo(() => {
    const dayLabel = new Intl.DateTimeFormat("en-US", { month: "short", day: "numeric", timeZone: "UTC" });
    const compact = new Intl.NumberFormat("en-US", { notation: "compact", maximumFractionDigits: 1 });
    const exact = new Intl.NumberFormat("en-US");
    return {
      day: (value: string) => dayLabel.format(new Date(`${value}T00:00:00Z`)),
      axis: (value: number) => compact.format(value),
      tooltip: (value: unknown) => exact.format(Number(value)),
    };
  }, []);

  return (
    <ResponsiveContainer width="100%" height={300}>
      <BarChart data={days} margin={{ top: 8, right: 8, bottom: 0, left: 0 }} barCategoryGap="18%">
        <CartesianGrid vertical={false} stroke="var(--border)" />
        <XAxis
          dataKey="day"
          tickFormatter={formatters.day}
          tickLine={false}
          axisLine={false}
          minTickGap={24}
          tick={{ fill: "var(--muted-foreground)", fontSize: 12 }}
        />
        <YAxis
          tickFormatter={formatters.axis}
          tickLine={false}
          axisLine={false}
          width={48}
          allowDecimals={false}
          tick={{ fill: "var(--muted-foreground)", fontSize: 12 }}
        />
        <Tooltip
          cursor={{ fill: "var(--surface-muted)" }}
          labelFormatter={(label) => formatters.day(String(label))}
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
            key={item.code}
            dataKey={item.code}
            name={item.name}
            stackId="operations"
            fill={COLORS[index % COLORS.length]}
            radius={index === series.length - 1 ? [3, 3, 0, 0] : 0}
            maxBarSize={28}
          />
        ))}
      </BarChart>
    </ResponsiveContainer>
  );
}
