"use server";

// Plan page mutations (R4.5, R4.6): preview and confirm a plan change, cancel
// at the period end, undo the cancellation, withdraw a scheduled downgrade.
// Owners and billing admins only: each action checks "manage-billing" on the
// server. A confirmation names the plan it was previewed on and the amount it
// showed, so a second click or a second tab applies nothing twice, and a
// charge that moved since the preview is shown again instead of applied.
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { ActionError, workspaceAction, type ActionResult } from "@/lib/actions/safe-action";
import { db } from "@/lib/db";
import { PlanChangeError, undoCancel } from "@/lib/db/billing/plan-changes";
import {
  confirmCancellation,
  confirmPlanChange,
  loadPlanChangePreview,
  withdrawScheduledDowngrade,
  type PlanChangePreview,
  type PlanPreviewRequest,
} from "@/lib/db/billing/plan-preview";
import { env } from "@/lib/env";
import { paymentGateway } from "@/lib/payments";

const planCode = z
  .string()
  .trim()
  .min(1)
  .max(64)
  .regex(/^[a-z0-9_]+$/, "Choose a plan from the list.");

/** Everything a dialog shows, with bigints as decimal strings (they do not survive every transport). */
export interface PreviewView {
  fromPlanCode: string;
  toPlan: { code: string; name: string; requiresCard: boolean } | null;
  change: "none" | "upgrade" | "downgrade" | "cancel";
  effectiveAt: string;
  issuedAt: string | null;
  lines: { description: string; amountCents: string }[];
  totalCents: string;
  flexIsEstimate: boolean;
  chargedTodayCents: string;
  includedNow: string;
  includedForfeited: string;
  includedAfter: string;
  planAfterName: string;
  anniversaryDay: number | null;
  nextChargeDates: { at: string; feeCents: string; withFlex: boolean }[];
  card: { brand: string; last4: string; expMonth: number; expYear: number } | null;
  prepaid: string;
  /** Overdue invoices the final invoice of a cancellation would carry over. */
  carriedOver: { number: string; totalCents: number }[];
}

function toView(preview: PlanChangePreview): PreviewView {
  const { invoice, summary } = preview;
  return {
    fromPlanCode: preview.fromPlanCode,
    toPlan: preview.toPlan,
    change: invoice.change,
    effectiveAt: invoice.effectiveAt.toISOString(),
    issuedAt: invoice.issuedAt?.toISOString() ?? null,
    lines: invoice.lines.map((line) => ({ description: line.description, amountCents: line.amountCents.toString() })),
    totalCents: invoice.totalCents.toString(),
    flexIsEstimate: invoice.flexIsEstimate,
    chargedTodayCents: summary.chargedTodayCents.toString(),
    includedNow: summary.includedNow.toString(),
    includedForfeited: summary.includedForfeited.toString(),
    includedAfter: summary.includedAfter.toString(),
    planAfterName: summary.planAfter.name ?? summary.planAfter.code,
    anniversaryDay: summary.anniversaryDay,
    nextChargeDates: summary.nextChargeDates.map((date) => ({
      at: date.at.toISOString(),
      feeCents: date.feeCents.toString(),
      withFlex: date.withFlex,
    })),
    card: preview.card,
    prepaid: preview.prepaid.toString(),
    carriedOver: preview.carriedOver,
  };
}

async function engineRefusals<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof PlanChangeError) throw new ActionError(error.message);
    throw error;
  }
}

function revalidateBilling(slug: string) {
  // The plan, the balance cards, the invoices list and the banners all change.
  revalidatePath(`/w/${slug}`, "layout");
}

const preview = (request: PlanPreviewRequest, workspaceId: string, at: Date) =>
  engineRefusals(async () => loadPlanChangePreview(await db(), { workspaceId, request, at, creditsPerUsd: env().CREDITS_PER_USD }));

// ---------------------------------------------------------------- previews

const previewSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("plan"), toPlanCode: planCode }),
  z.object({ kind: z.literal("cancel") }),
]);

const previewAction = workspaceAction("manage-billing", previewSchema, async (input, ctx) =>
  toView(await preview(input, ctx.workspace.id, ctx.now)),
);

/** What a plan change or a cancellation would charge and change, from the engine that applies it. */
export async function previewPlanChangeAction(
  slug: string,
  input: { kind: "plan"; toPlanCode: string } | { kind: "cancel" },
): Promise<ActionResult<PreviewView>> {
  return previewAction(slug, input);
}

// ---------------------------------------------------------------- plan change

