// The audit trail (R11): every change to the account by its members, by
// support and by the billing system, and every staff view, newest first —
// who (and in what role), what, why, and the detail in plain words (for
// support actions, each value before → after). Nothing is left out.
import { ScrollText } from "lucide-react";
import { DateText, formatDateTime } from "@/components/billing/dates";
import { Badge, type BadgeTone } from "@/components/ui/badge";
import { EmptyState } from "@/components/ui/empty-state";
import { TBody, THead, Table, Td, Th, Tr } from "@/components/ui/table";
import type { AuditTrail } from "@/lib/db/queries/support-account";
import { formatCents, formatCount } from "@/lib/money";

const actionLabels: Record<string, string> = {
  "workspace.created": "Workspace created",
  "workspace.renamed": "Workspace renamed",
  "member.invited": "Member invited",
  "member.joined": "Member joined",
  "member.invitation_revoked": "Invitation revoked",
  "member.role_changed": "Member's role changed",
  "member.removed": "Member removed",
  "api_key.created": "API key created",
  "api_key.revoked": "API key revoked",
  "card.saved": "Card saved",
  "top_up.requested": "Top-up requested",
  "auto_top_up.enabled": "Auto top-up on",
  "auto_top_up.disabled": "Auto top-up off",
  "flex.enabled": "Flex billing on",
  "flex.disabled": "Flex billing off",
  "guardrails.updated": "Guardrails changed",
  "package.bought": "Package bought",
  "package.auto_renew_on": "Package auto-renew on",
  "package.auto_renew_off": "Package auto-renew off",
  "invoice.pay": "Invoice paid by the customer",
  "subscription.upgraded": "Plan upgraded",
  "subscription.downgrade_scheduled": "Downgrade scheduled",
  "subscription.downgrade_withdrawn": "Downgrade withdrawn",
  "subscription.cancel_scheduled": "Cancellation scheduled",
  "subscription.cancel_undone": "Cancellation undone",
  "rate_limit.set": "Rate limit set",
  "arrears.grace_started": "Grace period started",
  "arrears.retention_started": "Retention period started",
  "arrears.restored": "Back in good standing",
  "arrears.data_deleted": "Data deleted",
  "support.view_account": "Viewed by support",
  "support.grant_prepaid": "Prepaid credits granted",
  "support.set_rate_limit": "Custom rate limit set",
  "support.extend_grace": "Grace period extended",
  "support.void_invoice": "Invoice voided",
  "support.discount": "Discount applied",
  "support.cancel_subscription": "Subscription cancelled by support",
};

const roleLabels: Record<string, { label: string; tone: BadgeTone }> = {
  OWNER: { label: "Owner", tone: "info" },
  BILLING_ADMIN: { label: "Billing admin", tone: "info" },
  VIEWER: { label: "Viewer", tone: "info" },
  SUPPORT: { label: "Support staff", tone: "warning" },
  ADMIN: { label: "Admin staff", tone: "warning" },
  SYSTEM: { label: "Billing system", tone: "neutral" },
};

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?Z$/;

