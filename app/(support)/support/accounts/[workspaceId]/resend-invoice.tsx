"use client";

// Send an invoice's email again (R11): pick an issued invoice, see who it goes
// to with its subject and text, then queue it — once, whatever the clicks.
import { useState } from "react";
import { InvoiceSelect, PreviewRows, PreviewedAction, type PickableInvoice } from "@/components/support/previewed-action";
import type { ResendPreview } from "@/lib/db/support/resend-invoice";
import { previewResendInvoiceAction, resendInvoiceAction } from "./resend-actions";

const emailName: Record<ResendPreview["kind"], string> = {
  invoice_issued: "The invoice email",
  payment_succeeded: "The payment receipt",
};

export function ResendInvoice({ workspaceId, invoices }: { workspaceId: string; invoices: PickableInvoice[] }) {
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
          <InvoiceSelect id="resend-invoice" invoices={invoices} value={invoiceId} onChange={setInvoiceId} errors={errors.invoiceId} />
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