const changeSchema = z.object({
  toPlanCode: planCode,
  /** The plan the preview was made on: a second tab or click after the change finds another plan and does nothing. */
  fromPlanCode: planCode,
  /** The amount charged today that the customer saw, in cents. */
  expectedTodayCents: z.string().regex(/^\d{1,12}$/),
});

export type ChangeAnswer =
  | { kind: "upgraded"; invoiceNumber: string | null; chargedCents: string; paid: boolean | null }
  | { kind: "downgrade_scheduled"; effectiveAt: string }
  | { kind: "already_applied" }
  | { kind: "preview_changed"; preview: PreviewView };

const change = workspaceAction("manage-billing", changeSchema, async (input, ctx): Promise<ChangeAnswer> => {
  const outcome = await engineRefusals(async () =>
    confirmPlanChange(await db(), paymentGateway(), {
      workspaceId: ctx.workspace.id,
      fromPlanCode: input.fromPlanCode,
      toPlanCode: input.toPlanCode,
      expectedTodayCents: BigInt(input.expectedTodayCents),
      at: ctx.now,
      creditsPerUsd: env().CREDITS_PER_USD,
      actor: ctx.actor,
    }),
  );
  switch (outcome.kind) {
    case "already_applied":
      return outcome;
    case "preview_changed":
      return { kind: "preview_changed", preview: toView(outcome.preview) };
    case "downgrade_scheduled":
      revalidateBilling(ctx.workspace.slug);
      return { kind: "downgrade_scheduled", effectiveAt: outcome.effectiveAt.toISOString() };
    case "upgraded":
      revalidateBilling(ctx.workspace.slug);
      return { kind: "upgraded", invoiceNumber: outcome.invoiceNumber, chargedCents: outcome.chargedCents.toString(), paid: outcome.paid };
  }
});

/** Confirms the previewed change: an upgrade now (its invoice charged at once), a downgrade at the period end. */
export async function changePlanAction(
  slug: string,
  input: { toPlanCode: string; fromPlanCode: string; expectedTodayCents: string },
): Promise<ActionResult<ChangeAnswer>> {
  return change(slug, input);
}

// ---------------------------------------------------------------- withdrawing a downgrade

const withdraw = workspaceAction("manage-billing", z.object({ scheduledPlanCode: planCode }), async (input, ctx) => {
  const outcome = await engineRefusals(async () =>
    withdrawScheduledDowngrade(await db(), {
      workspaceId: ctx.workspace.id,
      at: ctx.now,
      actor: ctx.actor,
      expectedScheduledPlanCode: input.scheduledPlanCode,
    }),
  );
  revalidateBilling(ctx.workspace.slug);
  return { changed: outcome.kind === "downgrade_withdrawn" };
});

/** Keeps the current plan: the scheduled downgrade is dropped. */
export async function withdrawDowngradeAction(
  slug: string,
  input: { scheduledPlanCode: string },
): Promise<ActionResult<{ changed: boolean }>> {
  return withdraw(slug, input);
}

// ---------------------------------------------------------------- cancellation

const cancelSchema = z.object({
  fromPlanCode: planCode,
  reason: z.string().trim().max(200, "Keep the reason to 200 characters or fewer.").optional(),
});

const cancel = workspaceAction("manage-billing", cancelSchema, async (input, ctx) => {
  const outcome = await engineRefusals(async () =>
    confirmCancellation(await db(), {
      workspaceId: ctx.workspace.id,
      fromPlanCode: input.fromPlanCode,
      at: ctx.now,
      actor: ctx.actor,
      reason: input.reason || undefined,
    }),
  );
  if (outcome.kind === "already_applied") return { alreadyApplied: true, effectiveAt: null };
  revalidateBilling(ctx.workspace.slug);
  return { alreadyApplied: false, effectiveAt: outcome.effectiveAt.toISOString() };
});

/** Cancels at the period end: service continues until then, and it can be undone until then. */
export async function cancelPlanAction(
  slug: string,
  input: { fromPlanCode: string; reason?: string },
): Promise<ActionResult<{ alreadyApplied: boolean; effectiveAt: string | null }>> {
  return cancel(slug, input);
}

const undo = workspaceAction("manage-billing", z.object({}), async (_input, ctx) => {
  const outcome = await engineRefusals(async () =>
    undoCancel(await db(), { workspaceId: ctx.workspace.id, at: ctx.now, actor: ctx.actor }),
  );
  revalidateBilling(ctx.workspace.slug);
  return { changed: outcome.kind === "cancel_undone" };
});

/** Keeps the plan: the scheduled cancellation is dropped. */
export async function undoCancelAction(slug: string): Promise<ActionResult<{ changed: boolean }>> {
  return undo(slug, {});
}
