// The emails Meterdesk sends (R7.2, R8.3–R8.5, R14.1): which exist, who may
// turn them off, and their plain-text wording. Pure: the data comes in typed
// (cents as integers, credits as bigint, dates as instants), the text goes
// out; no clock, no database. lib/db/notices.ts renders with this when it
// writes the outbox, so a message reads the same however late it is sent.
import { formatCents, formatCount } from "@/lib/money";

export const NOTICE_KINDS = [
  "invoice_issued",
  "payment_succeeded",
  "payment_failed",
  "auto_top_up_succeeded",
  "auto_top_up_declined",
  "low_balance",
  "grace_ending",
  "retention_ending",
  "package_expiring",
  "included_usage",
  "flex_usage",
  "spend_cap_reached",
] as const;

export type NoticeKind = (typeof NOTICE_KINDS)[number];

/** Not about money owed: each member chooses whether to receive them, and each carries an unsubscribe link. */
export const OPTIONAL_NOTICE_KINDS = [
  "low_balance",
  "package_expiring",
  "auto_top_up_succeeded",
  "included_usage",
  "flex_usage",
] as const satisfies readonly NoticeKind[];

export type OptionalNoticeKind = (typeof OPTIONAL_NOTICE_KINDS)[number];

/** About money owed or data at risk: always sent to every owner and billing admin. */
export const ALWAYS_SENT_NOTICE_KINDS = NOTICE_KINDS.filter(
  (kind): kind is Exclude<NoticeKind, OptionalNoticeKind> => !isOptionalNotice(kind),
);

export function isNoticeKind(value: string): value is NoticeKind {
  return (NOTICE_KINDS as readonly string[]).includes(value);
}

export function isOptionalNotice(kind: string): kind is OptionalNoticeKind {
  return (OPTIONAL_NOTICE_KINDS as readonly string[]).includes(kind);
}

/**
 * What each notice is, in words for Settings and the unsubscribe page:
 * `title` for a checkbox, `emails` after "You will no longer receive …".
 */
export const noticeLabels: Record<NoticeKind, { title: string; description: string; emails: string }> = {
  invoice_issued: { title: "Invoices", description: "When an invoice is issued.", emails: "invoice emails" },
  payment_succeeded: {
    title: "Payment receipts",
    description: "When a payment of an invoice or a top-up goes through.",
    emails: "payment receipts",
  },
  payment_failed: {
    title: "Failed payments",
    description: "When a charge to the card on file is declined.",
    emails: "failed payment emails",
  },
  auto_top_up_succeeded: {
    title: "Auto top-up receipts",
    description: "When an auto top-up adds prepaid credits.",
    emails: "auto top-up receipts",
  },
  auto_top_up_declined: {
    title: "Declined auto top-ups",
    description: "When an auto top-up is declined and turned off.",
    emails: "declined auto top-up emails",
  },
  low_balance: {
    title: "Low prepaid balance",
    description: "When prepaid credits fall below the alert level in the billing guardrails.",
    emails: "low prepaid balance warnings",
  },
  grace_ending: {
    title: "Grace period ending",
    description: "A few days before API calls are refused because of an unpaid invoice.",
    emails: "grace period warnings",
  },
  retention_ending: {
    title: "Deletion warnings",
    description: "A few days before API keys and usage records are deleted because of an unpaid invoice.",
    emails: "deletion warnings",
  },
  package_expiring: {
    title: "Package expiring",
    description: "Three days before a package that does not renew expires.",
    emails: "package expiry reminders",
  },
  included_usage: {
    title: "Included credits used",
    description: "When 50 %, 80 % and 100 % of the period's included credits are used, if turned on in the billing guardrails.",
    emails: "included credit usage alerts",
  },
  flex_usage: {
    title: "Flex usage",
    description: "When flex used this period passes the alert level in the billing guardrails.",
    emails: "flex usage alerts",
  },
  spend_cap_reached: {
    title: "Spend cap reached",
    description: "When flex and auto top-ups reach the monthly spend cap and calls that need flex are refused.",
    emails: "spend cap emails",
  },
};

