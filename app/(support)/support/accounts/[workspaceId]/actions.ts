"use server";

// Support console actions on one account (R11), each a preview and an apply
// (previewedStaffAction): staff only — the staff role is checked on the
// server before anything is read —, applied exactly as previewed, once per
// key, with its audit row in the same transaction.
import { z } from "zod";
import type { ActionResult } from "@/lib/actions/safe-action";
import type { Previewed, PreviewedApplied } from "@/lib/actions/previewed";
import { previewedStaffAction } from "@/lib/actions/staff-action";
import { deploymentCreditsPerUsd } from "@/components/billing/credit-amount";
import {
  customRateLimitSteps,
  discountSteps,
  extendGraceSteps,
  voidInvoiceSteps,
  type DiscountPreview,
  type GracePreview,
  type RateLimitPreview,
  type VoidPreview,
} from "@/lib/db/support/account-changes";
import { grantSteps, type GrantPreview } from "@/lib/db/support/grants";

/** The largest grant one action may make: 10 trillion credits ($5,000,000 at the default rate). */
const MAX_GRANT = 10_000_000_000_000n;

const credits = z
  .string()
  .trim()
  .transform((value) => value.replace(/[,\s_]/g, ""))
  .pipe(z.string().regex(/^\d{1,14}$/, "Enter a whole number of credits, such as 10,000,000."))
  .transform((value) => BigInt(value))
  .refine((value) => value > 0n && value <= MAX_GRANT, "Enter between 1 and 10,000,000,000,000 credits.");

const grant = previewedStaffAction(z.object({ workspaceId: z.uuid(), credits }), "support.grant_prepaid", (input, ctx) =>
  grantSteps(input.workspaceId, input.credits, { ...ctx, reason: input.reason, idempotencyKey: input.idempotencyKey }),
);

export async function previewGrantAction(raw: unknown): Promise<ActionResult<Previewed<GrantPreview>>> {
  return grant.preview(raw);
}
export async function grantPrepaidAction(raw: unknown): Promise<ActionResult<PreviewedApplied<GrantPreview>>> {
  return grant.apply(raw);
}

/** A whole number from a form field, or null when the field is left empty. */
const optionalLimit = (max: number, unit: string) =>
  z
    .string()
    .trim()
    .transform((value) => value.replace(/[,\s_]/g, ""))
    .pipe(
      z.union([
        z.literal("").transform(() => null),
        z
          .string()
          .regex(/^\d{1,10}$/, `Enter a whole number of requests ${unit}, or leave it empty for the plan's limit.`)
          .transform(Number)
          .refine((value) => value >= 1 && value <= max, `Enter between 1 and ${max.toLocaleString("en-US")} requests ${unit}.`),
      ]),
    );

const limits = previewedStaffAction(
  z.object({ workspaceId: z.uuid(), perSecond: optionalLimit(100_000, "per second"), perHour: optionalLimit(1_000_000_000, "per hour") }),
  "support.set_rate_limit",
  (input, ctx) => customRateLimitSteps(input.workspaceId, input, { ...ctx, reason: input.reason }),
);

export async function previewRateLimitAction(raw: unknown): Promise<ActionResult<Previewed<RateLimitPreview>>> {
  return limits.preview(raw);
}
export async function setRateLimitAction(raw: unknown): Promise<ActionResult<PreviewedApplied<RateLimitPreview>>> {
  return limits.apply(raw);
}

const grace = previewedStaffAction(
  z.object({
    workspaceId: z.uuid(),
    days: z.coerce
      .number({ error: "Enter a number of days." })
      .int("Enter a whole number of days.")
      .min(1, "Extend by at least 1 day.")
      .max(60, "Extend by at most 60 days at a time."),
  }),
  "support.extend_grace",
  (input) => extendGraceSteps(input.workspaceId, input.days),
);

export async function previewExtendGraceAction(raw: unknown): Promise<ActionResult<Previewed<GracePreview>>> {
  return grace.preview(raw);
}
export async function extendGraceAction(raw: unknown): Promise<ActionResult<PreviewedApplied<GracePreview>>> {
  return grace.apply(raw);
}

const voiding = previewedStaffAction(
  z.object({ workspaceId: z.uuid(), invoiceId: z.uuid({ error: "Choose an invoice." }) }),
  "support.void_invoice",
  (input, ctx) => voidInvoiceSteps(input.workspaceId, input.invoiceId, ctx),
);

export async function previewVoidInvoiceAction(raw: unknown): Promise<ActionResult<Previewed<VoidPreview>>> {
  return voiding.preview(raw);
}
export async function voidInvoiceAction(raw: unknown): Promise<ActionResult<PreviewedApplied<VoidPreview>>> {
  return voiding.apply(raw);
}

const discount = previewedStaffAction(
  z.object({
    workspaceId: z.uuid(),
    percent: z.coerce
      .number({ error: "Enter a percentage." })
      .int("Enter a whole percentage, such as 20.")
      .min(1, "Enter between 1 and 100 percent.")
      .max(100, "Enter between 1 and 100 percent."),
    invoices: z.coerce
      .number({ error: "Enter a number of invoices." })
      .int("Enter a whole number of invoices.")
      .min(1, "Discount at least 1 invoice.")
      .max(24, "Discount at most 24 invoices."),
  }),
  "support.discount",
  (input, ctx) => discountSteps(input.workspaceId, input, { ...ctx, reason: input.reason, creditsPerUsd: deploymentCreditsPerUsd() }),
);

export async function previewDiscountAction(raw: unknown): Promise<ActionResult<Previewed<DiscountPreview>>> {
  return discount.preview(raw);
}
export async function applyDiscountAction(raw: unknown): Promise<ActionResult<PreviewedApplied<DiscountPreview>>> {
  return discount.apply(raw);
}
