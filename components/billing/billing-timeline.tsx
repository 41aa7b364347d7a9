// The Plan page's billing timeline (R10): what is coming, month by month —
// charges, included-credit resets, plan changes, package expiries and
// renewals, and the deadlines of an overdue invoice — in plain words. A
// server component: it only reads. The events come from lib/billing/timeline.ts.
import {
  ArrowDownRight,
  CalendarClock,
  CircleX,
  CreditCard,
  PackageCheck,
  PackageX,
  RotateCcw,
  Trash2,
  TriangleAlert,
  type LucideIcon,
} from "lucide-react";
import { formatPlanFee } from "@/components/billing/labels";
import { Card } from "@/components/ui/card";
import { cn } from "@/components/ui/cn";
import { EmptyState } from "@/components/ui/empty-state";
import { Section } from "@/components/ui/page-header";
import { formatDate } from "@/components/billing/dates";
import type { BillingTimeline as Timeline, TimelineEvent } from "@/lib/billing/timeline";
import { formatCents, formatCount, formatCredits } from "@/lib/money";

const LOCALE = "en-US";
const monthHeading = new Intl.DateTimeFormat(LOCALE, { month: "long", year: "numeric", timeZone: "UTC" });
const monthName = new Intl.DateTimeFormat(LOCALE, { month: "long", timeZone: "UTC" });
const weekday = new Intl.DateTimeFormat(LOCALE, { weekday: "short", timeZone: "UTC" });
const fullDate = new Intl.DateTimeFormat(LOCALE, { dateStyle: "full", timeZone: "UTC" });
const ordinalRules = new Intl.PluralRules(LOCALE, { type: "ordinal" });
const ordinalSuffix: Record<string, string> = { one: "st", two: "nd", few: "rd", other: "th" };

function ordinal(day: number): string {
  return `${day}${ordinalSuffix[ordinalRules.select(day)] ?? "th"}`;
}

type Tone = "primary" | "success" | "info" | "warning" | "danger" | "neutral";

const toneClasses: Record<Tone, string> = {
  primary: "bg-primary-soft text-primary-soft-foreground ring-primary/20",
  success: "bg-success-soft text-success ring-success/20",
  info: "bg-info-soft text-info ring-info/20",
  warning: "bg-warning-soft text-warning ring-warning/25",
  danger: "bg-danger-soft text-danger ring-danger/20",
  neutral: "bg-surface-muted text-muted-foreground ring-border",
};

interface Described {
  icon: LucideIcon;
  tone: Tone;
  title: string;
  detail?: string;
  amount?: string;
}

function chargeAmount(feeCents: bigint, withFlex: boolean): string {
  if (feeCents === 0n) return withFlex ? "Flex usage" : formatCents(0);
  return withFlex ? `${formatCents(feeCents)} + flex usage` : formatCents(feeCents);
}

function describeCharge(event: Extract<TimelineEvent, { kind: "charge" }>): Described {
  const flex = event.withFlex ? ", with the flex credits used in it" : "";
  const base = { icon: CreditCard, tone: "primary" as const, amount: chargeAmount(event.feeCents, event.withFlex) };
  switch (event.what) {
    case "plan_fee":
      return { ...base, title: `${event.planName} plan fee`, detail: `For the period ending this day${flex}.` };
    case "annual_fee":
      return {
        ...base,
        title: `${event.planName}: the next year, paid upfront`,
        detail: event.withFlex ? "Plus the flex credits used in the month ending this day." : undefined,
      };
    case "flex":
      return { ...base, title: "Flex usage billed", detail: "The flex credits used in the month ending this day, if any." };
    case "final":
      return { ...base, title: `Final invoice for ${event.planName}`, detail: `The last period's plan fee${flex}.` };
  }
}

/** One event in plain words: what happens, why it matters, and what it costs. */
function describe(event: TimelineEvent): Described {
  switch (event.kind) {
    case "charge":
      return describeCharge(event);
    case "included_reset":
      return event.interval === "YEAR"
        ? {
            icon: RotateCcw,
            tone: "success",
            title: "Included credits for the year",
            detail: `${formatCredits(event.credits)} on ${event.planName} for the next 12 months; unused ones do not carry over.`,
          }
        : {
            icon: RotateCcw,
            tone: "success",
            title: "Included credits reset",
            detail: `${formatCredits(event.credits)} on ${event.planName} for the month ahead; unused ones do not carry over.`,
          };
    case "downgrade":
      return {
        icon: ArrowDownRight,
        tone: "info",
        title: `Switches from ${event.fromPlanName} to ${event.toPlanName}`,
        detail: `${event.toPlanName} costs ${formatPlanFee(event.toPlan)}.`,
      };
    case "cancellation":
      return {
        icon: CircleX,
        tone: "warning",
        title: `${event.fromPlanName} ends and the workspace moves to ${event.toPlanName}`,
        detail: "Unused included credits are dropped; prepaid credits are kept.",
      };
    case "package_expiry":
      return {
        icon: PackageX,
        tone: "neutral",
        title: `Package expires: ${event.packageName}`,
        detail: `${formatCount(event.remainingOperations)} operations left today; any not used by then lapse.`,
      };
    case "package_renewal":
      return {
        icon: PackageCheck,
        tone: "neutral",
        title: `Package renews: ${event.packageName}`,
        detail: event.onlyIfPaidUp
          ? "Only if the overdue invoice is paid by then; otherwise the package expires."
          : "Bought again automatically and paid upfront.",
        amount: formatCents(event.priceCents),
      };
    case "grace_ends":
      return {
        icon: TriangleAlert,
        tone: "warning",
        title: "Grace period ends",
        detail: "Unless the overdue invoice is paid, every API call is refused from this day.",
      };
    case "retention_ends":
      return {
        icon: Trash2,
        tone: "danger",
        title: "Workspace data is deleted",
        detail: "Unless the overdue invoice is paid, API keys and usage records are deleted for good. Invoices are kept.",
      };
  }
}

