"use client";

// "Pay now" (R8.2, R8.3): charges an open invoice to the card on file after
// one confirmation that names the amount and the card. Paid: the invoice's
// page with "Payment received". Declined: the bank's reason in plain words
// and a way to use another card; nothing is marked paid.
import { CreditCard } from "lucide-react";
import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { Alert } from "@/components/ui/alert";
import { Button, type ButtonSize, type ButtonVariant } from "@/components/ui/button";
import { formatCents } from "@/lib/money";
import { DialogActions, ModalDialog } from "@/components/ui/modal-dialog";
import { cardLabel, formatExpiry, type CardSummary } from "../../credits/card-format";
import { AddCardButton } from "../../credits/card-on-file";
import { payInvoiceAction, type InvoicePaymentAnswer } from "./actions";

export function PayInvoiceButton({
  slug,
  invoiceId,
  invoiceNumber,
  amountCents,
  card,
  variant = "primary",
  size = "md",
}: {
  slug: string;
  invoiceId: string;
  invoiceNumber: string;
  amountCents: number;
  card: CardSummary | null;
  variant?: ButtonVariant;
  size?: ButtonSize;
}) {
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const [answer, setAnswer] = useState<InvoicePaymentAnswer | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();

  function openDialog() {
    setAnswer(null);
    setError(null);
    setOpen(true);
  }

  function pay() {
    if (pending || !card) return;
    setError(null);
    setAnswer(null);
    startTransition(async () => {
      const result = await payInvoiceAction(slug, { invoiceId });
      if (!result.ok) {
        setError(result.error);
        return;
      }
      if (result.data.status === "SUCCEEDED") {
        setOpen(false);
        router.push(`/w/${slug}/invoices/${encodeURIComponent(result.data.invoiceNumber)}?notice=invoice-paid`);
        return;
      }
      setAnswer(result.data);
    });
  }

  const waiting = answer?.status === "REQUIRES_ACTION" || answer?.status === "PENDING";
  return (
    <>
      <Button variant={variant} size={size} onClick={openDialog}>
        <CreditCard aria-hidden />
        Pay now
      </Button>
      <ModalDialog
        open={open}
        onClose={() => setOpen(false)}
        dismissible={!pending}
        title={`Pay invoice ${invoiceNumber}`}
        description="The card on file is charged once, now. The invoice is marked paid as soon as the payment succeeds."
        icon={
          <span className="flex size-9 shrink-0 items-center justify-center rounded-full bg-primary-soft text-primary-soft-foreground ring-1 ring-primary/15">
            <CreditCard aria-hidden className="size-4.5" />
          </span>
        }
      >
        <dl className="divide-y divide-border rounded-lg border border-border bg-surface-muted/50 text-sm">
          <div className="flex items-baseline justify-between gap-4 px-4 py-2.5">
            <dt className="text-muted-foreground">Amount</dt>
            <dd className="text-base font-semibold tabular-nums">{formatCents(amountCents)}</dd>
          </div>
          <div className="flex items-baseline justify-between gap-4 px-4 py-2.5">
            <dt className="text-muted-foreground">Charged to</dt>
            <dd className="text-right">
              {card ? (
                <>
                  {cardLabel(card)} <span className="text-muted-foreground">· expires {formatExpiry(card)}</span>
                </>
              ) : (
                <span className="text-muted-foreground">No card on file</span>
              )}
            </dd>
          </div>
        </dl>

        {!card ? (
          <Alert tone="info" className="mt-4" title="Add a card first" action={<AddCardButton slug={slug} size="sm" onError={setError} />}>
            You come back to Credits once it is saved, and can pay from there.
          </Alert>
        ) : null}
        {answer?.status === "FAILED" ? (
          <Alert tone="danger" live className="mt-4" title="The payment did not go through">
            {answer.failureMessage ?? "The payment failed."} The invoice is still open.
            <div className="mt-2">
              <AddCardButton slug={slug} replace size="sm" variant="secondary" onError={setError}>
                Use another card
              </AddCardButton>
            </div>
          </Alert>
        ) : null}
        {answer?.status === "REQUIRES_ACTION" ? (
          <Alert tone="warning" live className="mt-4" title="Your bank asks you to confirm this payment">
            {answer.failureMessage ?? "Confirm the payment with your bank."}
            {answer.actionUrl ? (
              <div className="mt-2">
                <a href={answer.actionUrl} className="font-medium text-primary underline underline-offset-2">
                  Confirm the payment
                </a>
              </div>
            ) : null}
          </Alert>
        ) : null}
        {answer?.status === "PENDING" ? (
          <Alert tone="info" live className="mt-4" title="The payment is being processed">
            The invoice is marked paid as soon as your bank answers, usually within a minute. You don&apos;t need to pay again.
          </Alert>
        ) : null}
        {error ? (
          <Alert tone="danger" live className="mt-4">
            {error}
          </Alert>
        ) : null}

        <DialogActions>
          <Button variant="secondary" onClick={() => setOpen(false)} disabled={pending}>
            {waiting ? "Close" : "Cancel"}
          </Button>
          {waiting ? null : (
            <Button variant="primary" onClick={pay} disabled={pending || !card} aria-busy={pending || undefined} data-autofocus>
              {pending ? "Paying…" : `Pay ${formatCents(amountCents)}`}
            </Button>
          )}
        </DialogActions>
      </ModalDialog>
    </>
  );
}
