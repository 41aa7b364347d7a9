// Packages (R6): active quotas with their expiry, auto-renewal and renewal,
// what can be bought, and what was bought before.
import { Package } from "lucide-react";
import type { Metadata } from "next";
import Link from "next/link";
import { DateText, formatDate, formatDateRange } from "@/components/billing/dates";
import { formatValidity, purchaseStatusLabels } from "@/components/billing/labels";
import { RemainingMeter } from "@/components/billing/meter";
import { ViewOnlyNote } from "@/components/billing/view-only-note";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader, Section } from "@/components/ui/page-header";
import { TBody, THead, Table, Td, Th, Tr } from "@/components/ui/table";
import { requireWorkspace } from "@/lib/auth/access";
import { can } from "@/lib/auth/roles";
import { arrearsRefusal } from "@/lib/billing/arrears";
import type { BillingState } from "@/lib/billing/flex";
import { packageExpiry, type PackageValidity } from "@/lib/billing/packages";
import { now } from "@/lib/clock";
import { db } from "@/lib/db";
import { listCatalogPackages } from "@/lib/db/queries/catalog";
import { listActivePackagePurchases, listPackagePurchases } from "@/lib/db/queries/dashboard";
import { formatCents, formatCount } from "@/lib/money";
import { paymentGateway } from "@/lib/payments";
import { defaultCard } from "@/lib/payments/charge";
import { AutoRenewSwitch } from "./auto-renew-switch";
import { PackagePurchaseButton, type PackageOffer } from "./package-dialog";

export const metadata: Metadata = { title: "Packages" };

