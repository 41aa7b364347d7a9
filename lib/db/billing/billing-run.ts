import "server-only";

// The billing run (R8.6): every job due as of an instant — subscription
// periods, packages, hourly statements, invoice collection and dunning,
// payments left unanswered, auto top-ups, arrears transitions and deletions,
// notices, expired idempotency keys. Each job is
// idempotent and commits in small transactions, so that running it twice for
// the same instant changes nothing and a run that crashed halfway completes
// on the next run without duplicating anything.
import { packageLine } from "@/lib/billing/invoice-lines";
import { packageExpiry } from "@/lib/billing/packages";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { purgeExpiredIdempotencyKeys } from "@/lib/db/idempotency";
import { createInvoice } from "@/lib/db/invoices";
import { expirePackage, grantPackage } from "@/lib/db/ledger/grants";
import { withTransactionRetry } from "@/lib/db/ledger/retry";
import { advanceSubscription, dueSubscriptions } from "./subscriptions";
import { renewBatch } from "./batch-renewals";
import { issueHourlyStatements } from "./statements";
import { enqueueBalanceNotices } from "./notices";
import { enqueueGuardrailAlerts } from "./guardrail-alerts";
import { arrearsPolicy, advanceArrears } from "@/lib/db/payments/arrears";
import type { ArrearsPolicy } from "@/lib/billing/arrears";
import { deliverDueNotices } from "@/lib/db/notices";
import type { PaymentGateway } from "@/lib/payments/gateway";
import { collectDueInvoices } from "@/lib/payments/collect";
import { reconcilePayments } from "@/lib/payments/reconcile";
import { runDueAutoTopUps } from "@/lib/payments/auto-top-up";

/** Emails sent by one run; the rest go out with the next runs (the outbox keeps them). */
export const EMAILS_PER_RUN = 300;

export interface BillingRunOptions {
  now: Date;
  creditsPerUsd: bigint;
  /** Workspaces advanced at once (1 on PGlite). */
  concurrency?: number;
  log?: (line: string) => void;
  /** The card processor. Without one nothing is charged (engine tests that look at periods alone). */
  gateway?: PaymentGateway;
  /** Dunning and arrears settings (default: from the environment). */
  arrears?: ArrearsPolicy;
  /** Send due emails (default true). */
  deliverEmail?: boolean;
}

export interface BillingRunSummary {
  subscriptionEvents: number;
  invoices: number;
  packagesExpired: number;
  packagesRenewed: number;
  statements: number;
  /** Idempotency keys older than 24 h, forgotten (R9.1). */
  idempotencyKeysPurged: number;
  /** Collection attempts of open invoices, and how many succeeded. */
  collectionAttempts: number;
  paymentsSucceeded: number;
  paymentsFailed: number;
  /** Payments settled by the reconciliation (an answer that never arrived). */
  paymentsReconciled: number;
  autoTopUps: number;
  toRetention: number;
  workspacesDeleted: number;
  emailsSent: number;
}

/** The lock that keeps two billing runs (instances, or the command and the server) from running at once. */
export const BILLING_RUN_LOCK = 727_073_691;

