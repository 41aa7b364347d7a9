// Credits (R5.2, R5.5, R7): prepaid balance, the card on file, top-ups, auto top-up and flex billing.
import { Coins, CreditCard, RefreshCw, Zap } from "lucide-react";
import type { Metadata } from "next";
import Link from "next/link";
import type { ReactNode } from "react";
import { CreditsFigure, CreditsWithUsd, deploymentCreditsPerUsd } from "@/components/billing/credit-amount";
import { DateText } from "@/components/billing/dates";
import { grantKindLabels } from "@/components/billing/labels";
import { ManagerActions } from "@/components/billing/view-only-note";
import { Badge } from "@/components/ui/badge";
import { buttonClassName } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader, Section } from "@/components/ui/page-header";
import { TBody, THead, Table, Td, Th, Tr } from "@/components/ui/table";
import { requireWorkspace, type WorkspaceContext } from "@/lib/auth/access";
import { can } from "@/lib/auth/roles";
import { now } from "@/lib/clock";
import { db } from "@/lib/db";
import { readFlexSetting } from "@/lib/db/billing/flex-setting";
import { getBillingSettings, getCreditBalance, listPrepaidGrants } from "@/lib/db/queries/dashboard";
import { creditsToCents, formatCents, formatCount } from "@/lib/money";
import { paymentGateway } from "@/lib/payments";
import { autoTopUpsThisMonth } from "@/lib/payments/auto-top-up";
import { saveCardFromSetupSession } from "@/lib/payments/cards";
import { AutoTopUpButton } from "./auto-top-up-dialog";
import { ThisMonth, type AutoTopUpRow } from "./auto-top-up-month";
import { BuyCreditsButton } from "./buy-credits-dialog";
import { cardExpired, cardLabel } from "./card-format";
import { CardOnFile } from "./card-on-file-view";
import { FlexExplanation, FlexSwitch } from "./flex-switch";
import { PageNotice } from "./page-notice";

export const metadata: Metadata = { title: "Credits" };

type SearchParams = Record<string, string | string[] | undefined>;

const one = (value: string | string[] | undefined) => (typeof value === "string" ? value : undefined);

