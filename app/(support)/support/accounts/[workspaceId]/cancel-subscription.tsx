"use client";

// Cancel a paid subscription (R11, R4.6), at the period end or now: the
// preview shows when it ends, the final invoice line by line and what becomes
// of included credits and packages; the server applies exactly that, once.
import { useState } from "react";
import { formatDate, formatDateTime } from "@/components/billing/dates";
import { PreviewRows, PreviewedAction } from "@/components/support/previewed-action";
import { FieldError } from "@/components/ui/field-error";
import { creditsToCents, formatCents, formatCount } from "@/lib/money";
import type { CancelMode, CancelPreview } from "@/lib/db/support/cancel";
import { cancelSubscriptionAction, previewCancelSubscriptionAction } from "./cancel-actions";

export interface CancelSubscriptionProps {
  workspaceId: string;
  creditsPerUsd: string;
  /** The active plan's name; null without a subscription. */
  planName: string | null;
  /** Whether the active plan is a paid one (a fee, or an annual plan). */
  paid: boolean;
  cancelAtPeriodEnd: boolean;
  /** ISO instant of the current period's end. */
  periodEnd: string | null;
}

/** A preview date: a yyyy-mm-dd day, or an instant. */
const when = (value: string) => (value.length === 10 ? formatDate(new Date(`${value}T00:00:00Z`)) : formatDateTime(new Date(value)));

export function CancelSubscription(props: CancelSubscriptionProps) {
  const [mode, setMode] = useState<CancelMode>(props.cancelAtPeriodEnd ? "now" : "period_end");
  const rate = BigInt(props.creditsPerUsd);
  const credits = (value: string) => `${formatCount(BigInt(value))} credits ≈ ${formatCents(creditsToCents(BigInt(value), rate))}`;
  const input = { workspaceId: props.workspaceId, mode };
  const periodEnd = props.periodEnd ? formatDateTime(new Date(props.periodEnd)) : null;
  const options: { value: CancelMode; label: string; hint: string; disabled: boolean }[] = [
    {
      value: "period_end",
      label: "At the end of the period",
      hint: props.cancelAtPeriodEnd
        ? `Already set to cancel${periodEnd ? ` on ${periodEnd}` : ""}.`
        : `Service continues${periodEnd ? ` until ${periodEnd}` : ""}; the final invoice is issued then. The customer can undo it until then.`,
      disabled: props.cancelAtPeriodEnd,
    },
    {
      value: "now",
      label: "Now",
      hint: "The period closes at once with the final invoice; the account moves to Free.",
      disabled: false,
    },
  ];

  return (
    <PreviewedAction
      id="cancel"
      tone="danger"
      title="Cancel the subscription"
      description={
        !props.planName
          ? "This account has no subscription."
          : props.paid
            ? `${props.planName}. Prepaid credits and packages are kept; included credits left are forfeited.`
            : `This account is on ${props.planName}, which is not a paid plan: there is nothing to cancel.`
      }
      inputs={JSON.stringify(input)}
      ready={props.paid}
      fields={(errors) =>
        props.paid ? (
          <fieldset className="sm:col-span-2">
            <legend className="text-sm font-medium text-foreground">When it ends</legend>
            <div className="mt-1.5 space-y-2">
              {options.map((option) => (
                <label key={option.value} className="flex items-start gap-2 text-sm">
                  <input
                    type="radio"
                    name="cancel-mode"
                    className="mt-1"
                    value={option.value}
                    checked={mode === option.value}
                    disabled={option.disabled}
                    onChange={() => setMode(option.value)}
                  />
                  <span>
                    <span className="font-medium">{option.label}</span>
                    <span className="block text-muted-foreground">{option.hint}</span>
                  </span>
                </label>
              ))}
            </div>
            <FieldError id="cancel-mode-error" errors={errors.mode} />
          </fieldset>
        ) : null
      }
      preview={() => previewCancelSubscriptionAction(input)}
      renderPreview={(p: CancelPreview) => (
        <PreviewRows
          rows={[
            {
              term: "Ends",
              value:
                p.mode === "now"
                  ? `Now (${when(p.endsAt)})${p.cancelWasScheduled ? ", instead of at the end of the period" : ""}`
                  : `${when(p.endsAt)}, at the end of the period`,
              strong: true,
              testId: "cancel-preview-ends",
            },
            ...(p.downgradeDropped ? [{ term: "Scheduled change", value: `The downgrade to ${p.downgradeDropped} is dropped` }] : []),
            {
              term: p.finalInvoice.estimate ? "Final invoice (so far)" : "Final invoice",
              value: (
                <div>
                  {p.finalInvoice.lines.length > 0 ? (
                    <ul className="space-y-0.5" data-testid="cancel-preview-lines">
                      {p.finalInvoice.lines.map((line, index) => (
                        <li key={index} className="flex justify-between gap-4">
                          <span>{line.description}</span>
                          <span>{formatCents(BigInt(line.amountCents))}</span>
                        </li>
                      ))}
                    </ul>
                  ) : (
                    <p>Nothing to bill</p>
                  )}
                  <p className="mt-1 font-medium" data-testid="cancel-preview-total">
                    Total {formatCents(BigInt(p.finalInvoice.totalCents))}
                    {p.finalInvoice.estimate ? ` on ${when(p.finalInvoice.issuedAt)}, as it stands now` : ", issued now"}
                  </p>
                  {p.finalInvoice.flexToCome ? (
                    <p className="text-muted-foreground">The flex used until then is added when it is issued.</p>
                  ) : null}
                  <p className="text-muted-foreground">The plan fee already paid or owed for this period is not refunded.</p>
                </div>
              ),
            },
            {
              term: "Included credits",
              value:
                p.includedForfeited === null
                  ? `What is left on ${when(p.endsAt)} is forfeited`
                  : `${credits(p.includedForfeited)} forfeited`,
              testId: "cancel-preview-included",
            },
            {
              term: "Afterwards",
              value: `${p.after.planName} plan, ${formatCount(BigInt(p.after.includedCredits))} included credits a month, first reset ${when(p.after.firstResetAt)}`,
            },
            { term: "Prepaid credits", value: "Kept" },
            {
              term: "Packages",
              value:
                p.packages.length === 0
                  ? "None"
                  : p.packages
                      .map((pkg) => `${pkg.name}, kept until ${when(pkg.expiresAt)}${pkg.autoRenew ? " (renews automatically)" : ""}`)
                      .join("; "),
            },
          ]}
        />
      )}
      apply={(confirmed) => cancelSubscriptionAction({ ...input, ...confirmed })}
      previewLabel="Preview the cancellation"
      applyLabel={(p) => (p.mode === "now" ? "Cancel now and issue the final invoice" : "Cancel at the end of the period")}
      doneMessage={(p) =>
        p.mode === "now"
          ? `Cancelled. The final invoice of ${formatCents(BigInt(p.finalInvoice.totalCents))} is issued and the account is on ${p.after.planName}.`
          : `Cancelled: the subscription ends on ${when(p.endsAt)}.`
      }
    />
  );
}