export async function runBilling(prisma: PrismaClient, options: BillingRunOptions): Promise<BillingRunSummary> {
  const log = options.log ?? (() => {});
  const summary: BillingRunSummary = {
    subscriptionEvents: 0,
    invoices: 0,
    packagesExpired: 0,
    packagesRenewed: 0,
    statements: 0,
    idempotencyKeysPurged: 0,
    collectionAttempts: 0,
    paymentsSucceeded: 0,
    paymentsFailed: 0,
    paymentsReconciled: 0,
    autoTopUps: 0,
    toRetention: 0,
    workspacesDeleted: 0,
    emailsSent: 0,
  };
  const policy = options.arrears ?? arrearsPolicy();

  // 1. Periods: renewals, annual grants, resets and forfeits, downgrades, cancellations, flex invoices.
  const concurrency = Math.max(1, options.concurrency ?? 1);
  let after = "";
  for (;;) {
    const due = await dueSubscriptions(prisma, options.now, 500, after);
    if (due.length === 0) break;
    after = due[due.length - 1]!.workspaceId;
    // Plain renewals set-based, 100 workspaces a transaction; the rest one by one.
    const chunks: (typeof due)[] = [];
    for (let i = 0; i < due.length; i += 100) chunks.push(due.slice(i, i + 100));
    const left: typeof due = [];
    let nextChunk = 0;
    await Promise.all(
      Array.from({ length: Math.min(2, chunks.length) }, async () => {
        while (nextChunk < chunks.length) {
          const result = await renewBatch(prisma, chunks[nextChunk++]!, options.now, options.creditsPerUsd);
          summary.subscriptionEvents += result.renewed.length;
          summary.invoices += result.renewed.filter((r) => r.invoice).length;
          left.push(...result.left);
        }
      }),
    );
    let next = 0;
    await Promise.all(
      Array.from({ length: Math.min(concurrency, left.length) }, async () => {
        while (next < left.length) {
          const item = left[next++]!;
          const result = await advanceSubscription(prisma, item.workspaceId, item.id, options.now, options.creditsPerUsd);
          summary.subscriptionEvents += result.events.length;
          summary.invoices += result.invoices.length;
          if (result.events.length > 0)
            log(
              `workspace ${item.workspaceId}: ${result.events.join(", ")}${result.invoices.length ? ` → invoices ${result.invoices.join(", ")}` : ""}`,
            );
        }
      }),
    );
    if (due.length < 500) break;
  }

  // 2. Packages: expiries, then auto-renewals (R6.1, R6.3). A renewal that is
  // itself already over (a clock far behind) is expired in the next round.
  for (let round = 0; round < 1000; round += 1) {
    const expiring = await prisma.packagePurchase.findMany({
      where: { status: { in: ["ACTIVE", "EXHAUSTED"] }, expiresAt: { lte: options.now } },
      select: {
        workspaceId: true,
        id: true,
        packageId: true,
        autoRenew: true,
        expiresAt: true,
        workspace: { select: { billingState: true } },
      },
      orderBy: [{ expiresAt: "asc" }],
    });
    for (const purchase of expiring) {
      await withTransactionRetry(() =>
        prisma.$transaction(async (tx) => {
          await expirePackage(tx, { workspaceId: purchase.workspaceId, purchaseId: purchase.id, at: purchase.expiresAt });
          summary.packagesExpired += 1;
          // R6.3: renewed at expiry unless the account is in arrears.
          if (!purchase.autoRenew || purchase.workspace.billingState !== "GOOD") return;
          const pkg = await tx.package.findUniqueOrThrow({
            where: { id: purchase.packageId },
            select: { id: true, name: true, operationTypeId: true, operations: true, validity: true, priceCents: true, active: true },
          });
          if (!pkg.active) return;
          const key = `package:${purchase.id}:renewal`;
          const invoice = await createInvoice(tx, {
            workspaceId: purchase.workspaceId,
            kind: "PACKAGE",
            lines: [
              packageLine({
                packageName: pkg.name,
                priceCents: pkg.priceCents,
                startsAt: purchase.expiresAt,
                expiresAt: packageExpiry(purchase.expiresAt, pkg.validity as "MONTH" | "YEAR"),
                renewal: true,
              }),
            ],
            idempotencyKey: key,
            at: purchase.expiresAt,
          });
          const granted = await grantPackage(tx, {
            workspaceId: purchase.workspaceId,
            packageId: pkg.id,
            operationTypeId: pkg.operationTypeId,
            operations: pkg.operations,
            expiresAt: packageExpiry(purchase.expiresAt, pkg.validity as "MONTH" | "YEAR"),
            at: purchase.expiresAt,
            autoRenew: true,
            renewedFromId: purchase.id,
            invoiceId: invoice.id,
            idempotencyKey: key,
          });
          if (granted.applied) {
            summary.packagesRenewed += 1;
            summary.invoices += 1;
            log(`workspace ${purchase.workspaceId}: package ${pkg.name} renewed → invoice ${invoice.number}`);
          }
        }),
      );
    }
    if (expiring.length === 0) break;
  }

  // 3. Hourly statements of usage (R8.1).
  summary.statements = await issueHourlyStatements(prisma, options.now);
  if (summary.statements > 0) log(`hourly statements: ${summary.statements}`);

  // 4. Payments (R7, R8.3): answers that never arrived, then due collections and retries, then auto top-ups.
  if (options.gateway) {
    summary.paymentsReconciled = (
      await reconcilePayments(prisma, options.gateway, options.now, { creditsPerUsd: options.creditsPerUsd })
    ).settled;
    const collected = await collectDueInvoices(prisma, options.gateway, options.now, {
      creditsPerUsd: options.creditsPerUsd,
      concurrency: Math.min(concurrency, 4),
    });
    summary.collectionAttempts = collected.attempted;
    summary.paymentsSucceeded = collected.succeeded;
    summary.paymentsFailed = collected.failed;
    if (collected.attempted > 0)
      log(`collection: ${collected.attempted} attempts, ${collected.succeeded} paid, ${collected.failed} failed`);
    summary.autoTopUps = await runDueAutoTopUps(prisma, options.gateway, options.now, options.creditsPerUsd);
  }

  // 5. Arrears (R8.3–R8.5): grace → retention → deletion, each warned about beforehand.
  const arrears = await advanceArrears(prisma, options.now, policy);
  summary.toRetention = arrears.toRetention;
  summary.workspacesDeleted = arrears.deleted;
  if (arrears.toRetention + arrears.deleted > 0) log(`arrears: ${arrears.toRetention} to retention, ${arrears.deleted} deleted`);

  // 6. Notices that are not about a payment (low balance, package expiring, usage alerts, the spend cap), then the outbox.
  await enqueueBalanceNotices(prisma, options.now);
  await enqueueGuardrailAlerts(prisma, options.now, options.creditsPerUsd);
  if (options.deliverEmail ?? true) {
    summary.emailsSent = (await deliverDueNotices(prisma, options.now, { maxMessages: EMAILS_PER_RUN })).sent;
  }

  // 7. Idempotency keys past their 24 hours (R9.1), in bounded chunks.
  summary.idempotencyKeysPurged = await purgeExpiredIdempotencyKeys(prisma, options.now);
  if (summary.idempotencyKeysPurged > 0) log(`idempotency keys purged: ${summary.idempotencyKeysPurged}`);

  return summary;
}
