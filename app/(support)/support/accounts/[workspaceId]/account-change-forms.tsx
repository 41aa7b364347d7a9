"use client";

// Four support actions as forms (R11): a custom rate limit, a longer grace
// period, a voided invoice, a discount on the next invoices. Each is a
// PreviewedAction: the server works out the effect, staff confirm it, the
// server applies exactly that.
import { useState } from "react";
import { formatDateTime } from "@/components/billing/dates";
import { InvoiceSelect, PreviewRows, PreviewedAction, type PickableInvoice } from "@/components/support/previewed-action";
import { TextField } from "@/components/ui/text-field";
import { formatCents, formatCount } from "@/lib/money";
import {
  applyDiscountAction,
  extendGraceAction,
  previewDiscountAction,
  previewExtendGraceAction,
  previewRateLimitAction,
  previewVoidInvoiceAction,
  setRateLimitAction,
  voidInvoiceAction,
} from "./actions";

const perWindow = (limit: number | null, unit: string) => (limit === null ? `no limit ${unit}` : `${formatCount(limit)} requests ${unit}`);
const capitalised = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);
const when = (value: string | null) => (value ? formatDateTime(new Date(value)) : "—");
const change = (before: string, after: string) => (before === after ? `${after} (unchanged)` : `${before} → ${after}`);

export function RateLimitForm({
  workspaceId,
  perSecond,
  perHour,
}: {
  workspaceId: string;
  perSecond: number | null;
  perHour: number | null;
}) {
  const [second, setSecond] = useState(perSecond?.toString() ?? "");
  const [hour, setHour] = useState(perHour?.toString() ?? "");
  const input = { workspaceId, perSecond: second, perHour: hour };
  return (
    <PreviewedAction
      id="rate-limit"
      title="Custom rate limit"
      description="Overrides the plan's limits for this account. Leave a field empty to use the plan's limit."
      inputs={JSON.stringify(input)}
      fields={(errors) => (
        <>
          <TextField
            label="Requests per second"
            name="perSecond"
            inputMode="numeric"
            autoComplete="off"
            placeholder="Plan's limit"
            value={second}
            errors={errors.perSecond}
            onChange={(event) => setSecond(event.target.value)}
          />
          <TextField
            label="Requests per hour"
            name="perHour"
            inputMode="numeric"
            autoComplete="off"
            placeholder="Plan's limit"
            value={hour}
            errors={errors.perHour}
            onChange={(event) => setHour(event.target.value)}
          />
        </>
      )}
      preview={() => previewRateLimitAction(input)}
      renderPreview={(p) => (
        <PreviewRows
          rows={[
            {
              term: "Per second",
              value: capitalised(
                change(perWindow(p.effectiveBefore.perSecond, "per second"), perWindow(p.effectiveAfter.perSecond, "per second")),
              ),
              strong: true,
              testId: "rate-limit-preview-second",
            },
            {
              term: "Per hour",
              value: capitalised(change(perWindow(p.effectiveBefore.perHour, "per hour"), perWindow(p.effectiveAfter.perHour, "per hour"))),
              strong: true,
            },
            {
              term: "Plan's limits",
              value: capitalised(`${perWindow(p.plan.perSecond, "per second")}, ${perWindow(p.plan.perHour, "per hour")}`),
            },
          ]}
        />
      )}
      apply={(confirmed) => setRateLimitAction({ ...input, ...confirmed })}
      previewLabel="Preview the limit"
      applyLabel={() => "Apply the limit"}
      doneMessage={(p) =>
        `Applied. The API now allows ${perWindow(p.effectiveAfter.perSecond, "per second")} and ${perWindow(p.effectiveAfter.perHour, "per hour")}.`
      }
    />
  );
}

export function ExtendGraceForm({ workspaceId, graceEndsAt }: { workspaceId: string; graceEndsAt: string | null }) {
  const [days, setDays] = useState("7");
  const input = { workspaceId, days };
  return (
    <PreviewedAction
      id="grace"
      title="Extend the grace period"
      description={
        graceEndsAt
          ? `Service continues until ${when(graceEndsAt)} unless the overdue invoices are paid. Extending moves the retention deadline by the same number of days.`
          : "This account is not in a grace period."
      }
      inputs={JSON.stringify(input)}
      ready={graceEndsAt !== null && days.trim() !== ""}
      fields={(errors) => (
        <TextField
          label="Extend by (days)"
          name="days"
          inputMode="numeric"
          autoComplete="off"
          value={days}
          errors={errors.days}
          onChange={(event) => setDays(event.target.value)}
        />
      )}
      preview={() => previewExtendGraceAction(input)}
      renderPreview={(p) => (
        <PreviewRows
          rows={[
            {
              term: "Grace ends",
              value: `${when(p.graceEndsBefore)} → ${when(p.graceEndsAfter)}`,
              strong: true,
              testId: "grace-preview-after",
            },
            { term: "Retention ends", value: `${when(p.retentionEndsBefore)} → ${when(p.retentionEndsAfter)}` },
          ]}
        />
      )}
      apply={(confirmed) => extendGraceAction({ ...input, ...confirmed })}
      previewLabel="Preview the new deadline"
      applyLabel={(p) => `Extend by ${p.days} ${p.days === 1 ? "day" : "days"}`}
      doneMessage={(p) => `Extended. Grace now ends ${when(p.graceEndsAfter)}.`}
    />
  );
}

