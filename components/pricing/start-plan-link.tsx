// "Start with <plan>": sign-up with the plan picked (R12). Used by the
// server-rendered estimate and by the live one.
import Link from "next/link";
import { buttonClassName } from "@/components/ui/button";
import type { Comparison, PlanComparison } from "@/lib/calculator/estimate";

export function startPlanAction(comparison: Comparison) {
  return function StartPlanLink(entry: PlanComparison) {
    return (
      <Link
        href={entry.plan.code === "free" ? "/sign-up" : `/sign-up?plan=${encodeURIComponent(entry.plan.code)}`}
        className={buttonClassName({
          variant: comparison.recommended?.plan.plan.code === entry.plan.code ? "primary" : "secondary",
          className: "w-full",
        })}
        data-testid="start-plan"
      >
        Start with {entry.plan.name}
      </Link>
    );
  };
}
