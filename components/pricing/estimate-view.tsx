// The calculator's result (R12): the recommendation, every plan with and
// without its best packages, and the tier breakdown. Presentational only, so
// the public calculator (client) and the Plan page (server) show one view.
import { BadgeCheck, Calculator, CircleAlert } from "lucide-react";
import type { ReactNode } from "react";
import { Badge } from "@/components/ui/badge";
import { Card } from "@/components/ui/card";
import { cn } from "@/components/ui/cn";
import {
  monthlyCents,
  totalRefused,
  type CalculatorCatalog,
  type Comparison,
  type OptionEstimate,
  type PlanComparison,
} from "@/lib/calculator/estimate";
import { creditsToCents, formatCents, formatCount, formatCredits } from "@/lib/money";

const NOUNS: Record<string, [string, string]> = {
  predict: ["prediction", "predictions"],
  upload: ["upload", "uploads"],
  search: ["search", "searches"],
  train: ["training run", "training runs"],
};
/** "prediction" / "predictions" for an operation type code. */
export const operationNoun = (code: string, count: bigint) => (NOUNS[code] ?? [code, code])[count === 1n ? 0 : 1];

export function optionLabel(entry: PlanComparison, option: OptionEstimate): string {
  return option.packages.length > 0 ? `${entry.plan.name} with packages` : entry.plan.name;
}

function packagesText(catalog: CalculatorCatalog, option: OptionEstimate): string {
  return option.packages
    .map((buy) => {
      const pkg = catalog.packages.find((candidate) => candidate.code === buy.code);
      const every = pkg?.validity === "YEAR" ? "" : ", every month";
      return `${formatCount(buy.count)} × ${pkg?.name ?? buy.code}${every}`;
    })
    .join(", ");
}

export interface EstimateViewProps {
  catalog: CalculatorCatalog;
  comparison: Comparison;
  /** The button under each plan ("Start with this plan" on /pricing). */
  planAction?: (entry: PlanComparison) => ReactNode;
  /** A plan to mark ("Your plan" on the Plan page). */
  currentPlanCode?: string;
}

export function EstimateView({ catalog, comparison, planAction, currentPlanCode }: EstimateViewProps) {
  const recommended = comparison.recommended;
  if ([...comparison.volumes.values()].every((operations) => operations === 0n)) {
    return (
      <Card className="flex flex-col items-center gap-2 px-6 py-10 text-center" data-testid="estimate-empty">
        <Calculator aria-hidden className="size-6 text-muted-foreground" />
        <p className="font-medium">Enter your expected volumes, or pick a preset</p>
        <p className="max-w-md text-sm text-muted-foreground text-pretty">
          Every plan is then priced side by side, with and without packages, and the cheapest is recommended. With no usage at all, Free
          costs nothing.
        </p>
      </Card>
    );
  }
  return (
    <div className="space-y-6">
      <Recommendation
        comparison={comparison}
        catalog={catalog}
        currentPlanCode={currentPlanCode}
        action={recommended ? planAction?.(recommended.plan) : undefined}
      />
      <ul className="grid gap-4 sm:grid-cols-2 xl:grid-cols-3" aria-label="Cost on every plan">
        {comparison.plans.map((entry) => (
          <PlanEstimate
            key={entry.plan.code}
            entry={entry}
            catalog={catalog}
            recommended={recommended?.plan.plan.code === entry.plan.code}
            current={currentPlanCode === entry.plan.code}
            action={planAction?.(entry)}
          />
        ))}
      </ul>
      <TierBreakdown comparison={comparison} catalog={catalog} />
    </div>
  );
}

