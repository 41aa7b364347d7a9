import "server-only";

// The arrears banner (R8.3–R8.5), at the top of every page of a workspace in
// grace, retention or after deletion: what happened (which invoice, how
// much, why the payment failed), what is refused now, the deadline, and —
// for owners and billing admins — "Pay now" and "Update card".
import { CircleAlert, TriangleAlert } from "lucide-react";
import Link from "next/link";
import type { ReactNode } from "react";
import { cn } from "@/components/ui/cn";
import { can, type WorkspaceRole } from "@/lib/auth/roles";
import { db } from "@/lib/db";
import type { BillingState } from "@/lib/generated/prisma/enums";
import { formatCents } from "@/lib/money";
import { paymentGateway } from "@/lib/payments";
import { AddCardButton, PayInvoiceButton } from "./arrears-actions";
import { DateText } from "./dates";

export interface ArrearsBannerWorkspace {
  id: string;
  slug: string;
  billingState: BillingState;
  graceEndsAt: Date | null;
  retentionEndsAt: Date | null;
}

async function loadOverdue(workspaceId: string) {
  const prisma = await db();
  const gateway = paymentGateway().name;
  const [invoices, card] = await Promise.all([
    // What keeps the workspace in arrears: open invoices whose payment failed (restoreIfNothingOverdue).
    prisma.invoice.findMany({
      where: { workspaceId, status: "OPEN", firstFailedAt: { not: null } },
      orderBy: [{ firstFailedAt: "asc" }, { createdAt: "asc" }],
      take: 20,
      select: { id: true, number: true, totalCents: true, lastPaymentError: true, nextCollectionAt: true },
    }),
    prisma.paymentMethod.findFirst({
      where: { workspaceId, gateway },
      orderBy: [{ isDefault: "desc" }, { createdAt: "desc" }],
      select: { brand: true, last4: true, expMonth: true, expYear: true },
    }),
  ]);
  return { invoices, card };
}

export async function ArrearsBanner({ workspace, role }: { workspace: ArrearsBannerWorkspace; role: WorkspaceRole }) {
  const state = workspace.billingState;
  if (state === "GOOD") return null;
  const { invoices, card } = await loadOverdue(workspace.id);
  const first = invoices[0] ?? null;
  const others = invoices.slice(1);
  const totalCents = invoices.reduce((sum, invoice) => sum + invoice.totalCents, 0);
  const canManage = can(role, "manage-billing");
  const base = `/w/${workspace.slug}`;
  const severe = state !== "GRACE";

  const title =
    state === "GRACE"
      ? "A payment failed: your workspace is in its grace period"
      : state === "RETENTION"
        ? "Service is suspended: every API call is refused"
        : "This workspace's data was deleted";

  const happened = first ? (
    <p>
      The payment of invoice{" "}
      <Link
        href={`${base}/invoices/${encodeURIComponent(first.number)}`}
        className="font-mono font-medium text-foreground underline underline-offset-2"
      >
        {first.number}
      </Link>{" "}
      for <strong className="font-semibold tabular-nums">{formatCents(first.totalCents)}</strong> failed
      {first.lastPaymentError ? <>: {first.lastPaymentError}</> : "."}
      {others.length > 0 ? (
        <>
          {" "}
          {others.length === 1 ? "One more invoice is" : `${others.length} more invoices are`} overdue too,{" "}
          <span className="tabular-nums">{formatCents(totalCents)}</span> in all.
        </>
      ) : null}
      {state === "GRACE" && first.nextCollectionAt ? (
        <>
          {" "}
          We&apos;ll try the card again on <DateText date={first.nextCollectionAt} />.
        </>
      ) : null}
    </p>
  ) : (
    <p>
      A payment failed.{" "}
      <Link href={`${base}/invoices`} className="font-medium text-foreground underline underline-offset-2">
        See your invoices
      </Link>
      .
    </p>
  );

  const restrictions: ReactNode[] =
    state === "GRACE"
      ? [
          "Calls that would need flex credits are refused. Included, package and prepaid credits still work.",
          "Nothing can be bought or upgraded until it is paid, except prepaid credits.",
        ]
      : state === "RETENTION"
        ? ["Every metered API call is refused until the overdue invoice is paid. You can still sign in, see your data and pay."]
        : ["API keys and usage records were deleted after the retention period. Invoices and the audit trail are kept."];

  const deadline =
    state === "GRACE" ? (
      <p>
        Pay by <Deadline date={workspace.graceEndsAt} fallback="the end of the grace period" /> to keep your service. After that every API
        call is refused, and on <Deadline date={workspace.retentionEndsAt} fallback="the end of retention" /> this workspace&apos;s API keys
        and usage records are deleted.
      </p>
    ) : state === "RETENTION" ? (
      <p>
        Unless the invoice is paid, this workspace&apos;s API keys and usage records are deleted on{" "}
        <Deadline date={workspace.retentionEndsAt} fallback="the end of retention" />. Invoices and the audit trail are kept.
      </p>
    ) : null;

  const Icon = severe ? CircleAlert : TriangleAlert;
  return (
    <section
      aria-label="Overdue payment"
      data-testid="arrears-banner"
      className={cn(
        "mb-8 rounded-xl border px-5 py-4 text-sm shadow-card",
        severe ? "border-danger/30 bg-danger-soft/70" : "border-warning/35 bg-warning-soft/70",
      )}
    >
      <div className="flex items-start gap-3">
        <Icon aria-hidden className={cn("mt-0.5 size-5 shrink-0", severe ? "text-danger" : "text-warning")} />
        <div className="min-w-0 flex-1 space-y-2 text-foreground/85">
          <h2 className="text-[15px] font-semibold tracking-tight text-foreground">{title}</h2>
          {happened}
          <ul className="list-disc space-y-0.5 pl-5 marker:text-foreground/40">
            {restrictions.map((text, index) => (
              <li key={index}>{text}</li>
            ))}
          </ul>
          {deadline}
          {first ? (
            canManage ? (
              <div className="flex flex-wrap items-center gap-2 pt-1">
                <PayInvoiceButton
                  slug={workspace.slug}
                  invoiceId={first.id}
                  invoiceNumber={first.number}
                  amountCents={first.totalCents}
                  card={card}
                  size="sm"
                  variant={severe ? "danger" : "primary"}
                />
                <AddCardButton slug={workspace.slug} replace={Boolean(card)} size="sm" variant="secondary">
                  Update card
                </AddCardButton>
              </div>
            ) : (
              <p className="pt-1 font-medium text-foreground">
                Ask an owner or billing admin of this workspace to pay it or update the card.
              </p>
            )
          ) : null}
        </div>
      </div>
    </section>
  );
}

function Deadline({ date, fallback }: { date: Date | null; fallback: string }) {
  return <strong className="font-semibold text-foreground">{date ? <DateText date={date} /> : fallback}</strong>;
}
