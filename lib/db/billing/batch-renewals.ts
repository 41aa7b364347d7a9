import "server-only";

// Month close at scale (R4.2, R8.6): the plain renewals of many workspaces in
// one transaction, set-based, like debitBatch — the same writes as
// advanceSubscription (period closed, included forfeited and granted, flex
// settled, the closing invoice), in a handful of statements for a hundred
// workspaces. Anything but "exactly one renewal due, nothing of it applied
// yet" is left to advanceSubscription, the one-by-one path.
// tests/integration/batch-renewals.test.ts proves both paths write the same.
import { randomUUID } from "node:crypto";
import { invoiceLinesFor } from "@/lib/billing/subscriptions";
import { invoiceTotals } from "@/lib/billing/invoice-lines";
import type { SubscriptionState } from "@/lib/billing/plan-terms";
import { nextEvents } from "@/lib/billing/renewals";
import type { Tx } from "@/lib/db";
import { INVOICE_NUMBER_PREFIX } from "@/lib/db/invoices";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { withTransactionRetry } from "@/lib/db/ledger/retry";
import { pgArray } from "@/lib/db/sql-array";

type Row = {
  workspaceId: string;
  subscriptionId: string;
  anchorDay: number;
  currentPeriodStart: Date;
  currentPeriodEnd: Date | null;
  cancelAtPeriodEnd: boolean;
  scheduledPlanId: string | null;
  planId: string;
  code: string;
  name: string;
  rank: number;
  interval: "NONE" | "MONTH" | "YEAR";
  feeCents: number;
  includedCredits: bigint;
  flexAllowed: boolean;
  payAsYouGo: boolean;
  included: bigint;
  flexUsed: bigint;
  flexPeriodStart: Date | null;
};

const iso = (d: Date) => d.toISOString();

/** Renews what it can; returns the workspaces left for the one-by-one path. */
export async function renewBatch(prisma: PrismaClient, items: { workspaceId: string; id: string }[], now: Date, creditsPerUsd: bigint) {
  return withTransactionRetry(() =>
    prisma.$transaction((tx) => renewInTx(tx, items, now, creditsPerUsd), { timeout: 60_000, maxWait: 60_000 }),
  );
}