function Recommendation({
  comparison,
  catalog,
  currentPlanCode,
  action,
}: {
  comparison: Comparison;
  catalog: CalculatorCatalog;
  currentPlanCode?: string;
  action?: ReactNode;
}) {
  const recommended = comparison.recommended;
  if (!recommended) {
    return (
      <Card className="flex items-start gap-3 p-5" data-testid="recommendation">
        <CircleAlert aria-hidden className="mt-0.5 size-5 shrink-0 text-warning" />
        <p className="text-sm">No plan in the catalog serves this much usage.</p>
      </Card>
    );
  }
  const { plan, option, nextBest } = recommended;
  const cents = monthlyCents(option);
  let reason: string;
  if (comparison.monthCredits === 0n) reason = "Nothing to pay for yet: this usage costs nothing on any plan without a fee.";
  else if (nextBest) {
    const difference = monthlyCents(nextBest.option) - cents;
    reason =
      difference > 0n
        ? `The cheapest way to pay for ${formatCredits(comparison.monthCredits)} of usage a month: ${formatCents(difference)} a month less than ${optionLabel(nextBest.plan, nextBest.option)}.`
        : `Costs the same as ${optionLabel(nextBest.plan, nextBest.option)}, with less to commit to.`;
  } else reason = "The only option that serves all of this usage.";
  const current = currentPlanCode ? comparison.plans.find((entry) => entry.plan.code === currentPlanCode) : undefined;
  return (
    <Card className="border-primary/40 p-5 sm:p-6" data-testid="recommendation">
      <div className="flex flex-wrap items-start justify-between gap-4">
        <div className="min-w-0 space-y-1.5">
          <p className="flex items-center gap-2 text-sm font-medium text-primary">
            <BadgeCheck aria-hidden className="size-4" /> Recommended
          </p>
          <p className="text-xl font-semibold tracking-tight" data-testid="recommended-plan">
            {optionLabel(plan, option)}
          </p>
          <p className="max-w-2xl text-sm text-muted-foreground text-pretty">{reason}</p>
          {option.packages.length > 0 ? <p className="text-sm text-muted-foreground">Packages: {packagesText(catalog, option)}.</p> : null}
          {current ? <SwitchSaving current={current} recommended={option} catalog={catalog} /> : null}
        </div>
        <div className="sm:text-right">
          <p className="text-3xl font-semibold tracking-tight tabular-nums" data-testid="recommended-total">
            {formatCents(cents)}
          </p>
          <p className="text-sm text-muted-foreground">{option.months === 12 ? "a month, averaged over a year" : "a month"}</p>
          {action ? <div className="mt-3 sm:w-56">{action}</div> : null}
        </div>
      </div>
    </Card>
  );
}

/** On the Plan page: what moving to the recommendation would have saved. */
function SwitchSaving({
  current,
  recommended,
  catalog,
}: {
  current: PlanComparison;
  recommended: OptionEstimate;
  catalog: CalculatorCatalog;
}) {
  const saving = monthlyCents(current.without) - monthlyCents(recommended);
  let text: string;
  if (saving <= 0n) text = `You are already on the cheapest plan for this usage.`;
  else if (current.plan.code === recommended.plan.code)
    text = `Buying ${packagesText(catalog, recommended)} would have saved ${formatCents(saving)} a month.`;
  else text = `Switching from ${current.plan.name} would have saved ${formatCents(saving)} a month.`;
  return (
    <p className="text-sm font-medium" data-testid="switch-saving">
      {text}
    </p>
  );
}

