// What auto top-up did this calendar month, and the types the auto top-up
// dialog shares with the page. No client code: the page renders the list on
// the server, and the dialog (auto-top-up-form.tsx) shows it again.
import { formatDate } from "@/components/billing/dates";
import { Badge, type BadgeTone } from "@/components/ui/badge";
import { cn } from "@/components/ui/cn";
import { formatCents, formatCount } from "@/lib/money";

export interface AutoTopUpSettingsView {
  enabled: boolean;
  thresholdCents: number | null;
  amountCents: number | null;
  monthlyMax: number | null;
}

export type AutoTopUpStatus = "PENDING" | "REQUIRES_ACTION" | "SUCCEEDED" | "FAILED";

export interface AutoTopUpRow {
  id: string;
  status: AutoTopUpStatus;
  amountCents: number;
  credits: string | null;
  createdAt: Date;
  failureMessage: string | null;
}

export const autoTopUpStatusLabels: Record<AutoTopUpStatus, { label: string; tone: BadgeTone }> = {
  SUCCEEDED: { label: "Added", tone: "success" },
  FAILED: { label: "Declined", tone: "danger" },
  PENDING: { label: "Processing", tone: "info" },
  REQUIRES_ACTION: { label: "Needs confirmation", tone: "warning" },
};

/** What auto top-up did this calendar month. */
export function ThisMonth({ rows, monthlyMax, className }: { rows: AutoTopUpRow[]; monthlyMax: number | null; className?: string }) {
  const counted = rows.filter((row) => row.status !== "FAILED").length;
  return (
    <div className={cn("mt-6", className)}>
      <div className="mb-2 flex items-baseline justify-between gap-3">
        <h3 className="text-sm font-medium text-foreground">This month</h3>
        {monthlyMax !== null ? (
          <p className="text-[13px] tabular-nums text-muted-foreground">
            {counted} of {monthlyMax} used
          </p>
        ) : null}
      </div>
      {rows.length === 0 ? (
        <p className="rounded-lg border border-dashed border-border-strong px-4 py-3 text-[13px] text-muted-foreground">
          No automatic top-ups this month.
        </p>
      ) : (
        <ul aria-label="Automatic top-ups this month" className="divide-y divide-border rounded-lg border border-border">
          {rows.map((row) => {
            const { label, tone } = autoTopUpStatusLabels[row.status];
            return (
              <li key={row.id} className="flex flex-wrap items-center justify-between gap-x-4 gap-y-1 px-4 py-2.5 text-sm">
                <span className="tabular-nums text-muted-foreground">{formatDate(row.createdAt)}</span>
                <span className="flex-1 tabular-nums">
                  {formatCents(row.amountCents)}
                  {row.credits ? <span className="text-muted-foreground"> · {formatCount(BigInt(row.credits))} credits</span> : null}
                </span>
                <Badge tone={tone} dot title={row.failureMessage ?? undefined}>
                  {label}
                </Badge>
                {row.status === "FAILED" && row.failureMessage ? (
                  <span className="basis-full text-[13px] text-danger">{row.failureMessage}</span>
                ) : null}
              </li>
            );
          })}
        </ul>
      )}
    </div>
  );
}
