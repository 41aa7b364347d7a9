"use client";

// The estimate recomputed in the browser as the visitor types (R12): the
// engine's functions (lib/calculator) and the view. Loaded on demand by
// PriceCalculator — after the page has loaded, or at the first keystroke —
// so the first visit's JavaScript stays small; the first estimate is
// rendered on the server with the same code.
import { useMemo } from "react";
import {
  compareAll,
  parseCalculatorCatalog,
  type CalculatorCatalog,
  type CalculatorCatalogData,
  type Volumes,
} from "@/lib/calculator/estimate";
import { EstimateView } from "./estimate-view";
import { startPlanAction } from "./start-plan-link";

/** compareAll, leaving a User Timing entry per recompute (npm run bench:calculator reads them). */
function timedCompare(catalog: CalculatorCatalog, volumes: Volumes) {
  const started = performance.now();
  const result = compareAll(catalog, volumes);
  performance.measure("calculator:recompute", { start: started });
  return result;
}

export function LiveEstimate({ catalogData, volumes }: { catalogData: CalculatorCatalogData; volumes: Volumes }) {
  const catalog = useMemo(() => parseCalculatorCatalog(catalogData), [catalogData]);
  const comparison = useMemo(() => timedCompare(catalog, volumes), [catalog, volumes]);
  return <EstimateView catalog={catalog} comparison={comparison} planAction={startPlanAction(comparison)} />;
}