async function renewInTx(tx: Tx, items: { workspaceId: string; id: string }[], now: Date, creditsPerUsd: bigint) {
  const ids = items.map((i) => i.workspaceId).sort();
  await tx.$queryRaw`SELECT 1 FROM "CreditBalance" WHERE "workspaceId" = ANY(${pgArray(ids)}::uuid[]) ORDER BY "workspaceId" FOR UPDATE`;
  const rows = await tx.$queryRaw<Row[]>`
    SELECT s."workspaceId", s."id" AS "subscriptionId", s."anchorDay", s."currentPeriodStart", s."currentPeriodEnd", s."cancelAtPeriodEnd", s."scheduledPlanId",
           p."id" AS "planId", p."code", p."name", p."rank", p."interval"::text AS "interval", p."feeCents", p."includedCredits", p."flexAllowed", p."payAsYouGo",
           b."included", b."flexUsed", b."flexPeriodStart"
    FROM "Subscription" s JOIN "Plan" p ON p."id" = s."planId" JOIN "CreditBalance" b ON b."workspaceId" = s."workspaceId"
    WHERE s."workspaceId" = ANY(${pgArray(ids)}::uuid[]) AND s."status" = 'ACTIVE'`;
  const wanted = new Map(items.map((i) => [i.workspaceId, i.id]));
  const plans = rows.flatMap((row) => {
    if (wanted.get(row.workspaceId) !== row.subscriptionId || row.scheduledPlanId !== null) return [];
    const plan = {
      id: row.planId,
      code: row.code,
      name: row.name,
      rank: row.rank,
      interval: row.interval,
      feeCents: row.feeCents,
      includedCredits: row.includedCredits,
      flexAllowed: row.flexAllowed,
      payAsYouGo: row.payAsYouGo,
    };
    const state: SubscriptionState = {
      plan,
      anchorDay: row.anchorDay,
      currentPeriodStart: row.currentPeriodStart,
      currentPeriodEnd: row.currentPeriodEnd,
      cancelAtPeriodEnd: row.cancelAtPeriodEnd,
      scheduledPlan: null,
      flexPeriodStart: row.flexPeriodStart,
    };
    const events = nextEvents(state, now);
    const event = events[0];
    if (events.length !== 1 || !event || event.kind !== "renew") return [];
    const subKey = `sub:${row.subscriptionId}`;
    const invoiceKey = `${subKey}:close:${iso(event.closedPeriod.end)}`;
    return [{ row, event, invoiceKey, flexKey: `${invoiceKey}:flex`, periodId: randomUUID() }];
  });
  // Anything already (partly) applied, or with a support discount to use (R11), goes the careful way.
  const applied = await tx.$queryRaw<{ workspaceId: string }[]>`
    SELECT l."workspaceId" FROM "LedgerEntry" l JOIN unnest(${pgArray(plans.map((p) => p.row.workspaceId))}::uuid[], ${pgArray(plans.map((p) => p.flexKey))}::text[]) AS k(w, key)
      ON l."workspaceId" = k.w AND l."idempotencyKey" = k.key
    UNION SELECT i."workspaceId" FROM "Invoice" i JOIN unnest(${pgArray(plans.map((p) => p.row.workspaceId))}::uuid[], ${pgArray(plans.map((p) => p.invoiceKey))}::text[]) AS k(w, key)
      ON i."workspaceId" = k.w AND i."idempotencyKey" = k.key
    UNION SELECT sp."workspaceId" FROM "SubscriptionPeriod" sp JOIN unnest(${pgArray(plans.map((p) => p.row.workspaceId))}::uuid[], ${pgArray(plans.map((p) => p.row.subscriptionId))}::uuid[], ${pgArray(plans.map((p) => iso(p.event.periodStart)))}::timestamp[]) AS k(w, s, st)
      ON sp."workspaceId" = k.w AND sp."subscriptionId" = k.s AND sp."startsAt" = k.st
    UNION SELECT d."workspaceId" FROM "WorkspaceDiscount" d
      WHERE d."workspaceId" = ANY(${pgArray(plans.map((p) => p.row.workspaceId))}::uuid[]) AND d."invoicesRemaining" > 0`;
  const skip = new Set(applied.map((a) => a.workspaceId));
  const todo = plans.filter((p) => !skip.has(p.row.workspaceId));
  const done = new Set(todo.map((p) => p.row.workspaceId));
  if (todo.length === 0)
    return { renewed: [] as { workspaceId: string; invoice: string | null }[], left: items.filter((i) => !done.has(i.workspaceId)) };

  const ledger: {
    w: string;
    at: Date;
    reason: string;
    source: string;
    amount: bigint;
    key: string;
    grantId: string | null;
    memo: string;
  }[] = [];
  const grants: { w: string; id: string; amount: bigint; expiresAt: Date; at: Date }[] = [];
  const invoices: {
    w: string;
    id: string;
    kind: string;
    status: string;
    periodStart: Date;
    periodEnd: Date;
    subtotal: bigint;
    discount: bigint;
    total: bigint;
    at: Date;
    key: string;
  }[] = [];
  const lines: {
    w: string;
    invoiceId: string;
    position: number;
    description: string;
    source: string | null;
    rule: string;
    quantity: bigint;
    credits: bigint | null;
    amount: bigint;
  }[] = [];
  for (const { row, event, invoiceKey, flexKey, periodId } of todo) {
    const w = row.workspaceId;
    // startIncludedPeriod: forfeit what is left, grant the new period's credits.
    const includedKey = `included:${periodId}:${row.planId}`;
    if (row.included > 0n)
      ledger.push({
        w,
        at: event.periodStart,
        reason: "FORFEIT",
        source: "INCLUDED",
        amount: -row.included,
        key: `${includedKey}:forfeit`,
        grantId: null,
        memo: "included credits forfeited at period end",
      });
    let grantId: string | null = null;
    if (event.includedCredits > 0n) {
      grantId = randomUUID();
      grants.push({ w, id: grantId, amount: event.includedCredits, expiresAt: event.periodEnd, at: event.periodStart });
    }
    ledger.push({
      w,
      at: event.periodStart,
      reason: "GRANT",
      source: "INCLUDED",
      amount: event.includedCredits,
      key: includedKey,
      grantId,
      memo: "included credits of the period",
    });
    // settleFlex + the closing invoice.
    if (!event.invoice) continue;
    const flexUsed = event.invoice.flex ? row.flexUsed : 0n;
    if (flexUsed > 0n)
      ledger.push({
        w,
        at: event.at,
        reason: "SETTLEMENT",
        source: "FLEX",
        amount: -flexUsed,
        key: flexKey,
        grantId: null,
        memo: "flex of the period invoiced",
      });
    const drafts = invoiceLinesFor(event.invoice, flexUsed, creditsPerUsd);
    if (drafts.length === 0 && event.invoice.kind !== "FINAL") continue;
    const totals = invoiceTotals(drafts);
    const id = randomUUID();
    invoices.push({
      w,
      id,
      kind: event.invoice.kind,
      status: totals.totalCents === 0n ? "PAID" : "OPEN",
      periodStart: event.invoice.periodStart,
      periodEnd: event.invoice.periodEnd,
      subtotal: totals.subtotalCents,
      discount: totals.discountCents,
      total: totals.totalCents,
      at: event.at,
      key: invoiceKey,
    });
    drafts.forEach((line, position) =>
      lines.push({
        w,
        invoiceId: id,
        position,
        description: line.description,
        source: line.source,
        rule: line.rule,
        quantity: line.quantity,
        credits: line.credits,
        amount: line.amountCents,
      }),
    );
  }
  const s = String;
  await tx.$executeRaw`
    WITH closed AS (
      UPDATE "SubscriptionPeriod" sp SET "closedAt" = k.at, "closeReason" = 'RENEWED'
      FROM unnest(${pgArray(todo.map((t) => t.row.workspaceId))}::uuid[], ${pgArray(todo.map((t) => t.row.subscriptionId))}::uuid[], ${pgArray(todo.map((t) => iso(t.event.closedPeriod.start)))}::timestamp[], ${pgArray(todo.map((t) => iso(t.event.at)))}::timestamp[]) AS k(w, s, st, at)
      WHERE sp."workspaceId" = k.w AND sp."subscriptionId" = k.s AND sp."startsAt" = k.st AND sp."closedAt" IS NULL
    ), opened AS (
      INSERT INTO "SubscriptionPeriod" ("workspaceId", "id", "subscriptionId", "planId", "startsAt", "endsAt", "includedGranted")
      SELECT * FROM unnest(${pgArray(todo.map((t) => t.row.workspaceId))}::uuid[], ${pgArray(todo.map((t) => t.periodId))}::uuid[], ${pgArray(todo.map((t) => t.row.subscriptionId))}::uuid[], ${pgArray(todo.map((t) => t.row.planId))}::uuid[],
                           ${pgArray(todo.map((t) => iso(t.event.periodStart)))}::timestamp[], ${pgArray(todo.map((t) => iso(t.event.periodEnd)))}::timestamp[], ${pgArray(todo.map((t) => s(t.event.includedCredits)))}::bigint[])
    ), granted AS (
      INSERT INTO "CreditGrant" ("workspaceId", "id", "kind", "source", "amount", "expiresAt", "createdAt")
      SELECT w, id, 'INCLUDED', 'INCLUDED', a, e, c FROM unnest(${pgArray(grants.map((g) => g.w))}::uuid[], ${pgArray(grants.map((g) => g.id))}::uuid[], ${pgArray(grants.map((g) => s(g.amount)))}::bigint[], ${pgArray(grants.map((g) => iso(g.expiresAt)))}::timestamp[], ${pgArray(grants.map((g) => iso(g.at)))}::timestamp[]) AS t(w, id, a, e, c)
    ), balances AS (
      UPDATE "CreditBalance" b SET "included" = k.inc, "includedExpiresAt" = k.exp, "includedPeriodId" = k.pid, "flexUsed" = CASE WHEN k.settle THEN 0 ELSE b."flexUsed" END, "flexPeriodStart" = k.fps, "updatedAt" = now()
      FROM unnest(${pgArray(todo.map((t) => t.row.workspaceId))}::uuid[], ${pgArray(todo.map((t) => s(t.event.includedCredits)))}::bigint[], ${pgArray(todo.map((t) => iso(t.event.periodEnd)))}::timestamp[], ${pgArray(todo.map((t) => t.periodId))}::uuid[],
                  ${pgArray(todo.map((t) => Boolean(t.event.invoice?.flex)))}::boolean[], ${pgArray(todo.map((t) => iso(t.event.periodStart)))}::timestamp[]) AS k(w, inc, exp, pid, settle, fps)
      WHERE b."workspaceId" = k.w
    ), subscriptions AS (
      UPDATE "Subscription" su SET "planId" = k.plan, "anchorDay" = k.anchor, "currentPeriodStart" = k.st, "currentPeriodEnd" = k.en, "scheduledPlanId" = NULL, "updatedAt" = now()
      FROM unnest(${pgArray(todo.map((t) => t.row.workspaceId))}::uuid[], ${pgArray(todo.map((t) => t.row.subscriptionId))}::uuid[], ${pgArray(todo.map((t) => t.row.planId))}::uuid[], ${pgArray(todo.map((t) => t.event.anchorDay))}::int[],
                  ${pgArray(todo.map((t) => iso(t.event.periodStart)))}::timestamp[], ${pgArray(todo.map((t) => iso(t.event.periodEnd)))}::timestamp[]) AS k(w, s, plan, anchor, st, en)
      WHERE su."workspaceId" = k.w AND su."id" = k.s
    )
    INSERT INTO "LedgerEntry" ("workspaceId", "createdAt", "reason", "source", "amount", "idempotencyKey", "grantId", "memo")
    SELECT * FROM unnest(${pgArray(ledger.map((l) => l.w))}::uuid[], ${pgArray(ledger.map((l) => iso(l.at)))}::timestamp[], ${pgArray(ledger.map((l) => l.reason))}::"LedgerReason"[], ${pgArray(ledger.map((l) => l.source))}::"CreditSource"[],
                         ${pgArray(ledger.map((l) => s(l.amount)))}::bigint[], ${pgArray(ledger.map((l) => l.key))}::text[], ${pgArray(ledger.map((l) => l.grantId))}::uuid[], ${pgArray(ledger.map((l) => l.memo))}::text[])`;
  // Last, to hold the deployment-wide counter briefly: N gapless numbers at once, in workspace order.
  let numbers: string[] = [];
  if (invoices.length > 0) {
    const [counter] = await tx.$queryRaw<{ value: bigint }[]>`
      INSERT INTO "DeploymentCounter" ("name", "value") VALUES ('invoice', ${invoices.length})
      ON CONFLICT ("name") DO UPDATE SET "value" = "DeploymentCounter"."value" + ${invoices.length} RETURNING "value"`;
    const first = counter!.value - BigInt(invoices.length) + 1n;
    numbers = invoices.map((_, i) => `${INVOICE_NUMBER_PREFIX}${String(first + BigInt(i)).padStart(6, "0")}`);
    await tx.$executeRaw`
      WITH created AS (
        INSERT INTO "Invoice" ("workspaceId", "id", "number", "kind", "status", "periodStart", "periodEnd", "subtotalCents", "discountCents", "totalCents", "issuedAt", "dueAt", "paidAt", "idempotencyKey", "createdAt", "nextCollectionAt")
        SELECT w, id, n, k::"InvoiceKind", st::"InvoiceStatus", ps, pe, sub, dis, tot, at, CASE WHEN st = 'OPEN' THEN at END, CASE WHEN st = 'PAID' THEN at END, key, at, CASE WHEN st = 'OPEN' THEN at END
        FROM unnest(${pgArray(invoices.map((i) => i.w))}::uuid[], ${pgArray(invoices.map((i) => i.id))}::uuid[], ${pgArray(numbers)}::text[], ${pgArray(invoices.map((i) => i.kind))}::text[], ${pgArray(invoices.map((i) => i.status))}::text[],
                    ${pgArray(invoices.map((i) => iso(i.periodStart)))}::timestamp[], ${pgArray(invoices.map((i) => iso(i.periodEnd)))}::timestamp[], ${pgArray(invoices.map((i) => Number(i.subtotal)))}::int[],
                    ${pgArray(invoices.map((i) => Number(i.discount)))}::int[], ${pgArray(invoices.map((i) => Number(i.total)))}::int[], ${pgArray(invoices.map((i) => iso(i.at)))}::timestamp[], ${pgArray(invoices.map((i) => i.key))}::text[])
             AS t(w, id, n, k, st, ps, pe, sub, dis, tot, at, key)
        RETURNING 1
      )
      INSERT INTO "InvoiceLine" ("workspaceId", "invoiceId", "id", "position", "description", "source", "rule", "quantity", "credits", "amountCents")
      SELECT w, inv, gen_random_uuid(), pos, d, src::"CreditSource", r, q, c, a
      FROM unnest(${pgArray(lines.map((l) => l.w))}::uuid[], ${pgArray(lines.map((l) => l.invoiceId))}::uuid[], ${pgArray(lines.map((l) => l.position))}::int[], ${pgArray(lines.map((l) => l.description))}::text[], ${pgArray(lines.map((l) => l.source))}::text[],
                  ${pgArray(lines.map((l) => l.rule))}::text[], ${pgArray(lines.map((l) => s(l.quantity)))}::bigint[], ${pgArray(lines.map((l) => (l.credits === null ? null : s(l.credits))))}::bigint[], ${pgArray(lines.map((l) => Number(l.amount)))}::int[])
           AS t(w, inv, pos, d, src, r, q, c, a)
      WHERE (SELECT count(*) FROM created) >= 0`;
  }
  const numberOf = new Map(invoices.map((inv, i) => [inv.w, numbers[i]!]));
  return {
    renewed: todo.map((t) => ({ workspaceId: t.row.workspaceId, invoice: numberOf.get(t.row.workspaceId) ?? null })),
    left: items.filter((i) => !done.has(i.workspaceId)),
  };
}