export default async function PackagesPage({ params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  const ctx = await requireWorkspace(slug, "read");
  const prisma = await db();
  const at = now();
  const [active, history, catalog, savedCard] = await Promise.all([
    listActivePackagePurchases(prisma, ctx.workspace.id, at),
    listPackagePurchases(prisma, ctx.workspace.id),
    listCatalogPackages(prisma),
    defaultCard(prisma, ctx.workspace.id, paymentGateway()),
  ]);
  const canManage = can(ctx.role, "manage-billing");
  const activeIds = new Set(active.map((purchase) => purchase.id));
  const past = history.filter((purchase) => !activeIds.has(purchase.id));
  const card = savedCard
    ? { brand: savedCard.brand, last4: savedCard.last4, expMonth: savedCard.expMonth, expYear: savedCard.expYear }
    : null;
  const state = ctx.workspace.billingState as BillingState;
  const buyBlocked = arrearsRefusal(state, "buy_package");
  const renewBlocked = arrearsRefusal(state, "renew_package");

  // What each catalog package is, and until when one bought now would last (R6.1).
  const offers = new Map<string, PackageOffer>(
    catalog.map((item) => [
      item.code,
      {
        code: item.code,
        name: item.name,
        priceCents: item.priceCents,
        covers: `${formatCount(item.operations)} ${item.operationType.name.toLowerCase()} operations`,
        validity: formatValidity(item.validity),
        expiresIfBoughtNow: formatDate(packageExpiry(at, item.validity as PackageValidity)),
      },
    ]),
  );

  return (
    <>
      <PageHeader
        title="Packages"
        description="Discounted quotas of operations, paid upfront and valid for a month or a year. Usage draws on the package that expires first."
        actions={canManage ? undefined : <ViewOnlyNote />}
      />

      {buyBlocked ? (
        <Alert tone="warning" className="mb-6" title="Packages can’t be bought or renewed right now">
          {buyBlocked.replace("buying a package is", "buying or renewing a package is")}{" "}
          <Link href={`/w/${ctx.workspace.slug}/invoices`} className="font-medium text-primary underline underline-offset-2">
            See invoices
          </Link>
        </Alert>
      ) : null}

      <Section title="Active packages" className="mt-0">
        {active.length === 0 ? (
          <EmptyState
            icon={Package}
            title="No active packages"
            description="A package covers a number of operations of one type at a lower price than the tiers. Active packages and what is left of them appear here."
          />
        ) : (
          <ul className="grid gap-4 md:grid-cols-2">
            {active.map((purchase) => {
              const offer = offers.get(purchase.package.code);
              return (
                <li key={purchase.id}>
                  <Card
                    className="flex h-full flex-col p-5"
                    role="region"
                    aria-label={`${purchase.package.name}, until ${formatDate(purchase.expiresAt)}`}
                  >
                    <div className="flex items-start justify-between gap-3">
                      <div>
                        <h3 className="font-semibold">{purchase.package.name}</h3>
                        <p className="mt-0.5 text-[13px] text-muted-foreground tabular-nums">
                          {formatDateRange(purchase.startsAt, purchase.expiresAt)}
                        </p>
                      </div>
                      {purchase.autoRenew ? <Badge tone="info">Auto-renews</Badge> : <Badge>Expires</Badge>}
                    </div>
                    <div className="mt-5 space-y-1.5">
                      <RemainingMeter
                        remaining={purchase.remainingOperations}
                        total={purchase.operations}
                        label={`${purchase.package.name} operations left`}
                      />
                      <p className="text-sm tabular-nums" data-testid="package-remaining">
                        <span className="font-medium">{formatCount(purchase.remainingOperations)}</span>
                        <span className="text-muted-foreground">
                          {" "}
                          of {formatCount(purchase.operations)} {purchase.operationType.name.toLowerCase()} operations left · until{" "}
                          <DateText date={purchase.expiresAt} />
                        </span>
                      </p>
                    </div>
                    <div className="mt-5 flex-1 border-t border-border pt-4">
                      <AutoRenewSwitch
                        slug={ctx.workspace.slug}
                        purchaseId={purchase.id}
                        packageName={purchase.package.name}
                        autoRenew={purchase.autoRenew}
                        canManage={canManage}
                        blockedReason={renewBlocked ? "Can’t be switched on while an invoice is overdue." : null}
                        description={
                          offer
                            ? `On ${formatDate(purchase.expiresAt)}, another is bought for ${formatCents(offer.priceCents)} with the card on file.`
                            : `On ${formatDate(purchase.expiresAt)}, another is bought with the card on file.`
                        }
                      />
                    </div>
                    {canManage && offer ? (
                      <div className="mt-4">
                        <PackagePurchaseButton
                          slug={ctx.workspace.slug}
                          offer={offer}
                          card={card}
                          renewPurchaseId={purchase.id}
                          blockedReason={renewBlocked}
                        />
                      </div>
                    ) : null}
                  </Card>
                </li>
              );
            })}
          </ul>
        )}
      </Section>

      <Section title="Available packages" description="Paid in full at once, effective immediately, no refunds for unused operations.">
        {catalog.length === 0 ? (
          <EmptyState compact icon={Package} title="No packages on sale" description="The catalog has no packages right now." />
        ) : (
          <ul className="grid gap-4 md:grid-cols-2 xl:grid-cols-3">
            {catalog.map((item) => (
              <li key={item.id}>
                <Card className="flex h-full flex-col p-5" role="region" aria-label={item.name}>
                  <h3 className="font-semibold">{item.name}</h3>
                  <p className="mt-2 text-2xl font-semibold tracking-tight tabular-nums">{formatCents(item.priceCents)}</p>
                  <p className="mt-1 flex-1 text-sm text-muted-foreground tabular-nums">
                    {formatCount(item.operations)} {item.operationType.name.toLowerCase()} operations · valid{" "}
                    {formatValidity(item.validity)}
                  </p>
                  {canManage ? (
                    <div className="mt-4">
                      <PackagePurchaseButton
                        slug={ctx.workspace.slug}
                        offer={offers.get(item.code)!}
                        card={card}
                        blockedReason={buyBlocked}
                      />
                    </div>
                  ) : null}
                </Card>
              </li>
            ))}
          </ul>
        )}
      </Section>

      {past.length > 0 ? (
        <Section title="Past packages">
          <Table label="Past packages">
            <THead>
              <tr>
                <Th>Package</Th>
                <Th>Valid</Th>
                <Th>Status</Th>
                <Th align="right">Operations used</Th>
              </tr>
            </THead>
            <TBody>
              {past.map((purchase) => (
                <Tr key={purchase.id}>
                  <Td className="font-medium">{purchase.package.name}</Td>
                  <Td className="whitespace-nowrap tabular-nums text-muted-foreground">
                    {formatDateRange(purchase.startsAt, purchase.expiresAt)}
                  </Td>
                  <Td>
                    <Badge tone={purchaseStatusLabels[purchase.status].tone}>{purchaseStatusLabels[purchase.status].label}</Badge>
                  </Td>
                  <Td numeric>
                    {formatCount(purchase.operations - purchase.remainingOperations)} of {formatCount(purchase.operations)}
                  </Td>
                </Tr>
              ))}
            </TBody>
          </Table>
        </Section>
      ) : null}
    </>
  );
}