export interface NoticeData {
  invoice_issued: {
    invoiceNumber: string;
    totalCents: number;
    dueAt?: Date | null;
    /** The card on file that will be charged, if any. */
    cardLast4?: string | null;
  };
  payment_succeeded: {
    amountCents: number;
    /** The invoice paid, or the receipt of a top-up. */
    invoiceNumber?: string | null;
    /** Credits a top-up added; absent or null: an invoice was paid. */
    credits?: bigint | null;
    cardLast4?: string | null;
  };
  payment_failed: {
    amountCents: number;
    invoiceNumber?: string | null;
    /** Why, in plain words ("Your card was declined."). */
    reason: string;
    /** The next automatic attempt; null or absent: none. */
    nextAttemptAt?: Date | null;
    /** When usage starts being refused, if the workspace is in its grace period. */
    graceEndsAt?: Date | null;
  };
  auto_top_up_succeeded: {
    amountCents: number;
    credits: bigint;
    invoiceNumber?: string | null;
    /** Prepaid credits after the top-up. */
    prepaidAfter?: bigint | null;
  };
  auto_top_up_declined: {
    amountCents: number;
    reason: string;
  };
  low_balance: {
    prepaid: bigint;
    /** The customer's alert level (Workspace.alertPrepaidBelow). */
    threshold: bigint;
  };
  grace_ending: {
    graceEndsAt: Date;
    /** What is owed on overdue invoices. */
    overdueCents: number;
  };
  retention_ending: {
    retentionEndsAt: Date;
    overdueCents: number;
  };
  package_expiring: {
    packageName: string;
    expiresAt: Date;
    remainingOperations: bigint;
  };
  included_usage: {
    /** The level reached: 50, 80 or 100. */
    percent: number;
    used: bigint;
    allotment: bigint;
    /** When the included credits reset, if known. */
    resetsAt?: Date | null;
  };
  flex_usage: {
    flexUsed: bigint;
    /** The customer's alert level (Workspace.alertFlexAbove). */
    threshold: bigint;
    /** What the flex used so far comes to, rounded down. */
    flexCents: number;
  };
  spend_cap_reached: {
    capCents: number;
    /** When the cap starts over, if known. */
    resetsAt?: Date | null;
  };
}

export interface NoticeContext {
  /** The app's public URL, "https://meterdesk.example.com" (no trailing slash needed). */
  appUrl: string;
  workspaceSlug: string;
  workspaceName: string;
  /** When the event happened (enqueueNotice's `at`): "was issued on …". */
  at?: Date;
  /** The recipient's one-click unsubscribe link (optional notices). */
  unsubscribeUrl?: string;
}

export interface RenderedNotice {
  subject: string;
  text: string;
  /** The first paragraph: what the notification list shows under the subject. */
  summary: string;
  /** The page it links to, inside the workspace ("/credits"). */
  linkPath: string;
}

const dateFormat = new Intl.DateTimeFormat("en-US", { dateStyle: "long", timeZone: "UTC" });

/** "March 3, 2027" — billing dates are UTC days. */
export function formatNoticeDate(date: Date): string {
  return dateFormat.format(date);
}

/** "40,000,000 credits", exact (an email is read once; no compact "40M"). */
export function formatNoticeCredits(credits: bigint): string {
  return `${formatCount(credits)} ${credits === 1n || credits === -1n ? "credit" : "credits"}`;
}

function money(cents: number): string {
  if (!Number.isSafeInteger(cents)) throw new RangeError(`cents must be an integer, got ${cents}`);
  return formatCents(cents);
}

function card(last4: string | null | undefined): string {
  return last4 ? `the card ending in ${last4}` : "the card on file";
}

type Body = { subject: string; paragraphs: string[]; link: { label: string; path: string } };

/** The workspace's name, and " on March 3, 2027" for the event's day (empty when unknown). */
type Scene = { workspace: string; on: string };

type Renderers = { [K in NoticeKind]: (data: NoticeData[K], scene: Scene) => Body };

const invoicePath = (number: string) => `/invoices/${encodeURIComponent(number)}`;

