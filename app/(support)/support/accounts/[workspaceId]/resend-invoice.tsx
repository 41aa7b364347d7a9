"use client";

// Send an invoice's email again (R11): pick an issued invoice, see who it goes
// to with its subject and text, then queue it — once, whatever the clicks.
import { useState } from "react";
import { PreviewRows, PreviewedAction } from "@/components/support/previewed-action";
import { cn } from "@/components/ui/cn";
import { FieldError } from "@/components/ui/field-error";
import { inputClassName } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { formatCents } from "@/lib/money";
import type { ResendPreview } from "@/lib/db/support/resend-invoice";
import { previewResendInvoiceAction, resendInvoiceAction } from "./resend-actions";

export interface ResendableInvoice {
  id: string;
  number: string;
  status: string;
  totalCents: number;
}

const emailName: Record<ResendPreview["kind"], string> = {
  invoice_issued: "The invoice email",
  payment_succeeded: "The payment receipt",
};

export function ResendInvoice({ workspaceId, invoices }: { workspaceId: string; invoices: ResendableInvoice[] }) {
  const [invoiceId, setInvoiceId] = useState(invoices[0]?.id ?? "");
  const input = { workspaceId, invoiceId };
  return (
    <PreviewedAction
      id="resend"
      title="Send an invoice email again"
      description={
        invoices.length > 0
          ? "The same email the invoice sent, to every owner and billing admin: the invoice while it is owed, the receipt once it is paid."
          : "This account has no issued invoices."
      }
      inputs={JSON.stringify(input)}
      ready={invoiceId !== ""}
      fields={(errors) =>
        invoices.length > 0 ? (
          <div>
            <Label htmlFor="resend-invoice">Invoice</Label>
            <select
              id="resend-invoice"
              className={cn(inputClassName, "mt-1.5")}
              value={invoiceId}
              aria-invalid={errors.invoiceId ? true : undefined}
              aria-describedby={errors.invoiceId ? "resend-invoice-error" : undefined}
              onChange={(event) => setInvoiceId(event.target.value)}
            >
              {invoices.map((invoice) => (
                <option key={invoice.id} value={invoice.id}>
                  {invoice.number} · {formatCents(invoice.totalCents)} · {invoice.status.toLowerCase()}
                </option>
              ))}
            </select>
            <FieldError id="resend-invoice-error" errors={errors.invoiceId} />
          </div>
        ) : null
      }
      preview={() => previewResendInvoiceAction(input)}
      renderPreview={(p) => (
        <PreviewRows
          rows={[
            { term: "Email", value: `${emailName[p.kind]} of ${p.invoice.number} (${p.invoice.status.toLowerCase()})`, strong: true },
            { term: "To", value: p.recipients.join(", "), testId: "resend-preview-to" },
            { term: "Subject", value: p.subject, testId: "resend-preview-subject" },
            {
              term: "Text",
              value: (
                <details>
                  <summary className="cursor-pointer">Show the message</summary>
                  <pre className="mt-1 font-sans text-[13px] whitespace-pre-wrap">{p.text}</pre>
                </details>
              ),
            },
          ]}
        />
      )}
      apply={(confirmed) => resendInvoiceAction({ ...input, ...confirmed })}
      previewLabel="Preview the email"
      applyLabel={(p) => `Send to ${p.recipients.length} ${p.recipients.length === 1 ? "recipient" : "recipients"}`}
      doneMessage={(p) => `Queued: ${emailName[p.kind].toLowerCase()} of ${p.invoice.number} goes out with the next billing run.`}
    />
  );
}
