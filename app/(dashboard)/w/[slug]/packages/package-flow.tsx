"use client";

// The package purchase dialog, fetched when it first opens (package-dialog.tsx
// has the button and says what it does).
import { CircleCheck, Package } from "lucide-react";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useId, useState, useTransition } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { formatCents } from "@/lib/money";
import { DialogActions, DialogIcon, ModalDialog, SummaryRow } from "@/components/ui/modal-dialog";
import { cardLabel, formatExpiry, type CardSummary } from "../credits/card-format";
import { AddCardButton } from "../credits/card-on-file";
import { buyPackageAction, renewPackageAction, type PackageAnswer } from "./actions";
import type { PackageOffer } from "./package-dialog";
import { newRequestId } from "./request-id";

export function PurchaseFlow({
  open,
  slug,
  offer,
  card,
  renewPurchaseId,
  onClose,
}: {
  open: boolean;
  slug: string;
  offer: PackageOffer;
  card: CardSummary | null;
  renewPurchaseId?: string;
  onClose: () => void;
}) {
  const renew = renewPurchaseId !== undefined;
  const [autoRenew, setAutoRenew] = useState(false);
  const [requestId] = useState(newRequestId);
  const [answer, setAnswer] = useState<PackageAnswer | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [cardError, setCardError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();
  const router = useRouter();
  const autoRenewId = useId();

  function confirm() {
    if (!card || pending) return;
    setError(null);
    startTransition(async () => {
      const result = renew
        ? await renewPackageAction(slug, { purchaseId: renewPurchaseId, requestId })
        : await buyPackageAction(slug, { packageCode: offer.code, autoRenew, requestId });
      if (!result.ok) {
        setError(result.error);
        return;
      }
      setAnswer(result.data);
      router.refresh();
    });
  }

  if (answer) {
    const invoiceLink = (
      <Link
        href={`/w/${slug}/invoices/${encodeURIComponent(answer.invoiceNumber)}`}
        className="font-mono text-primary underline-offset-4 hover:underline"
      >
        {answer.invoiceNumber}
      </Link>
    );
    return (
      <ModalDialog
        open={open}
        onClose={onClose}
        title={answer.paid ? "Package added" : "Package added, payment not received"}
        icon={<DialogIcon icon={answer.paid ? CircleCheck : Package} tone={answer.paid ? "success" : "primary"} />}
        description={`${offer.covers}, usable now until ${offer.expiresIfBoughtNow}.`}
      >
        {answer.paid ? (
          <div role="status" className="rounded-lg border border-success/25 bg-success-soft/60 px-4 py-3 text-sm">
            <p className="font-medium text-foreground">
              {formatCents(offer.priceCents)} charged to {card ? cardLabel(card) : "your card"} · invoice {invoiceLink}
            </p>
          </div>
        ) : (
          <Alert tone="warning" live title="The payment did not go through">
            {answer.failureMessage ?? "The card was not charged."} Invoice {invoiceLink} is open: pay it from the invoice page to keep the
            workspace in good standing.
          </Alert>
        )}
        <DialogActions>
          <Button variant="primary" onClick={onClose} data-autofocus>
            Done
          </Button>
        </DialogActions>
      </ModalDialog>
    );
  }

  return (
    <ModalDialog
      open={open}
      onClose={onClose}
      dismissible={!pending}
      size="lg"
      title={renew ? `Renew ${offer.name}` : `Buy ${offer.name}`}
      icon={<DialogIcon icon={Package} />}
      description={
        renew
          ? "Renewing buys another of this package now. It adds its own quota, valid from today; the one you have keeps what is left of it until its own expiry, and is used first."
          : "Paid in full now and usable at once. Unused operations are not refunded and the validity is never extended."
      }
    >
      <form
        aria-label={renew ? "Renew package" : "Buy package"}
        onSubmit={(event) => {
          event.preventDefault();
          confirm();
        }}
      >
        <dl className="divide-y divide-border rounded-lg border border-border bg-surface-muted/50 text-sm">
          <SummaryRow term="You get">
            <span className="font-medium tabular-nums">{offer.covers}</span>
          </SummaryRow>
          <SummaryRow term="Valid">
            <span className="tabular-nums">
              {offer.validity}, until {offer.expiresIfBoughtNow}
            </span>
          </SummaryRow>
          <SummaryRow term="Charged to">
            {card ? (
              <span>
                {cardLabel(card)} <span className="text-muted-foreground">· expires {formatExpiry(card)}</span>
              </span>
            ) : (
              <span className="text-muted-foreground">No card on file</span>
            )}
          </SummaryRow>
          <SummaryRow term="Total today">
            <span className="text-base font-semibold tabular-nums">{formatCents(offer.priceCents)}</span>
          </SummaryRow>
        </dl>

        {renew ? null : (
          <div className="mt-4 flex items-start gap-3">
            <input
              id={autoRenewId}
              type="checkbox"
              checked={autoRenew}
              onChange={(event) => setAutoRenew(event.target.checked)}
              disabled={pending}
              className="mt-0.5 size-4 accent-primary"
            />
            <label htmlFor={autoRenewId} className="text-sm text-pretty">
              <span className="font-medium">Renew automatically</span>
              <span className="block text-muted-foreground">
                On {offer.expiresIfBoughtNow}, the same package is bought again with the card on file (not while an invoice is overdue). You
                can switch this off at any time.
              </span>
            </label>
          </div>
        )}

        {!card ? (
          <Alert
            tone="info"
            className="mt-4"
            title="Add a card first"
            action={<AddCardButton slug={slug} size="sm" onError={setCardError} />}
          >
            Packages are paid upfront with the card on file. You come back to Credits once it is saved.
          </Alert>
        ) : null}
        {cardError ? (
          <Alert tone="danger" live className="mt-3">
            {cardError}
          </Alert>
        ) : null}
        {error ? (
          <Alert tone="danger" live className="mt-4">
            {error}
          </Alert>
        ) : null}

        <DialogActions>
          <Button variant="secondary" onClick={onClose} disabled={pending}>
            Cancel
          </Button>
          <Button type="submit" variant="primary" disabled={pending || !card} aria-busy={pending || undefined} data-autofocus>
            {pending ? "Paying…" : `Pay ${formatCents(offer.priceCents)}`}
          </Button>
        </DialogActions>
      </form>
    </ModalDialog>
  );
}