function movedNote(event: TimelineEvent): string | null {
  if (!("movedFromDay" in event) || event.movedFromDay === null) return null;
  return `Moved to the last day of the month: ${monthName.format(event.at)} has no ${ordinal(event.movedFromDay)}.`;
}

interface DayGroup {
  key: string;
  at: Date;
  events: TimelineEvent[];
}

interface MonthGroup {
  key: string;
  at: Date;
  days: DayGroup[];
}

/** Months, then days, in UTC (R3.2: billing dates are UTC). The events arrive sorted. */
function groupByMonth(events: TimelineEvent[]): MonthGroup[] {
  const months: MonthGroup[] = [];
  for (const event of events) {
    const iso = event.at.toISOString();
    const monthKey = iso.slice(0, 7);
    const dayKey = iso.slice(0, 10);
    let month = months.at(-1);
    if (!month || month.key !== monthKey) {
      month = { key: monthKey, at: event.at, days: [] };
      months.push(month);
    }
    let day = month.days.at(-1);
    if (!day || day.key !== dayKey) {
      day = { key: dayKey, at: event.at, events: [] };
      month.days.push(day);
    }
    day.events.push(event);
  }
  return months;
}

function EventRow({ event }: { event: TimelineEvent }) {
  const { icon: Icon, tone, title, detail, amount } = describe(event);
  const moved = movedNote(event);
  return (
    <li className="flex items-start gap-3" data-kind={event.kind}>
      <span className={cn("mt-0.5 flex size-7 shrink-0 items-center justify-center rounded-lg ring-1", toneClasses[tone])}>
        <Icon aria-hidden className="size-3.5" />
      </span>
      <div className="min-w-0 flex-1 sm:flex sm:items-start sm:justify-between sm:gap-4">
        <div className="min-w-0">
          <p className="text-sm font-medium text-foreground text-pretty">{title}</p>
          {detail ? <p className="mt-0.5 text-[13px] leading-relaxed text-muted-foreground text-pretty">{detail}</p> : null}
          {moved ? (
            <p className="mt-1 flex items-start gap-1.5 text-[13px] leading-relaxed text-info">
              <CalendarClock aria-hidden className="mt-0.5 size-3.5 shrink-0" />
              <span>{moved}</span>
            </p>
          ) : null}
        </div>
        {amount ? <p className="mt-1 shrink-0 text-sm font-medium tabular-nums text-foreground sm:mt-0 sm:text-right">{amount}</p> : null}
      </div>
    </li>
  );
}

export function BillingTimelineSection({ timeline }: { timeline: Timeline }) {
  const months = groupByMonth(timeline.events);
  const charges = timeline.events.filter((event) => event.kind === "charge").length;
  return (
    <Section
      title="Billing timeline"
      description={
        months.length === 0 ? (
          "Upcoming charges, credit resets, package expiries and deadlines. Dates are in UTC."
        ) : charges > 0 ? (
          <>
            The next {charges === 1 ? "charge" : `${charges} charges`}, with the credit resets, expiries and deadlines around them, through{" "}
            {formatDate(timeline.until)}. Dates are in UTC.
          </>
        ) : (
          <>
            Nothing is charged through {formatDate(timeline.until)}; these are the credit resets, expiries and deadlines until then. Dates
            are in UTC.
          </>
        )
      }
    >
      {months.length === 0 ? (
        <EmptyState
          compact
          icon={CalendarClock}
          title="Nothing scheduled"
          description={`No charges, credit resets, package expiries or deadlines are coming up for this workspace through ${formatDate(timeline.until)}.`}
        />
      ) : (
        <Card role="region" aria-label="Billing timeline" data-testid="billing-timeline" className="divide-y divide-border">
          {months.map((month) => (
            <div key={month.key} className="px-4 py-4 sm:px-6">
              <h3 className="text-xs font-medium uppercase tracking-wide text-muted-foreground">{monthHeading.format(month.at)}</h3>
              <ol className="mt-3 space-y-4">
                {month.days.map((day) => (
                  <li key={day.key} className="flex gap-3 sm:gap-4">
                    <time dateTime={day.key} className="w-10 shrink-0 pt-0.5 text-center tabular-nums">
                      <span aria-hidden className="block text-[11px] font-medium uppercase text-muted-foreground">
                        {weekday.format(day.at)}
                      </span>
                      <span aria-hidden className="block text-lg font-semibold leading-tight text-foreground">
                        {day.at.getUTCDate()}
                      </span>
                      <span className="sr-only">{fullDate.format(day.at)}</span>
                    </time>
                    <ul className="min-w-0 flex-1 space-y-3">
                      {day.events.map((event, index) => (
                        <EventRow key={`${event.kind}-${index}`} event={event} />
                      ))}
                    </ul>
                  </li>
                ))}
              </ol>
            </div>
          ))}
        </Card>
      )}
    </Section>
  );
}
