// Human names for the billing enums, shared by the dashboard and the support console.
import type { BadgeTone } from "@/components/ui/badge";
import type { BillingInterval, BillingState, GrantKind, InvoiceKind, InvoiceStatus, PurchaseStatus } from "@/lib/generated/prisma/enums";
import { formatCents } from "@/lib/money";

export const invoiceKindLabels: Record<InvoiceKind, string> = {
  PLAN_FEE: "Plan fee",
  PRORATION: "Plan change",
  FLEX: "Flex usage",
  PACKAGE: "Package",
  TOP_UP: "Top-up receipt",
  FINAL: "Final invoice",
};

export const invoiceStatusLabels: Record<InvoiceStatus, { label: string; tone: BadgeTone }> = {
  DRAFT: { label: "Draft", tone: "neutral" },
  OPEN: { label: "Open", tone: "info" },
  PAID: { label: "Paid", tone: "success" },
  VOID: { label: "Void", tone: "neutral" },
  UNCOLLECTIBLE: { label: "Uncollectible", tone: "danger" },
};

export const billingStateLabels: Record<BillingState, { label: string; tone: BadgeTone }> = {
  GOOD: { label: "Good standing", tone: "success" },
  GRACE: { label: "Grace period", tone: "warning" },
  RETENTION: { label: "Retention period", tone: "danger" },
  DELETED: { label: "Data deleted", tone: "neutral" },
};

export const grantKindLabels: Record<GrantKind, string> = {
  INCLUDED: "Included credits",
  TOP_UP: "Top-up",
  AUTO_TOP_UP: "Auto top-up",
  SUPPORT: "Support grant",
  PACKAGE: "Package",
};

export const purchaseStatusLabels: Record<PurchaseStatus, { label: string; tone: BadgeTone }> = {
  ACTIVE: { label: "Active", tone: "success" },
  EXPIRED: { label: "Expired", tone: "neutral" },
  EXHAUSTED: { label: "Used up", tone: "neutral" },
};

export const intervalNouns: Record<BillingInterval, string | null> = {
  NONE: null,
  MONTH: "month",
  YEAR: "year",
};

/** "$30.00 / month", "$3,000.00 / year", "Free", "No fee". */
export function formatPlanFee(plan: { feeCents: number; interval: BillingInterval }): string {
  const noun = intervalNouns[plan.interval];
  if (plan.feeCents === 0) return noun ? "Free" : "No fee";
  return noun ? `${formatCents(plan.feeCents)} / ${noun}` : formatCents(plan.feeCents);
}

/** "1 month", "1 year" for a package's validity (R6.1). */
export function formatValidity(validity: BillingInterval): string {
  return validity === "YEAR" ? "1 year" : validity === "MONTH" ? "1 month" : "No expiry";
}

const windowNouns = { SECOND: "second", HOUR: "hour" } as const;

/** R9.3: "15 requests / second · 18,000 requests / hour". */
export function formatRateLimits(limits: { window: "SECOND" | "HOUR"; limit: number }[]): string {
  if (limits.length === 0) return "No limit";
  return [...limits]
    .sort((a, b) => (a.window === b.window ? 0 : a.window === "SECOND" ? -1 : 1))
    .map((limit) => `${new Intl.NumberFormat("en-US").format(limit.limit)} requests / ${windowNouns[limit.window]}`)
    .join(" · ");
}

const cardBrands: Record<string, string> = {
  visa: "Visa",
  mastercard: "Mastercard",
  amex: "American Express",
  discover: "Discover",
  jcb: "JCB",
  diners: "Diners Club",
  unionpay: "UnionPay",
};

/** "Visa" for Stripe's "visa". */
export function formatCardBrand(brand: string): string {
  return cardBrands[brand.toLowerCase()] ?? (brand ? brand[0]!.toUpperCase() + brand.slice(1) : "Card");
}

// R2.4, R9.4 / R10: why calls were refused, what the client was answered, and what to do — in the customer's words.
export const refusalLabels: Record<string, { label: string; status: string; help: string }> = {
  throttled: {
    label: "Over the rate limit",
    status: "429 · 11005",
    help: "Back off for Retry-After seconds and retry with the same Idempotency-Key.",
  },
  insufficient_credits: {
    label: "Out of credits",
    status: "402 · 11100",
    help: "Buy credits or a package, or wait for the next period's included credits.",
  },
  flex_off: { label: "Out of credits, flex off", status: "402 · 11100", help: "Turn flex billing on (Credits page) or buy credits." },
  arrears: { label: "In arrears", status: "402 · 11101", help: "Pay the open invoice to use flex again." },
  spend_cap: {
    label: "Spend cap reached",
    status: "402 · 11103",
    help: "Raise the monthly spend cap in Settings, or wait for the next period.",
  },
  retention: { label: "Account suspended", status: "403 · 11102", help: "Pay the open invoice to restore service." },
  invalid_key: { label: "Revoked API key", status: "401 · 11001", help: "Use an active key from the API keys page." },
  invalid_body: { label: "Invalid request", status: "400 · 11002", help: "The response's details name the field to fix." },
  idempotency_mismatch: { label: "Idempotency key reused", status: "409 · 11003", help: "Use a new key for a different request." },
};
