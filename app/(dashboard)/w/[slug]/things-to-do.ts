// The Overview's short list of what needs the customer's attention, most
// urgent first, in plain words with where to go. Pure: everything it looks at
// comes in as an argument, `now` included.

export interface AttentionInput {
  now: Date;
  base: string;
  /** null while auto top-up is off. */
  autoTopUpThreshold: bigint | null;
  prepaid: bigint;
  hasCard: boolean;
  planRequiresCard: boolean;
  flexEnabled: boolean;
  /** From the forecast: when included credits run out, and when calls would start being refused. */
  includedRunsOutAt: Date | null;
  refusedFrom: Date | null;
  periodEnd: Date | null;
  /** Packages that do not renew, with their expiry. */
  expiringPackages: { name: string; expiresAt: Date }[];
}

export interface Attention {
  tone: "danger" | "warning" | "info";
  text: string;
  href: string;
  action: string;
}

const DAY_MS = 86_400_000;
const SOON_DAYS = 7;

function inDays(from: Date, to: Date): string {
  const days = Math.max(0, Math.round((to.getTime() - from.getTime()) / DAY_MS));
  if (days === 0) return "today";
  if (days === 1) return "in about a day";
  return `in about ${days} days`;
}

export function thingsToDo(input: AttentionInput): Attention[] {
  const { now, base } = input;
  const out: Attention[] = [];
  if (input.planRequiresCard && !input.hasCard) {
    out.push({ tone: "danger", text: "Your plan needs a card on file to be charged.", href: `${base}/credits`, action: "Add a card" });
  }
  if (input.refusedFrom && (!input.periodEnd || input.refusedFrom < input.periodEnd)) {
    out.push({
      tone: "warning",
      text: `At this pace, calls will be refused ${inDays(now, input.refusedFrom)}: your credits run out${input.flexEnabled ? "" : " and flex billing is off"}.`,
      href: `${base}/credits`,
      action: input.flexEnabled ? "Buy credits" : "Buy credits or turn on flex",
    });
  }
  if (input.autoTopUpThreshold !== null && input.prepaid < input.autoTopUpThreshold) {
    out.push({
      tone: "warning",
      text: "Prepaid credits are below your auto top-up threshold.",
      href: `${base}/credits`,
      action: input.hasCard ? "Check auto top-up" : "Add a card",
    });
  }
  if (input.includedRunsOutAt && input.periodEnd && input.includedRunsOutAt < input.periodEnd) {
    out.push({
      tone: "info",
      text: `Included credits run out ${inDays(now, input.includedRunsOutAt)} at this pace, before the period ends.`,
      href: `${base}/usage?range=period`,
      action: "See the forecast",
    });
  }
  for (const pkg of input.expiringPackages) {
    if (pkg.expiresAt.getTime() - now.getTime() > SOON_DAYS * DAY_MS) continue;
    out.push({
      tone: "info",
      text: `${pkg.name} expires ${inDays(now, pkg.expiresAt)} and does not renew.`,
      href: `${base}/packages`,
      action: "Renew it",
    });
  }
  return out;
}
