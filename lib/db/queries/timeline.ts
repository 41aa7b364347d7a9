import "server-only";

// The Plan page's billing timeline (R10): what lib/billing/timeline.ts needs
// of a workspace — its subscription as the engine sees it, the Free plan a
// cancellation leads to, the packages still running, flex on or off, and the
// arrears deadlines — read in one go, then planned by the pure engine.
import type { ArrearsPolicy } from "@/lib/billing/arrears";
import type { BillingState } from "@/lib/billing/flex";
import type { SubscriptionState } from "@/lib/billing/plan-terms";
import { billingTimeline, type BillingTimeline, type TimelineInput } from "@/lib/billing/timeline";
import { FREE_PLAN_CODE } from "@/lib/catalog/schema";
import type { Tx } from "@/lib/db";
import { planSelect, planTerms } from "@/lib/db/billing/subscriptions";
import { arrearsPolicy } from "@/lib/db/payments/arrears";
import type { PrismaClient } from "@/lib/generated/prisma/client";

type Reader = PrismaClient | Tx;

/** Everything billingTimeline takes except `now`, for the packages still running at `at`. */
export async function loadTimelineInput(db: Reader, workspaceId: string, at: Date): Promise<Omit<TimelineInput, "now">> {
  const [workspace, subscription, balance, free, purchases] = await Promise.all([
    db.workspace.findUniqueOrThrow({
      where: { id: workspaceId },
      select: { flexEnabled: true, billingState: true, arrearsSince: true, graceEndsAt: true, retentionEndsAt: true },
    }),
    db.subscription.findFirst({
      where: { workspaceId, status: "ACTIVE" },
      select: {
        anchorDay: true,
        currentPeriodStart: true,
        currentPeriodEnd: true,
        cancelAtPeriodEnd: true,
        plan: { select: planSelect },
        scheduledPlan: { select: planSelect },
      },
    }),
    db.creditBalance.findUnique({ where: { workspaceId }, select: { flexPeriodStart: true } }),
    db.plan.findUniqueOrThrow({ where: { code: FREE_PLAN_CODE }, select: planSelect }),
    // The billing run expires (and renews) used-up packages too (R6.3).
    db.packagePurchase.findMany({
      where: { workspaceId, status: { in: ["ACTIVE", "EXHAUSTED"] }, expiresAt: { gt: at } },
      orderBy: [{ expiresAt: "asc" }, { id: "asc" }],
      select: {
        id: true,
        startsAt: true,
        expiresAt: true,
        remainingOperations: true,
        autoRenew: true,
        package: { select: { name: true, validity: true, priceCents: true, active: true } },
      },
    }),
  ]);

  const state: SubscriptionState | null = subscription
    ? {
        plan: planTerms(subscription.plan),
        anchorDay: subscription.anchorDay,
        currentPeriodStart: subscription.currentPeriodStart,
        currentPeriodEnd: subscription.currentPeriodEnd,
        cancelAtPeriodEnd: subscription.cancelAtPeriodEnd,
        scheduledPlan: subscription.scheduledPlan ? planTerms(subscription.scheduledPlan) : null,
        flexPeriodStart: balance?.flexPeriodStart ?? null,
      }
    : null;

  return {
    subscription: state,
    freePlan: planTerms(free),
    flexEnabled: workspace.flexEnabled,
    packages: purchases.map((purchase) => ({
      id: purchase.id,
      name: purchase.package.name,
      // A renewal lasts the catalog package's validity, as the billing run buys it.
      validity: purchase.package.validity as "MONTH" | "YEAR",
      startsAt: purchase.startsAt,
      expiresAt: purchase.expiresAt,
      remainingOperations: purchase.remainingOperations,
      autoRenew: purchase.autoRenew,
      renewable: purchase.package.active,
      priceCents: purchase.package.priceCents,
    })),
    arrears: {
      billingState: workspace.billingState as BillingState,
      arrearsSince: workspace.arrearsSince,
      graceEndsAt: workspace.graceEndsAt,
      retentionEndsAt: workspace.retentionEndsAt,
    },
  };
}

/** The workspace's billing timeline as of `now` (R10). */
export async function getBillingTimeline(
  db: Reader,
  workspaceId: string,
  now: Date,
  policy: ArrearsPolicy = arrearsPolicy(),
): Promise<BillingTimeline> {
  const input = await loadTimelineInput(db, workspaceId, now);
  return billingTimeline({ ...input, now, policy });
}