/** "graceEndsAt" → "Grace ends at"; "amountCents" → "Amount" (its value is shown in dollars). */
function fieldName(key: string): string {
  const words = key
    .replace(/(?<=.)Cents$/, "")
    .replace(/_/g, " ")
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** A value in plain words: instants as dates, cents as dollars, credit counts grouped. */
function formatValue(key: string, value: Json): string {
  if (value === null) return "none";
  if (typeof value === "boolean") return value ? "yes" : "no";
  if (typeof value === "number") return /cents$/i.test(key) && Number.isInteger(value) ? formatCents(value) : formatCount(value);
  if (typeof value === "string") {
    if (ISO_INSTANT.test(value) && !Number.isNaN(Date.parse(value))) return formatDateTime(new Date(value));
    if (/^-?\d+$/.test(value)) {
      const count = formatCount(BigInt(value));
      return /credits|prepaid|included|flex|threshold|balance/i.test(key) ? `${count} credits` : count;
    }
    return value || "—";
  }
  if (Array.isArray(value)) return value.map((item) => formatValue(key, item)).join(", ");
  return Object.entries(value)
    .map(([inner, item]) => `${fieldName(inner)}: ${formatValue(inner, item)}`)
    .join("; ");
}

const isRecord = (value: Json | undefined): value is { [key: string]: Json } =>
  typeof value === "object" && value !== null && !Array.isArray(value);

export interface DetailLine {
  field: string;
  /** Present for a change: the value before. */
  before?: string;
  value: string;
}

/** The detail as lines: each field of `before`/`after` as a change, every other field as it is. */
export function detailLines(detail: unknown): DetailLine[] {
  if (!isRecord(detail as Json)) return detail === null || detail === undefined ? [] : [{ field: "Detail", value: String(detail) }];
  const record = detail as { [key: string]: Json };
  const lines: DetailLine[] = [];
  const before = record.before;
  const after = record.after;
  if (isRecord(before) || isRecord(after)) {
    const b = isRecord(before) ? before : {};
    const a = isRecord(after) ? after : {};
    for (const key of [...new Set([...Object.keys(b), ...Object.keys(a)])]) {
      lines.push({
        field: fieldName(key),
        before: key in b ? formatValue(key, b[key]!) : "none",
        value: key in a ? formatValue(key, a[key]!) : "none",
      });
    }
  }
  for (const [key, value] of Object.entries(record)) {
    if ((key === "before" && isRecord(before)) || (key === "after" && isRecord(after))) continue;
    lines.push({ field: fieldName(key), value: formatValue(key, value) });
  }
  return lines;
}

function Detail({ detail }: { detail: unknown }) {
  const lines = detailLines(detail);
  if (lines.length === 0) return <span className="text-muted-foreground">—</span>;
  const list = (
    <dl className="space-y-0.5 text-[13px]">
      {lines.map((line, index) => (
        <div key={`${line.field}-${index}`} className="flex flex-wrap gap-x-1.5">
          <dt className="text-muted-foreground">{line.field}:</dt>
          <dd className="tabular-nums">
            {line.before !== undefined ? (
              <>
                <span className="text-muted-foreground line-through decoration-muted-foreground/50">{line.before}</span>
                <span aria-hidden className="px-1 text-muted-foreground">
                  →
                </span>
                <span className="sr-only"> changed to </span>
              </>
            ) : null}
            <span className="font-medium">{line.value}</span>
          </dd>
        </div>
      ))}
    </dl>
  );
  // Short details read at a glance; longer ones open on demand.
  if (lines.length <= 3) return list;
  return (
    <details className="group">
      <summary className="cursor-pointer text-[13px] font-medium text-primary hover:underline">{lines.length} fields</summary>
      <div className="mt-1.5">{list}</div>
    </details>
  );
}

export function auditDescription({ entries, total }: AuditTrail): string {
  const base = "Every change to the account by customers, staff and the billing system, and every staff view";
  if (total > entries.length) return `${base}: the latest ${formatCount(entries.length)} of ${formatCount(total)}, newest first.`;
  return `${base}, newest first.`;
}

export function AuditLogSection({ data }: { data: AuditTrail }) {
  if (data.entries.length === 0) {
    return (
      <EmptyState
        compact
        icon={ScrollText}
        title="No audit entries"
        description="Changes to plans, credits, keys and limits are recorded here."
      />
    );
  }
  return (
    <Table label="Audit log">
      <THead>
        <tr>
          <Th>When</Th>
          <Th>Who</Th>
          <Th>What</Th>
          <Th>Why</Th>
          <Th>Detail</Th>
        </tr>
      </THead>
      <TBody>
        {data.entries.map((entry) => {
          const role = roleLabels[entry.actorRole] ?? { label: entry.actorRole, tone: "neutral" as const };
          return (
            <Tr key={entry.id.toString()} className="align-top" data-action={entry.action}>
              <Td className="whitespace-nowrap align-top text-muted-foreground">
                <DateText date={entry.createdAt} withTime />
              </Td>
              <Td className="align-top">
                <span className="block whitespace-nowrap">{entry.actorEmail}</span>
                <Badge tone={role.tone} className="mt-1">
                  {role.label}
                </Badge>
              </Td>
              <Td className="align-top">
                <span className="block font-medium">{actionLabels[entry.action] ?? entry.action}</span>
                <code className="font-mono text-[12px] text-muted-foreground">{entry.action}</code>
              </Td>
              <Td className="min-w-40 max-w-72 align-top text-muted-foreground">{entry.reason || "—"}</Td>
              <Td className="min-w-72 align-top">
                <Detail detail={entry.detail} />
              </Td>
            </Tr>
          );
        })}
      </TBody>
    </Table>
  );
}