export function VoidInvoiceForm({ workspaceId, invoices }: { workspaceId: string; invoices: PickableInvoice[] }) {
  const [invoiceId, setInvoiceId] = useState(invoices[0]?.id ?? "");
  const input = { workspaceId, invoiceId };
  return (
    <PreviewedAction
      id="void"
      tone="danger"
      title="Void an invoice"
      description={
        invoices.length > 0
          ? "A void invoice is no longer owed and is never charged again. Paid invoices cannot be voided."
          : "This account has no open invoices to void."
      }
      inputs={JSON.stringify(input)}
      ready={invoiceId !== ""}
      fields={(errors) =>
        invoices.length > 0 ? (
          <InvoiceSelect id="void-invoice" invoices={invoices} value={invoiceId} onChange={setInvoiceId} errors={errors.invoiceId} />
        ) : null
      }
      preview={() => previewVoidInvoiceAction(input)}
      renderPreview={(p) => (
        <PreviewRows
          rows={[
            { term: "Invoice", value: `${p.number} · ${formatCents(p.totalCents)}`, strong: true },
            { term: "Status", value: `${p.status.toLowerCase()} → void` },
            { term: "Open invoices total", value: `${formatCents(p.openCentsBefore)} → ${formatCents(p.openCentsAfter)}` },
            {
              term: "Account",
              value: p.endsArrears ? "Back in good standing: nothing overdue is left" : "Standing unchanged",
              testId: "void-preview-standing",
            },
          ]}
        />
      )}
      apply={(confirmed) => voidInvoiceAction({ ...input, ...confirmed })}
      previewLabel="Preview the void"
      applyLabel={(p) => `Void ${p.number}`}
      doneMessage={(p) => `${p.number} is void.${p.endsArrears ? " The account is back in good standing." : ""}`}
    />
  );
}

export function DiscountForm({ workspaceId }: { workspaceId: string }) {
  const [percent, setPercent] = useState("");
  const [invoices, setInvoices] = useState("1");
  const input = { workspaceId, percent, invoices };
  return (
    <PreviewedAction
      id="discount"
      title="Discount the next invoices"
      description="A percentage off the plan fee and usage of the next subscription invoices. The reason is printed on each discounted invoice."
      inputs={JSON.stringify(input)}
      ready={percent.trim() !== "" && invoices.trim() !== ""}
      fields={(errors) => (
        <>
          <TextField
            label="Percent off"
            name="percent"
            inputMode="numeric"
            autoComplete="off"
            placeholder="20"
            value={percent}
            errors={errors.percent}
            onChange={(event) => setPercent(event.target.value)}
          />
          <TextField
            label="Number of invoices"
            name="invoices"
            inputMode="numeric"
            autoComplete="off"
            value={invoices}
            errors={errors.invoices}
            onChange={(event) => setInvoices(event.target.value)}
          />
        </>
      )}
      preview={() => previewDiscountAction(input)}
      renderPreview={(p) => (
        <PreviewRows
          rows={[
            {
              term: "Discount",
              value: `${p.percent}% off the next ${p.invoices === 1 ? "invoice" : `${p.invoices} invoices`}`,
              strong: true,
            },
            ...(p.queuedBehind.length > 0
              ? [
                  {
                    term: "Used after",
                    value: p.queuedBehind.map((d) => `${d.percent}% × ${d.invoicesRemaining}`).join(", ") + " already waiting",
                  },
                ]
              : []),
            p.nextInvoice
              ? {
                  term: "Next invoice",
                  value: `${when(p.nextInvoice.at)}: ${formatCents(p.nextInvoice.subtotalCents)}${
                    p.nextInvoice.discountPercent !== null
                      ? ` − ${p.nextInvoice.discountPercent}% (${formatCents(p.nextInvoice.discountCents)}) = ${formatCents(p.nextInvoice.totalCents)}`
                      : ""
                  } so far`,
                  testId: "discount-preview-next",
                }
              : { term: "Next invoice", value: "No subscription invoice is scheduled yet" },
          ]}
        />
      )}
      apply={(confirmed) => applyDiscountAction({ ...input, ...confirmed })}
      previewLabel="Preview the discount"
      applyLabel={(p) => `Apply ${p.percent}% off`}
      doneMessage={(p) => `Applied: ${p.percent}% off the next ${p.invoices === 1 ? "invoice" : `${p.invoices} invoices`}.`}
    />
  );
}
