// Public pricing (R12), no login: the price calculator, then the plans, the
// per-operation tiers and the packages, all read from the catalog that the
// billing engine uses (R3.3), once per request.
import { Check, Minus } from "lucide-react";
import type { Metadata } from "next";
import Link from "next/link";
import { creditsUsd, deploymentCreditsPerUsd } from "@/components/billing/credit-amount";
import { formatPlanFee, formatRateLimits, formatValidity, intervalNouns } from "@/components/billing/labels";
import { EstimateView } from "@/components/pricing/estimate-view";
import { PriceCalculator } from "@/components/pricing/price-calculator";
import { startPlanAction } from "@/components/pricing/start-plan-link";
import { PublicHeader } from "@/components/shell/public-header";
import { buttonClassName } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { Section } from "@/components/ui/page-header";
import { TBody, THead, Table, Td, Th, Tr } from "@/components/ui/table";
import { db } from "@/lib/db";
import {
  getCalculatorCatalog,
  listCatalogPackages,
  listCatalogPlans,
  listOperationTypesWithTiers,
  type CatalogOperationType,
  type CatalogPlan,
} from "@/lib/db/queries/catalog";
import { compareAll, parseCalculatorCatalog } from "@/lib/calculator/estimate";
import { inputsFromParams, parseInputs } from "@/lib/calculator/inputs";
import { creditsToCents, formatCents, formatCount, formatCredits } from "@/lib/money";

export const metadata: Metadata = {
  title: "Pricing",
  description: "Plans, per-operation prices and discount packages.",
};

// The catalog lives in the database, which must not be opened at build time.
export const dynamic = "force-dynamic";

export default async function PricingPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const prisma = await db();
  const rate = deploymentCreditsPerUsd();
  const [plans, operationTypes, packages] = await Promise.all([
    listCatalogPlans(prisma),
    listOperationTypesWithTiers(prisma),
    listCatalogPackages(prisma),
  ]);
  const calculatorCatalog = await getCalculatorCatalog(prisma, rate, { plans, types: operationTypes, packages });
  // The first estimate is rendered here with the same code the browser then runs as the visitor types.
  const initial = inputsFromParams(await searchParams);
  const catalog = parseCalculatorCatalog(calculatorCatalog);
  const comparison = compareAll(catalog, parseInputs(initial).volumes ?? new Map());

  return (
    <div className="min-h-dvh">
      <PublicHeader />
      <main id="main" className="mx-auto max-w-6xl px-4 pb-24 pt-14 sm:px-6">
        <div className="max-w-2xl space-y-3">
          <h1 className="text-3xl font-semibold tracking-tight sm:text-4xl">Pricing</h1>
          <p className="text-base text-muted-foreground text-pretty">
            Every operation is priced in credits: {formatCount(rate)} credits = $1. Prices fall as your monthly volume grows, the first
            calls of each type are free every month, and only successful operations count.
          </p>
        </div>

        <Section
          title="Estimate your monthly cost"
          description="Enter what you expect to use in a month: every plan is priced by the same billing engine that will bill you."
        >
          <PriceCalculator catalogData={calculatorCatalog} initial={initial}>
            <EstimateView catalog={catalog} comparison={comparison} planAction={startPlanAction(comparison)} />
          </PriceCalculator>
        </Section>

        <Section title="Plans" description="Included credits are spent first; usage beyond them is priced by the tiers below.">
          {plans.length === 0 ? (
            <p className="text-sm text-muted-foreground">No plans are on offer yet.</p>
          ) : (
            <ul className="grid gap-4 sm:grid-cols-2 lg:grid-cols-3">
              {plans.map((plan) => (
                <PricingPlan key={plan.id} plan={plan} />
              ))}
            </ul>
          )}
        </Section>

        <Section
          title="Usage prices"
          description="Credits per operation, by your workspace's count of that operation type in the current calendar month (UTC). A batch that crosses a tier boundary is split."
        >
          {operationTypes.length === 0 ? (
            <p className="text-sm text-muted-foreground">No operation types are priced yet.</p>
          ) : (
            <div className="grid gap-4 lg:grid-cols-2">
              {operationTypes.map((type) => (
                <TierTable key={type.id} type={type} rate={rate} />
              ))}
            </div>
          )}
          <p className="mt-4 text-[13px] text-muted-foreground">
            A batch counts each input: predicting on 32 images is 32 operations. Video is analysed at 1 frame per second by default, rounded
            up: a 61.4-second video is 62 operations.
          </p>
        </Section>

        <Section
          title="Packages"
          description="Discounted quotas of operations, paid upfront. They stack, and usage draws on the one that expires first."
        >
          {packages.length === 0 ? (
            <p className="text-sm text-muted-foreground">No packages are on offer yet.</p>
          ) : (
            <Table label="Packages">
              <THead>
                <tr>
                  <Th>Package</Th>
                  <Th align="right">Operations</Th>
                  <Th>Valid for</Th>
                  <Th align="right">Price</Th>
                  <Th align="right">Per 1,000</Th>
                </tr>
              </THead>
              <TBody>
                {packages.map((item) => (
                  <Tr key={item.id}>
                    <Td className="font-medium">{item.name}</Td>
                    <Td numeric>
                      {formatCount(item.operations)} {item.operationType.name.toLowerCase()}
                    </Td>
                    <Td>{formatValidity(item.validity)}</Td>
                    <Td numeric className="font-medium">
                      {formatCents(item.priceCents)}
                    </Td>
                    <Td numeric className="text-muted-foreground">
                      {item.operations > 0n ? formatCents((BigInt(item.priceCents) * 1000n) / item.operations) : "—"}
                    </Td>
                  </Tr>
                ))}
              </TBody>
            </Table>
          )}
        </Section>
      </main>
    </div>
  );
}

