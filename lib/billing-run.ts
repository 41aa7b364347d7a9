import "server-only";

// Runs the billing (every due job) on this process's database, behind the lock
// that lets only one billing run at a time across processes (R8.6). Used by the
// server's minute timer, by the internal endpoint that `billing:run` calls
// while the embedded demo server holds the database, and by the command itself.
import { createHmac } from "node:crypto";
import { authSecret } from "@/lib/auth/secret";
import type { Database } from "@/lib/db/connect";
import { BILLING_RUN_LOCK, runBilling, type BillingRunSummary } from "@/lib/db/billing/billing-run";
import { env } from "@/lib/env";
import { metrics } from "@/lib/metrics";
import { gatewayFor } from "@/lib/payments";

export async function runBillingOnce(
  database: Database,
  now: Date,
  log?: (line: string) => void,
): Promise<{ ran: true; summary: BillingRunSummary } | { ran: false }> {
  const m = metrics();
  let startedAt = 0;
  let outcome;
  try {
    outcome = await database.tryWithLock(BILLING_RUN_LOCK, () => {
      startedAt = performance.now();
      return runBilling(database.prisma, {
        now,
        creditsPerUsd: env().CREDITS_PER_USD,
        concurrency: database.target.kind === "postgres" ? 4 : 1,
        gateway: gatewayFor(async () => database.prisma),
        log,
      });
    });
  } catch (error) {
    m.billingRuns.inc({ result: "failed" });
    if (startedAt > 0) m.billingRunDuration.observe({ result: "failed" }, (performance.now() - startedAt) / 1000);
    throw error;
  }
  if (!outcome.ran) {
    m.billingRuns.inc({ result: "skipped" });
    return { ran: false };
  }
  m.billingRuns.inc({ result: "ran" });
  m.billingRunDuration.observe({ result: "ran" }, (performance.now() - startedAt) / 1000);
  for (const [job, count] of Object.entries(outcome.value)) m.billingRunJobs.inc({ job }, count);
  return { ran: true, summary: outcome.value };
}

/** The bearer token of the internal billing-run endpoint: derived from the session secret, never stored. */
export function internalBillingRunToken(): string {
  return createHmac("sha256", authSecret()).update("meterdesk:billing-run").digest("base64url");
}

export function formatSummary(summary: BillingRunSummary): string {
  return [
    `${summary.subscriptionEvents} subscription events`,
    `${summary.invoices} invoices`,
    `${summary.packagesExpired} packages expired`,
    `${summary.packagesRenewed} renewed`,
    `${summary.statements} hourly statements`,
    `${summary.collectionAttempts} collection attempts (${summary.paymentsSucceeded} paid, ${summary.paymentsFailed} failed)`,
    `${summary.autoTopUps} auto top-ups`,
    `${summary.toRetention} to retention`,
    `${summary.workspacesDeleted} deleted`,
    `${summary.emailsSent} emails`,
  ].join(", ");
}