function PlanEstimate({
  entry,
  catalog,
  recommended,
  current,
  action,
}: {
  entry: PlanComparison;
  catalog: CalculatorCatalog;
  recommended: boolean;
  current: boolean;
  action?: ReactNode;
}) {
  const { plan, without, withPackages, lastsFor, annualSaving } = entry;
  const refuses = totalRefused(without) > 0n;
  const cheaper = withPackages ?? without;
  return (
    <li data-testid={`plan-${plan.code}`}>
      <Card className={cn("flex h-full flex-col p-5", recommended && "ring-2 ring-primary")}>
        <div className="flex items-start justify-between gap-2">
          <h3 className="font-semibold tracking-tight">{plan.name}</h3>
          <div className="flex flex-wrap justify-end gap-1.5">
            {current ? <Badge tone="info">Your plan</Badge> : null}
            {recommended ? <Badge tone="primary">Recommended</Badge> : null}
            {refuses && !withPackages ? <Badge tone="warning">Refuses calls</Badge> : null}
          </div>
        </div>
        <p className="mt-3 text-2xl font-semibold tracking-tight tabular-nums" data-testid="plan-total">
          {formatCents(monthlyCents(cheaper))}
          <span className="ml-1 text-sm font-normal text-muted-foreground">/ month</span>
        </p>
        <p className="mt-1 text-[13px] text-muted-foreground">{feeNote(entry)}</p>
        {annualSaving ? (
          <p className="mt-1 text-[13px] font-medium text-success" data-testid="annual-saving">
            {annualSaving.centsPerMonth >= 0n
              ? `Saves ${formatCents(annualSaving.centsPerMonth)} a month against ${annualSaving.monthly.name} monthly`
              : `Costs ${formatCents(-annualSaving.centsPerMonth)} a month more than ${annualSaving.monthly.name} monthly`}
          </p>
        ) : null}
        {refuses && lastsFor ? (
          <p className="mt-3 flex items-start gap-1.5 text-[13px] text-foreground" data-testid="refused-after">
            <CircleAlert aria-hidden className="mt-0.5 size-3.5 shrink-0 text-warning" />
            <span>{refusalText(lastsFor, without)}</span>
          </p>
        ) : null}
        <Coverage option={without} title="Without packages" />
        {withPackages ? (
          <Coverage option={withPackages} title={`With ${packagesText(catalog, withPackages)}`} />
        ) : (
          <p className="mt-3 text-[13px] text-muted-foreground">No package lowers this cost.</p>
        )}
        {action ? <div className="mt-auto pt-5">{action}</div> : null}
      </Card>
    </li>
  );
}

function feeNote({ plan }: PlanComparison): string {
  if (plan.interval === "YEAR") return `${formatCents(plan.feeCents)} a year, paid upfront; the figure is a twelfth of the year`;
  if (plan.interval === "NONE") return "No fee; usage billed each calendar month to your card";
  return plan.feeCents > 0n ? `${formatCents(plan.feeCents)} a month, billed at the end of each month` : "No fee, no card";
}

function refusalText(lastsFor: NonNullable<PlanComparison["lastsFor"]>, without: OptionEstimate): string {
  const refusedTypes = [...without.refused.entries()].filter(([, count]) => count > 0n).map(([code]) => code);
  const code = refusedTypes.includes("predict") ? "predict" : (refusedTypes[0] ?? "predict");
  const served = lastsFor.operations.get(code) ?? 0n;
  // Days of a 30-day month, counted from 1.
  const day = (lastsFor.permille * 30n) / 1000n + 1n;
  return `Included credits run out around day ${day} of the month: calls are refused after ~${formatCount(served)} ${operationNoun(code, served)}, until the next month.`;
}

function Coverage({ option, title }: { option: OptionEstimate; title: string }) {
  const months = BigInt(option.months);
  const rows: { label: string; credits: bigint | null; cents: bigint }[] = [
    { label: "Plan fee", credits: null, cents: option.feeCents },
    { label: "Packages", credits: option.credits.package, cents: option.packageCents },
    { label: "Included credits", credits: option.credits.included, cents: 0n },
    { label: "Prepaid credits", credits: option.credits.prepaid, cents: 0n },
    { label: "Flex", credits: option.credits.flex, cents: option.flexCents },
  ];
  return (
    <div className="mt-4 border-t border-border pt-3">
      <p className="flex items-baseline justify-between gap-2 text-[13px] font-medium">
        <span className="min-w-0">{title}</span>
        <span className="tabular-nums" data-testid="option-total">
          {formatCents(monthlyCents(option))}
        </span>
      </p>
      <dl className="mt-2 space-y-1 text-[13px]">
        {rows
          .filter((row) => row.cents > 0n || (row.credits ?? 0n) > 0n)
          .map((row) => (
            <div key={row.label} className="flex items-baseline justify-between gap-3">
              <dt className="text-muted-foreground">{row.label}</dt>
              <dd className="text-right tabular-nums">
                {row.credits !== null && row.credits > 0n ? (
                  <span className="text-muted-foreground">{formatCredits(row.credits / months)} · </span>
                ) : null}
                {row.cents > 0n ? formatCents(row.cents / months) : "included"}
              </dd>
            </div>
          ))}
      </dl>
      {option.credits.rated === 0n && option.feeCents === 0n && totalRefused(option) === 0n ? (
        <p className="mt-2 text-[13px] text-muted-foreground">Nothing to pay</p>
      ) : null}
    </div>
  );
}

