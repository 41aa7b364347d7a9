// Notifications (R14.1): every notice this workspace was sent — usage alerts,
// the spend cap, invoices, payments, arrears warnings — newest first, whoever
// received it by email. Each links to the page it is about.
import { AlertTriangle, Bell, ChevronRight, CreditCard, Gauge, Package, Receipt, type LucideIcon } from "lucide-react";
import type { Metadata } from "next";
import Link from "next/link";
import { DateText } from "@/components/billing/dates";
import { Badge, type BadgeTone } from "@/components/ui/badge";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { requireWorkspace } from "@/lib/auth/access";
import { db } from "@/lib/db";
import { listNotifications, NOTIFICATIONS_PAGE } from "@/lib/db/queries/notifications";

export const metadata: Metadata = { title: "Notifications" };

const kinds: Record<string, { label: string; tone: BadgeTone; icon: LucideIcon }> = {
  included_usage: { label: "Usage alert", tone: "info", icon: Gauge },
  flex_usage: { label: "Usage alert", tone: "info", icon: Gauge },
  low_balance: { label: "Usage alert", tone: "info", icon: Gauge },
  spend_cap_reached: { label: "Spend cap", tone: "warning", icon: AlertTriangle },
  invoice_issued: { label: "Invoice", tone: "neutral", icon: Receipt },
  payment_succeeded: { label: "Payment", tone: "success", icon: CreditCard },
  payment_failed: { label: "Payment failed", tone: "danger", icon: CreditCard },
  auto_top_up_succeeded: { label: "Auto top-up", tone: "success", icon: CreditCard },
  auto_top_up_declined: { label: "Auto top-up", tone: "danger", icon: CreditCard },
  grace_ending: { label: "Overdue", tone: "danger", icon: AlertTriangle },
  retention_ending: { label: "Overdue", tone: "danger", icon: AlertTriangle },
  package_expiring: { label: "Package", tone: "neutral", icon: Package },
};
const fallback = { label: "Notice", tone: "neutral" as BadgeTone, icon: Bell };

export default async function NotificationsPage({ params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  const ctx = await requireWorkspace(slug, "read");
  const notifications = await listNotifications(await db(), ctx.workspace.id);
  const base = `/w/${ctx.workspace.slug}`;

  return (
    <>
      <PageHeader
        title="Notifications"
        description="Everything this workspace was told about: usage alerts, the spend cap, invoices and payments. Owners and billing admins get these by email; members choose which optional ones they receive in Settings."
      />
      {notifications.length === 0 ? (
        <EmptyState
          icon={Bell}
          title="No notifications yet"
          description={
            <>
              Usage alerts and the spend cap appear here when they fire, with invoices and payments.{" "}
              <Link href={`${base}/settings#guardrails`} className="font-medium text-primary underline-offset-4 hover:underline">
                Set up usage alerts
              </Link>
              .
            </>
          }
        />
      ) : (
        <Card>
          <ol aria-label="Notifications" className="divide-y divide-border">
            {notifications.map((notice) => {
              const kind = kinds[notice.kind] ?? fallback;
              const Icon = kind.icon;
              const href = notice.linkPath ? `${base}${notice.linkPath}` : null;
              return (
                <li key={notice.id} className="flex gap-4 px-5 py-4">
                  <span className="mt-0.5 flex size-9 shrink-0 items-center justify-center rounded-full bg-surface-muted text-muted-foreground ring-1 ring-border">
                    <Icon aria-hidden className="size-4.5" />
                  </span>
                  <div className="min-w-0 flex-1">
                    <div className="flex flex-wrap items-center gap-x-3 gap-y-1">
                      <p className="text-sm font-semibold text-foreground">{notice.subject}</p>
                      <Badge tone={kind.tone}>{kind.label}</Badge>
                    </div>
                    {notice.summary ? <p className="mt-1 text-sm text-muted-foreground text-pretty">{notice.summary}</p> : null}
                    <p className="mt-1.5 text-[13px] text-muted-foreground tabular-nums">
                      <DateText date={notice.createdAt} withTime />
                    </p>
                  </div>
                  {href ? (
                    <Link
                      href={href}
                      className="inline-flex shrink-0 items-center gap-1 self-center rounded-md px-2 py-1 text-sm font-medium text-primary hover:bg-primary-soft"
                    >
                      View<span className="sr-only">: {notice.subject}</span>
                      <ChevronRight aria-hidden className="size-4" />
                    </Link>
                  ) : null}
                </li>
              );
            })}
          </ol>
          {notifications.length === NOTIFICATIONS_PAGE ? (
            <p className="border-t border-border px-5 py-3 text-[13px] text-muted-foreground">
              The latest {NOTIFICATIONS_PAGE} notifications are shown.
            </p>
          ) : null}
        </Card>
      )}
    </>
  );
}