const renderers: Renderers = {
  invoice_issued(data, { workspace, on }) {
    const total = money(data.totalCents);
    const collection =
      data.totalCents === 0
        ? "Nothing is due."
        : data.cardLast4
          ? `It will be charged to the card ending in ${data.cardLast4}.`
          : `Please pay it from the invoice page${data.dueAt ? ` by ${formatNoticeDate(data.dueAt)}` : ""}.`;
    return {
      subject: `Invoice ${data.invoiceNumber} for ${workspace}: ${total}`,
      paragraphs: [`Invoice ${data.invoiceNumber} for ${workspace} was issued${on} for ${total}.`, collection],
      link: { label: "View the invoice", path: invoicePath(data.invoiceNumber) },
    };
  },

  payment_succeeded(data, { workspace, on }) {
    const amount = money(data.amountCents);
    const paragraphs = [`We received your payment of ${amount} from ${card(data.cardLast4)}${on}. Thank you.`];
    if (data.credits != null) {
      paragraphs.push(`${formatNoticeCredits(data.credits)} were added to the prepaid balance of ${workspace}.`);
      if (data.invoiceNumber) paragraphs.push(`Your receipt is invoice ${data.invoiceNumber}.`);
      return {
        subject: `Payment received: ${amount} for prepaid credits`,
        paragraphs,
        link: data.invoiceNumber
          ? { label: "View the receipt", path: invoicePath(data.invoiceNumber) }
          : { label: "View your credits", path: "/credits" },
      };
    }
    if (data.invoiceNumber) paragraphs.push(`Invoice ${data.invoiceNumber} of ${workspace} is now paid.`);
    return {
      subject: data.invoiceNumber ? `Payment received for invoice ${data.invoiceNumber}: ${amount}` : `Payment received: ${amount}`,
      paragraphs,
      link: data.invoiceNumber
        ? { label: "View the invoice", path: invoicePath(data.invoiceNumber) }
        : { label: "View your invoices", path: "/invoices" },
    };
  },

  payment_failed(data, { workspace, on }) {
    const amount = money(data.amountCents);
    const what = data.invoiceNumber ? `invoice ${data.invoiceNumber}` : "a payment";
    const paragraphs = [
      `We could not charge ${amount} for ${what} of ${workspace}${on}.`,
      `Reason: ${data.reason}`,
      data.nextAttemptAt
        ? `We will try the card on file again on ${formatNoticeDate(data.nextAttemptAt)}. You can pay now, or use another card, from the invoice page.`
        : "We will not try this card again automatically. Please pay from the invoice page, or use another card.",
    ];
    if (data.graceEndsAt) {
      paragraphs.push(
        "Until it is paid, usage that needs flex or pay-as-you-go is refused, and nothing can be bought except a top-up. " +
          `Included, package and prepaid credits still work until ${formatNoticeDate(data.graceEndsAt)}; after that every API call is refused.`,
      );
    }
    return {
      subject: data.invoiceNumber ? `Payment failed for invoice ${data.invoiceNumber}: ${amount}` : `Payment failed: ${amount}`,
      paragraphs,
      link: data.invoiceNumber
        ? { label: "Pay the invoice", path: invoicePath(data.invoiceNumber) }
        : { label: "View your invoices", path: "/invoices" },
    };
  },

  auto_top_up_succeeded(data, { workspace, on }) {
    const amount = money(data.amountCents);
    const paragraphs = [
      `The prepaid balance of ${workspace} fell below your auto top-up level, so we charged ${amount} to the card on file${on} ` +
        `and added ${formatNoticeCredits(data.credits)}.`,
    ];
    if (data.prepaidAfter != null) paragraphs.push(`Prepaid balance now: ${formatNoticeCredits(data.prepaidAfter)}.`);
    if (data.invoiceNumber) paragraphs.push(`Your receipt is invoice ${data.invoiceNumber}.`);
    return {
      subject: `Auto top-up: ${amount} added to ${workspace}`,
      paragraphs,
      link: { label: "View your credits", path: "/credits" },
    };
  },

  auto_top_up_declined(data, { workspace, on }) {
    const amount = money(data.amountCents);
    return {
      subject: `Auto top-up declined for ${workspace}: ${amount}`,
      paragraphs: [
        `An auto top-up of ${amount} for ${workspace} was declined${on}.`,
        `Reason: ${data.reason}`,
        "Auto top-up is now turned off, so no further charges will be tried. Check the card on file and turn auto top-up on again, or buy credits yourself.",
      ],
      link: { label: "Review your credits and auto top-up", path: "/credits" },
    };
  },

  low_balance(data, { workspace }) {
    return {
      subject: `Prepaid credits are low for ${workspace}`,
      paragraphs: [
        `The prepaid balance of ${workspace} is ${formatNoticeCredits(data.prepaid)}, below your alert level of ${formatNoticeCredits(data.threshold)}.`,
        "When prepaid credits run out, calls that need them are refused unless flex is on. You can buy credits or set up auto top-up on the credits page.",
      ],
      link: { label: "Buy credits", path: "/credits" },
    };
  },

  grace_ending(data, { workspace }) {
    const owed = money(data.overdueCents);
    const ends = formatNoticeDate(data.graceEndsAt);
    return {
      subject: `Action needed: API calls for ${workspace} will be refused from ${ends}`,
      paragraphs: [
        `${workspace} has ${owed} overdue. Its grace period ends on ${ends}.`,
        "From then on every API call is refused until the overdue invoices are paid. Your data is kept for now, and paying restores service at once.",
      ],
      link: { label: "Pay now", path: "/invoices" },
    };
  },

  retention_ending(data, { workspace }) {
    const owed = money(data.overdueCents);
    const ends = formatNoticeDate(data.retentionEndsAt);
    return {
      subject: `Final notice: the API keys and usage records of ${workspace} will be deleted on ${ends}`,
      paragraphs: [
        `${workspace} still has ${owed} overdue, and its API calls are refused.`,
        `On ${ends} its API keys and usage records will be deleted for good; they cannot be recovered. Invoices and the audit trail are kept.`,
        "Paying the overdue invoices before then restores service and keeps everything.",
      ],
      link: { label: "Pay now", path: "/invoices" },
    };
  },

  package_expiring(data, { workspace }) {
    const ends = formatNoticeDate(data.expiresAt);
    return {
      subject: `Your package "${data.packageName}" for ${workspace} expires on ${ends}`,
      paragraphs: [
        `The package "${data.packageName}" of ${workspace} expires on ${ends} and does not renew automatically.`,
        data.remainingOperations > 0n
          ? `${formatCount(data.remainingOperations)} operations are left on it; they cannot be used after it expires.`
          : "All of its operations have been used.",
      ],
      link: { label: "View your packages", path: "/packages" },
    };
  },

  included_usage(data, { workspace }) {
    const full = data.percent >= 100;
    const resets = data.resetsAt ? ` on ${formatNoticeDate(data.resetsAt)}` : " when the period renews";
    return {
      subject: full
        ? `All the included credits of ${workspace} are used`
        : `${data.percent}% of the included credits of ${workspace} are used`,
      paragraphs: [
        `${workspace} has used ${formatNoticeCredits(data.used)} of its ${formatNoticeCredits(data.allotment)} included this period.`,
        full
          ? `From now on calls are paid from packages, prepaid credits and flex, in that order, until the included credits are renewed${resets}.`
          : `The included credits are renewed${resets}; what is left of them does not carry over.`,
      ],
      link: { label: "View your usage", path: "/usage" },
    };
  },

  flex_usage(data, { workspace }) {
    return {
      subject: `Flex usage of ${workspace} passed your alert level`,
      paragraphs: [
        `${workspace} has used ${formatNoticeCredits(data.flexUsed)} of flex this period (${money(data.flexCents)} so far), ` +
          `above your alert level of ${formatNoticeCredits(data.threshold)}.`,
        "Flex is billed on the period's invoice. You can change the alert or set a monthly spend cap in the billing guardrails.",
      ],
      link: { label: "Review your guardrails", path: "/settings#guardrails" },
    };
  },

  spend_cap_reached(data, { workspace }) {
    const cap = money(data.capCents);
    const until = data.resetsAt ? ` until ${formatNoticeDate(data.resetsAt)}, when the cap starts over,` : " until the next period";
    return {
      subject: `${workspace} reached its monthly spend cap of ${cap}`,
      paragraphs: [
        `Flex and automatic top-ups of ${workspace} have reached the monthly spend cap of ${cap}.`,
        `Calls that need flex are refused${until} or until you raise the cap. Included, package and prepaid credits still work.`,
      ],
      link: { label: "Review your spend cap", path: "/settings#guardrails" },
    };
  },
};

/** Subject and plain text of a notice, with a link to the page it is about. */
export function renderNotice<K extends NoticeKind>(kind: K, data: NoticeData[K], context: NoticeContext): RenderedNotice {
  const base = `${context.appUrl.replace(/\/+$/, "")}/w/${encodeURIComponent(context.workspaceSlug)}`;
  const render = renderers[kind] as (data: NoticeData[K], scene: Scene) => Body;
  const body = render(data, { workspace: context.workspaceName, on: context.at ? ` on ${formatNoticeDate(context.at)}` : "" });
  const footer = isOptionalNotice(kind)
    ? [
        `You receive this email as a member of ${context.workspaceName}.`,
        ...(context.unsubscribeUrl ? [`Stop these emails: ${context.unsubscribeUrl}`] : []),
        `Choose which emails you receive: ${base}/settings`,
      ]
    : [`You receive this email as an owner or billing admin of ${context.workspaceName}.`];
  const text = ["Hello,", ...body.paragraphs, `${body.link.label}: ${base}${body.link.path}`, "— Meterdesk", footer.join("\n")].join(
    "\n\n",
  );
  return { subject: body.subject, text: `${text}\n`, summary: body.paragraphs[0] ?? "", linkPath: body.link.path };
}
