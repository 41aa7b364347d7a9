// "Your last month on every plan" (R12 on the Plan page): the calculator fed
// with the workspace's real usage of its last complete calendar month.
import Link from "next/link";
import { EstimateView, operationNoun } from "@/components/pricing/estimate-view";
import { buttonClassName } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { Section } from "@/components/ui/page-header";
import { compareAll, type CalculatorCatalog } from "@/lib/calculator/estimate";
import { EMPTY_INPUTS, paramsFromInputs, type RawInputs } from "@/lib/calculator/inputs";
import { formatCount } from "@/lib/money";

/** The calendar month (UTC) before the one holding `at`: the last complete month of tiers and usage (R3.2). */
export function previousCalendarMonth(at: Date): { start: Date; end: Date } {
  const end = new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), 1));
  const start = new Date(Date.UTC(end.getUTCFullYear(), end.getUTCMonth() - 1, 1));
  return { start, end };
}

const monthName = new Intl.DateTimeFormat("en-US", { month: "long", year: "numeric", timeZone: "UTC" });

/** The calculator's link for these operations (video already counted as predictions). */
function calculatorHref(usage: ReadonlyMap<string, bigint>): string {
  const value = (code: string) => {
    const operations = usage.get(code) ?? 0n;
    return operations > 0n ? operations.toString() : "";
  };
  const inputs: RawInputs = {
    ...EMPTY_INPUTS,
    uploads: value("upload"),
    predictions: value("predict"),
    searches: value("search"),
    trainingRuns: value("train"),
  };
  const query = paramsFromInputs(inputs);
  return query ? `/pricing?${query}` : "/pricing";
}

export function LastMonthSection({
  catalog,
  usage,
  month,
  currentPlanCode,
}: {
  catalog: CalculatorCatalog;
  usage: ReadonlyMap<string, bigint>;
  month: Date;
  currentPlanCode?: string;
}) {
  const name = monthName.format(month);
  const used = catalog.types.filter((type) => (usage.get(type.code) ?? 0n) > 0n);
  return (
    <Section
      title="Your last month on every plan"
      description={`Your usage in ${name}, priced on every plan by the billing engine, as if it had been spread evenly over the month.`}
    >
      {used.length === 0 ? (
        <Card className="p-6 text-sm text-muted-foreground" data-testid="last-month-empty">
          No usage in {name}, so there is nothing to compare yet. Once a month of usage is complete, this shows what it would have cost on
          each plan.
        </Card>
      ) : (
        <div className="space-y-4" data-testid="last-month">
          <div className="flex flex-wrap items-center justify-between gap-3">
            <p className="text-sm">
              {used.map((type, index) => (
                <span key={type.code}>
                  {index > 0 ? " · " : ""}
                  <span className="font-medium tabular-nums">{formatCount(usage.get(type.code) ?? 0n)}</span>{" "}
                  {operationNoun(type.code, usage.get(type.code) ?? 0n)}
                </span>
              ))}
            </p>
            <Link href={calculatorHref(usage)} className={buttonClassName({ variant: "secondary", size: "sm" })}>
              Open in the price calculator
            </Link>
          </div>
          <EstimateView catalog={catalog} comparison={compareAll(catalog, usage)} currentPlanCode={currentPlanCode} />
        </div>
      )}
    </Section>
  );
}
