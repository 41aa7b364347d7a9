// The support actions on one account (R11), each previewed before it is
// applied and audited with its reason. The forms are client components; this
// server component hands each the slice of the account it acts on.
import { db } from "@/lib/db";
import type { Account } from "@/lib/db/queries/support";
import { DiscountForm, ExtendGraceForm, RateLimitForm, VoidInvoiceForm } from "./account-change-forms";
import { CancelSubscription } from "./cancel-subscription";
import { GrantCredits } from "./grant-credits";
import { ResendInvoice } from "./resend-invoice";

export async function AccountActions({ account, creditsPerUsd }: { account: Account; creditsPerUsd: string; now: Date }) {
  // Every issued invoice (the account page lists only the latest): open and draft ones can be voided, any but drafts and void ones resent.
  const invoices = await (
    await db()
  ).invoice.findMany({
    where: { workspaceId: account.id },
    orderBy: { createdAt: "desc" },
    select: { id: true, number: true, status: true, totalCents: true },
  });
  const subscription = account.subscriptions[0] ?? null;
  const custom = (window: "SECOND" | "HOUR") => account.rateLimits.find((limit) => limit.window === window)?.limit ?? null;
  return (
    <div className="grid gap-4 lg:grid-cols-2">
      <GrantCredits workspaceId={account.id} creditsPerUsd={creditsPerUsd} />
      <RateLimitForm workspaceId={account.id} perSecond={custom("SECOND")} perHour={custom("HOUR")} />
      <ExtendGraceForm
        workspaceId={account.id}
        graceEndsAt={account.billingState === "GRACE" && account.graceEndsAt ? account.graceEndsAt.toISOString() : null}
      />
      <VoidInvoiceForm
        workspaceId={account.id}
        invoices={invoices.filter((invoice) => invoice.status === "OPEN" || invoice.status === "DRAFT")}
      />
      <DiscountForm workspaceId={account.id} />
      <CancelSubscription
        workspaceId={account.id}
        creditsPerUsd={creditsPerUsd}
        planName={subscription?.plan.name ?? null}
        paid={!!subscription && (subscription.plan.feeCents > 0 || subscription.plan.interval === "YEAR")}
        cancelAtPeriodEnd={subscription?.cancelAtPeriodEnd ?? false}
        periodEnd={subscription?.currentPeriodEnd?.toISOString() ?? null}
      />
      <ResendInvoice
        workspaceId={account.id}
        invoices={invoices.filter((invoice) => invoice.status !== "DRAFT" && invoice.status !== "VOID")}
      />
    </div>
  );
}