export default async function CreditsPage({
  params,
  searchParams,
}: {
  params: Promise<{ slug: string }>;
  searchParams: Promise<SearchParams>;
}) {
  const { slug } = await params;
  const query = await searchParams;
  const ctx = await requireWorkspace(slug, "read");
  const prisma = await db();
  const canManage = can(ctx.role, "manage-billing");
  const at = now();

  // Back from the gateway's card page (Stripe Checkout): save the card before reading it (idempotent: the webhook may have too).
  const setupSession = one(query.setup_session);
  const setupOutcome = canManage && setupSession ? await confirmSetupSession(ctx, setupSession, at) : null;

  const [balance, settings, grants, autoTopUps] = await Promise.all([
    getCreditBalance(prisma, ctx.workspace.id),
    getBillingSettings(prisma, ctx.workspace.id),
    listPrepaidGrants(prisma, ctx.workspace.id),
    autoTopUpsThisMonth(prisma, ctx.workspace.id, at),
  ]);
  const gateway = paymentGateway().name;
  const creditsPerUsd = deploymentCreditsPerUsd();
  const card = settings?.card ?? null;
  const thisMonth: AutoTopUpRow[] = autoTopUps.map((payment) => ({
    id: payment.id,
    status: payment.status,
    amountCents: payment.amountCents,
    credits: payment.credits?.toString() ?? null,
    createdAt: payment.createdAt,
    failureMessage: payment.failureMessage,
  }));
  const autoTopUp = {
    enabled: settings?.autoTopUpEnabled ?? false,
    thresholdCents: settings?.autoTopUpThreshold != null ? Number(creditsToCents(settings.autoTopUpThreshold, creditsPerUsd)) : null,
    amountCents: settings?.autoTopUpAmountCents ?? null,
    monthlyMax: settings?.autoTopUpMonthlyMax ?? null,
  };
  const prepaid = balance?.prepaid ?? 0n;
  // The flex card: the switch's state and whether it may be turned on (plan, card on file for pay as you go).
  const flex = await readFlexSetting(prisma, paymentGateway(), ctx.workspace.id);

  return (
    <>
      <Notice
        query={query}
        setupOutcome={setupOutcome}
        cardName={card ? cardLabel(card) : null}
        inArrears={ctx.workspace.billingState !== "GOOD"}
      />
      <PageHeader
        title="Credits"
        description="Prepaid credits you buy ahead of usage, automatic top-ups, and flex billing for when every other source runs out."
        actions={
          <ManagerActions canManage={canManage}>
            <BuyCreditsButton slug={ctx.workspace.slug} card={card} creditsPerUsd={creditsPerUsd.toString()} />
          </ManagerActions>
        }
      />

      <div className="grid gap-4 md:grid-cols-2">
        <SettingCard icon={Coins} title="Prepaid balance">
          <CreditsFigure credits={prepaid} />
          <p className="mt-1 text-[13px] tabular-nums text-muted-foreground" data-testid="prepaid-exact">
            {formatCount(prepaid)} credits exactly
          </p>
          <p className="mt-3 text-[13px] text-muted-foreground">
            Top-ups between $5 and $10,000. Prepaid credits never expire and are not refundable.
          </p>
        </SettingCard>

        <SettingCard icon={CreditCard} title="Payment method">
          <CardOnFile
            slug={ctx.workspace.slug}
            card={card}
            canManage={canManage}
            gateway={gateway}
            expired={card ? cardExpired(card, at) : false}
          />
        </SettingCard>

        <SettingCard
          icon={RefreshCw}
          title="Auto top-up"
          badge={
            autoTopUp.enabled ? (
              <Badge tone="success" dot>
                On
              </Badge>
            ) : (
              <Badge dot>Off</Badge>
            )
          }
          action={
            canManage ? (
              <AutoTopUpButton
                slug={ctx.workspace.slug}
                settings={autoTopUp}
                card={card}
                creditsPerUsd={creditsPerUsd.toString()}
                thisMonth={thisMonth}
              />
            ) : null
          }
        >
          {autoTopUp.enabled && settings?.autoTopUpThreshold != null && autoTopUp.amountCents != null ? (
            <p className="text-sm text-pretty" data-testid="auto-top-up-summary">
              When prepaid credits fall below <CreditsWithUsd credits={settings.autoTopUpThreshold} />,{" "}
              <span className="whitespace-nowrap">{card ? cardLabel(card) : "your card"}</span> is charged{" "}
              <span className="font-medium tabular-nums">{formatCents(autoTopUp.amountCents)}</span>
              {autoTopUp.monthlyMax != null ? (
                <>
                  , at most <span className="tabular-nums">{autoTopUp.monthlyMax}</span> {autoTopUp.monthlyMax === 1 ? "time" : "times"} a
                  month
                </>
              ) : null}
              .
            </p>
          ) : (
            <p className="text-sm text-muted-foreground text-pretty">
              {autoTopUp.thresholdCents !== null
                ? "Off: nothing is charged automatically. Turn it on to refill prepaid credits when they run low."
                : "Refill prepaid credits automatically when they fall below a threshold you choose, with a monthly cap on the number of charges."}
            </p>
          )}
          {thisMonth.length > 0 ? <ThisMonth rows={thisMonth} monthlyMax={autoTopUp.monthlyMax} className="mt-4" /> : null}
        </SettingCard>

        <SettingCard
          icon={Zap}
          title="Flex billing"
          badge={
            !flex.planAllows ? (
              <Badge>Not available</Badge>
            ) : flex.enabled ? (
              <Badge tone="success" dot>
                On
              </Badge>
            ) : (
              <Badge dot>Off</Badge>
            )
          }
          action={
            !flex.planAllows ? null : canManage ? (
              <FlexSwitch
                slug={ctx.workspace.slug}
                enabled={flex.enabled}
                canTurnOn={flex.canTurnOn}
                payAsYouGo={flex.payAsYouGo}
                flexUsed={(balance?.flexUsed ?? 0n) > 0n ? <CreditsWithUsd credits={balance!.flexUsed} /> : null}
              />
            ) : (
              <p className="text-[13px] text-muted-foreground">Only owners and billing admins can turn flex billing on or off.</p>
            )
          }
        >
          <FlexExplanation
            planName={ctx.plan?.name ?? "Your plan"}
            flexAllowed={flex.planAllows}
            enabled={flex.enabled}
            payAsYouGo={flex.payAsYouGo}
            hasCard={flex.hasCard}
          />
          {flex.planAllows ? (
            <p className="mt-3 text-sm">
              Used this period: <CreditsWithUsd credits={balance?.flexUsed ?? 0n} />
            </p>
          ) : null}
        </SettingCard>
      </div>

      <Section
        title="Top-ups and grants"
        description="Prepaid credits added to this workspace, newest first."
        actions={
          <Link href={`/w/${ctx.workspace.slug}/credits/ledger`} className={buttonClassName({ variant: "secondary", size: "sm" })}>
            View the full ledger
          </Link>
        }
      >
        {grants.length === 0 ? (
          <EmptyState
            icon={Coins}
            compact
            title="No top-ups yet"
            description="Credits you buy, and credits granted by support, appear here. Each top-up has a receipt under Invoices."
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

type SetupOutcome = "saved" | "incomplete" | "failed";

async function confirmSetupSession(ctx: WorkspaceContext, sessionId: string, at: Date): Promise<SetupOutcome> {
  if (sessionId.length > 200) return "failed";
  try {
    const card = await saveCardFromSetupSession(await db(), paymentGateway(), {
      workspaceId: ctx.workspace.id,
      sessionId,
      now: at,
      actor: { id: ctx.user.id, email: ctx.user.email, role: ctx.role },
    });
    return card ? "saved" : "incomplete";
  } catch (error) {
    console.error("[credits] the card of setup session could not be saved", error);
    return "failed";
  }
}

/** The one-time notice after a redirect back to this page. */
function Notice({
  query,
  setupOutcome,
  cardName,
  inArrears,
}: {
  query: SearchParams;
  setupOutcome: SetupOutcome | null;
  cardName: string | null;
  inArrears: boolean;
}) {
  const card = one(query.card);
  const notice = one(query.notice);
  const receipt = one(query.receipt);
  const clear = ["card", "setup_session", "notice", "receipt"];
  const savedText = (
    <>
      {cardName ? `${cardName} is now the card on file.` : "It is now the card on file."}{" "}
      {inArrears ? "Overdue invoices are charged to it within a minute, or pay them now." : "Top-ups and invoices are charged to it."}
    </>
  );

  if (setupOutcome === "saved" || card === "saved") {
    return (
      <PageNotice tone="success" title="Card saved" clearParams={clear}>
        {savedText}
      </PageNotice>
    );
  }
  if (setupOutcome === "incomplete") {
    return (
      <PageNotice tone="warning" title="The card is not confirmed yet" clearParams={clear}>
        The card page has not finished saving it. Reload this page in a moment; if it still isn’t here, add the card again.
      </PageNotice>
    );
  }
  if (setupOutcome === "failed") {
    return (
      <PageNotice tone="danger" title="The card could not be saved" clearParams={clear}>
        Nothing was changed. Try adding the card again.
      </PageNotice>
    );
  }
  if (card === "cancelled") {
    return (
      <PageNotice tone="info" title="Nothing changed" clearParams={clear}>
        You left the card form without saving a card.
      </PageNotice>
    );
  }
  if (notice === "top-up-confirmed") {
    return (
      <PageNotice tone="success" title="Payment confirmed: credits added" clearParams={clear}>
        {receipt && /^MD-\d+$/.test(receipt) ? `Your receipt is ${receipt}, under Invoices.` : "The receipt is under Invoices."}
      </PageNotice>
    );
  }
  if (notice === "payment-not-confirmed") {
    return (
      <PageNotice tone="warning" title="The payment was not confirmed" clearParams={clear}>
        Nothing was charged and no credits were added. Try again, or use another card.
      </PageNotice>
    );
  }
  return null;
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
    <Card className="flex flex-col p-5" role="region" aria-label={title}>
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