function TierBreakdown({ comparison, catalog }: { comparison: Comparison; catalog: CalculatorCatalog }) {
  const used = comparison.types.filter((entry) => entry.operations > 0n);
  return (
    <Card className="overflow-hidden" data-testid="tier-breakdown">
      <div className="px-5 pb-3 pt-5">
        <h3 className="font-semibold">Where your volume falls in the price tiers</h3>
        <p className="mt-1 text-sm text-muted-foreground">
          The same on every plan: the plans differ in what pays for these credits, not in the prices.
        </p>
      </div>
      {used.length === 0 ? (
        <p className="px-5 pb-5 text-sm text-muted-foreground">Enter a volume above to see how it is priced.</p>
      ) : (
        // Scrolls sideways on a phone: focusable, so the keyboard can scroll it too.
        <div className="overflow-x-auto" tabIndex={0} role="region" aria-label="Price tiers of your volume">
          <table className="w-full min-w-[32rem] text-sm">
            <thead className="border-y border-border bg-surface-muted/60 text-xs uppercase tracking-wide text-muted-foreground">
              <tr>
                <th scope="col" className="px-5 py-2 text-left font-medium">
                  Operation
                </th>
                <th scope="col" className="px-5 py-2 text-left font-medium">
                  Counts this month
                </th>
                <th scope="col" className="px-5 py-2 text-right font-medium">
                  Operations
                </th>
                <th scope="col" className="px-5 py-2 text-right font-medium">
                  Credits each
                </th>
                <th scope="col" className="px-5 py-2 text-right font-medium">
                  Credits
                </th>
                <th scope="col" className="px-5 py-2 text-right font-medium">
                  USD
                </th>
              </tr>
            </thead>
            <tbody className="divide-y divide-border">
              {used.flatMap((entry) =>
                entry.lines.map((line, index) => (
                  <tr key={`${entry.type.code}-${line.fromCount}`}>
                    <td className="px-5 py-2 font-medium">{index === 0 ? entry.type.name : ""}</td>
                    <td className="px-5 py-2 tabular-nums text-muted-foreground">
                      {formatCount(line.fromCount)} – {formatCount(line.toCount)}
                    </td>
                    <td className="px-5 py-2 text-right tabular-nums">{formatCount(line.operations)}</td>
                    <td className="px-5 py-2 text-right tabular-nums">
                      {line.creditsPerOp === 0n ? <span className="font-medium text-success">Free</span> : formatCount(line.creditsPerOp)}
                    </td>
                    <td className="px-5 py-2 text-right tabular-nums">{formatCredits(line.credits)}</td>
                    <td className="px-5 py-2 text-right tabular-nums text-muted-foreground">
                      {formatCents(creditsToCents(line.credits, catalog.creditsPerUsd))}
                    </td>
                  </tr>
                )),
              )}
              <tr className="bg-surface-muted/40 font-medium">
                <td className="px-5 py-2.5" colSpan={4}>
                  Usage a month
                </td>
                <td className="px-5 py-2.5 text-right tabular-nums" data-testid="month-credits">
                  {formatCredits(comparison.monthCredits)}
                </td>
                <td className="px-5 py-2.5 text-right tabular-nums">
                  {formatCents(creditsToCents(comparison.monthCredits, catalog.creditsPerUsd))}
                </td>
              </tr>
            </tbody>
          </table>
        </div>
      )}
    </Card>
  );
}
