// Packages (R6): active quotas, what can be bought, and what was bought before.
import { Package } from "lucide-react";
import type { Metadata } from "next";
import { DateText, formatDateRange } from "@/components/billing/dates";
import { formatValidity, purchaseStatusLabels } from "@/components/billing/labels";
import { RemainingMeter } from "@/components/billing/meter";
import { ViewOnlyNote } from "@/components/billing/view-only-note";
import { Badge } from "@/components/ui/badge";
import { ComingSoonButton } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader, Section } from "@/components/ui/page-header";
import { TBody, THead, Table, Td, Th, Tr } from "@/components/ui/table";
import { requireWorkspace } from "@/lib/auth/access";
import { can } from "@/lib/auth/roles";
import { now } from "@/lib/clock";
import { db } from "@/lib/db";
import { listCatalogPackages } from "@/lib/db/queries/catalog";
import { listActivePackagePurchases, listPackagePurchases } from "@/lib/db/queries/dashboard";
import { formatCents, formatCount } from "@/lib/money";

export const metadata: Metadata = { title: "Packages" };

export default async function PackagesPage({ params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  const ctx = await requireWorkspace(slug, "read");
  const prisma = await db();
  const [active, history, catalog] = await Promise.all([
    listActivePackagePurchases(prisma, ctx.workspace.id, now()),
    listPackagePurchases(prisma, ctx.workspace.id),
    listCatalogPackages(prisma),
  ]);
  const canManage = can(ctx.role, "manage-billing");
  const activeIds = new Set(active.map((purchase) => purchase.id));
  const past = history.filter((purchase) => !activeIds.has(purchase.id));

  return (
    <>
      <PageHeader
        title="Packages"
        description="Discounted quotas of operations, paid upfront and valid for a month or a year. Usage draws on the package that expires first."
        actions={canManage ? undefined : <ViewOnlyNote />}
      />

      <Section title="Active packages" className="mt-0">
        {active.length === 0 ? (
          <EmptyState
            icon={Package}
            title="No active packages"
            description="A package covers a number of operations of one type at a lower price than the tiers. Active packages and what is left of them appear here."
          />
        ) : (
          <ul className="grid gap-4 md:grid-cols-2">
            {active.map((purchase) => (
              <li key={purchase.id}>
                <Card className="p-5">
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
                    <p className="text-sm tabular-nums">
                      <span className="font-medium">{formatCount(purchase.remainingOperations)}</span>
                      <span className="text-muted-foreground">
                        {" "}
                        of {formatCount(purchase.operations)} {purchase.operationType.name.toLowerCase()} operations left · until{" "}
                        <DateText date={purchase.expiresAt} />
                      </span>
                    </p>
                  </div>
                </Card>
              </li>
            ))}
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
                <Card className="flex h-full flex-col p-5">
                  <h3 className="font-semibold">{item.name}</h3>
                  <p className="mt-2 text-2xl font-semibold tracking-tight tabular-nums">{formatCents(item.priceCents)}</p>
                  <p className="mt-1 flex-1 text-sm text-muted-foreground tabular-nums">
                    {formatCount(item.operations)} {item.operationType.name.toLowerCase()} operations · valid{" "}
                    {formatValidity(item.validity)}
                  </p>
                  {canManage ? (
                    <div className="mt-4">
                      <ComingSoonButton size="sm">Buy {item.name}</ComingSoonButton>
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
