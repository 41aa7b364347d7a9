"use client";

// Recharts is large and drawing a chart is the most work a page of ours does
// in the browser: load it only where a chart is drawn, only in the browser
// (React.lazy: next/dynamic's own loader would weigh on every page),
// and only once the chart's place is (nearly) on screen. On a phone the charts
// sit below the first screen, so opening Usage costs no chart work until the
// reader scrolls to them; on a wider screen they are in view and drawn at once.
import { lazy, Suspense, useEffect, useRef, useState } from "react";
import { Skeleton } from "@/components/ui/skeleton";
import type { UsageChart as Chart } from "./usage-chart";

const ChartPlaceholder = () => <Skeleton className="h-[280px] w-full rounded-lg" />;

// Only ever rendered in the browser: the chart's place is watched from an effect.
const UsageChart = lazy(() => import("./usage-chart").then((module) => ({ default: module.UsageChart })));

/** How far below the screen a chart's place may be for it to be drawn already. */
const AHEAD = "0px 0px 120px 0px";

export function LazyUsageChart(props: Parameters<typeof Chart>[0]) {
  const place = useRef<HTMLDivElement>(null);
  const [near, setNear] = useState(false);

  useEffect(() => {
    const element = place.current;
    if (near || !element) return;
    const observer = new IntersectionObserver(
      (entries) => {
        if (!entries.some((entry) => entry.isIntersecting)) return;
        setNear(true);
        observer.disconnect();
      },
      { rootMargin: AHEAD },
    );
    observer.observe(element);
    return () => observer.disconnect();
  }, [near]);

  return (
    <div ref={place}>
      {near ? (
        <Suspense fallback={<ChartPlaceholder />}>
          <UsageChart {...props} />
        </Suspense>
      ) : (
        <ChartPlaceholder />
      )}
    </div>
  );
}

export type { UsageChartPoint, UsageChartSeries } from "./usage-chart";
