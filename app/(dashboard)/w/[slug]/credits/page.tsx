// Credits (R5.2, R5.5, R7): prepaid balance, top-ups, auto top-up and flex billing.
import { Coins, CreditCard, RefreshCw, Zap } from "lucide-react";
import type { Metadata } from "next";
import type { ReactNode } from "react";
import { CreditsFigure, CreditsWithUsd } from "@/components/billing/credit-amount";
import { DateText } from "@/components/billing/dates";
import { formatCardBrand, grantKindLabels } from "@/components/billing/labels";
import { ManagerActions } from "@/components/billing/view-only-note";
import { Badge } from "@/components/ui/badge";
import { ComingSoonButton } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader, Section } from "@/components/ui/page-header";
import { TBody, THead, Table, Td, Th, Tr } from "@/components/ui/table";
import { requireWorkspace } from "@/lib/auth/access";
import { can } from "@/lib/auth/roles";
import { db } from "@/lib/db";
import { getBillingSettings, getCreditBalance, listPrepaidGrants } from "@/lib/db/queries/dashboard";
import { formatCents } from "@/lib/money";

export const metadata: Metadata = { title: "Credits" };

export default async function CreditsPage({ params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  const ctx = await requireWorkspace(slug, "read");
  const prisma = await db();
  const [balance, settings, grants] = await Promise.all([
    getCreditBalance(prisma, ctx.workspace.id),
    getBillingSettings(prisma, ctx.workspace.id),
    listPrepaidGrants(prisma, ctx.workspace.id),
  ]);
  const canManage = can(ctx.role, "manage-billing");
  const flexAllowed = ctx.plan?.flexAllowed ?? false;
  const flexEnabled = settings?.flexEnabled ?? ctx.workspace.flexEnabled;

  return (
    <>
      <PageHeader
        title="Credits"
        description="Prepaid credits you buy ahead of usage, automatic top-ups, and flex billing for when every other source runs out."
        actions={
          <ManagerActions canManage={canManage}>
            <ComingSoonButton variant="primary">Buy credits</ComingSoonButton>
          </ManagerActions>
        }
      />

      <div className="grid gap-4 md:grid-cols-2">
        <SettingCard icon={Coins} title="Prepaid balance">
          <CreditsFigure credits={balance?.prepaid ?? 0n} />
          <p className="mt-3 text-[13px] text-muted-foreground">
            Top-ups between $5 and $10,000. Prepaid credits never expire and are not refundable.
          </p>
        </SettingCard>

        <SettingCard
          icon={Zap}
          title="Flex billing"
          badge={
            !flexAllowed ? (
              <Badge>Not available</Badge>
            ) : flexEnabled ? (
              <Badge tone="success" dot>
                On
              </Badge>
            ) : (
              <Badge dot>Off</Badge>
            )
          }
          action={
            canManage && flexAllowed ? (
              <ComingSoonButton size="sm">{flexEnabled ? "Turn off flex" : "Turn on flex"}</ComingSoonButton>
            ) : null
          }
        >
          <p className="text-sm text-muted-foreground text-pretty">
            {!flexAllowed
              ? `${ctx.plan?.name ?? "Your plan"} has no flex billing. When included and prepaid credits run out, calls are refused until they are refilled.`
              : flexEnabled
                ? "When included, package and prepaid credits run out, calls continue and are billed at the end of the period."
                : "Off: a call that would need flex credits is refused. Turn it on to keep calls running past your other credits."}
          </p>
          {flexAllowed ? (
            <p className="mt-3 text-sm">
              Used this period: <CreditsWithUsd credits={balance?.flexUsed ?? 0n} />
            </p>
          ) : null}
        </SettingCard>

        <SettingCard
          icon={RefreshCw}
          title="Auto top-up"
          badge={
            settings?.autoTopUpEnabled ? (
              <Badge tone="success" dot>
                On
              </Badge>
            ) : (
              <Badge dot>Off</Badge>
            )
          }
          action={canManage ? <ComingSoonButton size="sm">Set up auto top-up</ComingSoonButton> : null}
        >
          {settings?.autoTopUpEnabled && settings.autoTopUpThreshold != null && settings.autoTopUpAmountCents != null ? (
            <p className="text-sm text-pretty">
              When prepaid credits fall below <CreditsWithUsd credits={settings.autoTopUpThreshold} />, your card is charged{" "}
              <span className="font-medium tabular-nums">{formatCents(settings.autoTopUpAmountCents)}</span>
              {settings.autoTopUpMonthlyMax != null ? (
                <>
                  , at most <span className="tabular-nums">{settings.autoTopUpMonthlyMax}</span> times a month
                </>
              ) : null}
              .
            </p>
          ) : (
            <p className="text-sm text-muted-foreground text-pretty">
              Refill prepaid credits automatically when they fall below a threshold you choose, with a monthly cap on the number of charges.
            </p>
          )}
        </SettingCard>

        <SettingCard icon={CreditCard} title="Payment method">
          {settings?.card ? (
            <p className="text-sm">
              <span className="font-medium">{formatCardBrand(settings.card.brand)}</span> ending in{" "}
              <span className="font-mono tabular-nums">{settings.card.last4}</span>
              <span className="text-muted-foreground">
                {" "}
                · expires {String(settings.card.expMonth).padStart(2, "0")}/{settings.card.expYear}
              </span>
            </p>
          ) : (
            <p className="text-sm text-muted-foreground">No card on file. A card is needed for top-ups, paid plans and flex billing.</p>
          )}
        </SettingCard>
      </div>

      <Section title="Top-ups and grants" description="Prepaid credits added to this workspace, newest first.">
        {grants.length === 0 ? (
          <EmptyState
            icon={Coins}
            compact
            title="No top-ups yet"
            description="Credits you buy, and credits granted by support, appear here with their receipts."
          />
        ) : (
          <Table label="Top-ups and grants">
            <THead>
              <tr>
                <Th>Date</Th>
                <Th>Kind</Th>
                <Th>Note</Th>
                <Th align="right">Credits</Th>
              </tr>
            </THead>
            <TBody>
              {grants.map((grant) => (
                <Tr key={grant.id}>
                  <Td className="whitespace-nowrap text-muted-foreground">
                    <DateText date={grant.createdAt} />
                  </Td>
                  <Td className="font-medium">{grantKindLabels[grant.kind]}</Td>
                  <Td className="text-muted-foreground">{grant.reason || "—"}</Td>
                  <Td numeric>
                    <CreditsWithUsd credits={grant.amount} />
                  </Td>
                </Tr>
              ))}
            </TBody>
          </Table>
        )}
      </Section>
    </>
  );
}

function SettingCard({
  icon: Icon,
  title,
  badge,
  action,
  children,
}: {
  icon: typeof Coins;
  title: string;
  badge?: ReactNode;
  action?: ReactNode;
  children: ReactNode;
}) {
  return (
    <Card className="flex flex-col p-5">
      <div className="mb-4 flex items-center justify-between gap-3">
        <h2 className="flex items-center gap-2 text-sm font-semibold">
          <span className="flex size-7 items-center justify-center rounded-lg bg-surface-muted ring-1 ring-border">
            <Icon aria-hidden className="size-3.5" />
          </span>
          {title}
        </h2>
        {badge}
      </div>
      <div className="flex-1">{children}</div>
      {action ? <div className="mt-4">{action}</div> : null}
    </Card>
  );
}