function PricingPlan({ plan }: { plan: CatalogPlan }) {
  const noun = intervalNouns[plan.interval];
  const features = [
    {
      ok: plan.includedCredits > 0n,
      text:
        plan.includedCredits > 0n
          ? `${formatCredits(plan.includedCredits)} included${noun ? ` per ${noun}` : ""} (≈ ${creditsUsd(plan.includedCredits)})`
          : "No included credits",
    },
    {
      ok: plan.flexAllowed,
      text: plan.flexAllowed ? (plan.payAsYouGo ? "Flex billing with a card on file" : "Flex billing") : "No flex billing",
    },
    { ok: true, text: formatRateLimits(plan.rateLimits) },
    { ok: !plan.requiresCard, text: plan.requiresCard ? "Card required" : "No card needed" },
  ];
  return (
    <li>
      <Card className="flex h-full flex-col p-6">
        <h3 className="font-semibold tracking-tight">{plan.name}</h3>
        <p className="mt-3 text-3xl font-semibold tracking-tight tabular-nums">{formatPlanFee(plan)}</p>
        {plan.description ? <p className="mt-2 text-sm text-muted-foreground">{plan.description}</p> : null}
        <ul className="mt-5 flex-1 space-y-2.5 text-sm">
          {features.map((feature) => (
            <li key={feature.text} className="flex items-start gap-2">
              {feature.ok ? (
                <Check aria-hidden className="mt-0.5 size-4 shrink-0 text-success" />
              ) : (
                <Minus aria-hidden className="mt-0.5 size-4 shrink-0 text-muted-foreground" />
              )}
              <span className={feature.ok ? "tabular-nums" : "text-muted-foreground"}>{feature.text}</span>
            </li>
          ))}
        </ul>
        {/* Sign-up starts on this plan when it needs no card; otherwise on Free, then the card form and the Plan page. */}
        <Link
          href={plan.code === "free" ? "/sign-up" : `/sign-up?plan=${encodeURIComponent(plan.code)}`}
          className={buttonClassName({ variant: plan.code === "free" ? "secondary" : "primary", className: "mt-6 w-full" })}
        >
          {plan.code === "free" ? "Start free" : `Choose ${plan.name}`}
        </Link>
      </Card>
    </li>
  );
}

function tierRange(from: bigint, to: bigint | null, perRun: boolean): string {
  if (to === null) return from === 1n ? (perRun ? "Every run" : "Every operation") : `Beyond ${formatCount(from - 1n)}`;
  return `${formatCount(from)} – ${formatCount(to)}`;
}

function TierTable({ type, rate }: { type: CatalogOperationType; rate: bigint }) {
  const perRun = type.unit === "run";
  return (
    <Card className="overflow-hidden">
      <div className="flex items-baseline justify-between gap-3 px-5 pb-3 pt-5">
        <h3 className="font-semibold">{type.name}</h3>
        <code className="font-mono text-xs text-muted-foreground">{type.code}</code>
      </div>
      {type.tiers.length === 0 ? (
        <p className="px-5 pb-5 text-sm text-muted-foreground">Not priced yet.</p>
      ) : (
        <table className="w-full text-sm" aria-label={`${type.name} price tiers`}>
          <thead className="border-y border-border bg-surface-muted/60">
            <tr>
              <th scope="col" className="px-5 py-2 text-left text-xs font-medium uppercase tracking-wide text-muted-foreground">
                {perRun ? "Runs this month" : "Operations this month"}
              </th>
              <th scope="col" className="px-5 py-2 text-right text-xs font-medium uppercase tracking-wide text-muted-foreground">
                Credits each
              </th>
              <th scope="col" className="px-5 py-2 text-right text-xs font-medium uppercase tracking-wide text-muted-foreground">
                {perRun ? "USD per run" : "USD per 1,000"}
              </th>
            </tr>
          </thead>
          <tbody className="divide-y divide-border">
            {type.tiers.map((tier) => (
              <tr key={tier.fromCount.toString()}>
                <td className="px-5 py-2.5 tabular-nums">{tierRange(tier.fromCount, tier.toCount, perRun)}</td>
                <td className="px-5 py-2.5 text-right tabular-nums">
                  {tier.creditsPerOp === 0n ? <span className="font-medium text-success">Free</span> : formatCount(tier.creditsPerOp)}
                </td>
                <td className="px-5 py-2.5 text-right tabular-nums text-muted-foreground">
                  {tier.creditsPerOp === 0n ? "—" : formatCents(creditsToCents(tier.creditsPerOp * (perRun ? 1n : 1000n), rate))}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Card>
  );
}
