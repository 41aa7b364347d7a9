"use client";

// Recharts is large: load it only where a chart is drawn, and only in the browser.
import dynamic from "next/dynamic";
import { Skeleton } from "@/components/ui/skeleton";

export const LazyUsageChart = dynamic(() => import("./usage-chart").then((module) => module.UsageChart), {
  ssr: false,
  loading: () => <Skeleton className="h-[280px] w-full rounded-lg" />,
});

export type { UsageChartPoint, UsageChartSeries } from "./usage-chart";
