"use client";

// The "Buy credits" dialog (R7.1), fetched when it first opens: what it does
// is described in buy-credits-dialog.tsx.
import { CircleCheck, Coins } from "lucide-react";
import Link from "next/link";
import { useId, useMemo, useState, useTransition, type ReactNode } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { cn } from "@/components/ui/cn";
import { FieldError } from "@/components/ui/field-error";
import { inputClassName } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { topUpCredits } from "@/lib/billing/invoice-lines";
import { formatCents, formatCount } from "@/lib/money";
import { DialogActions, DialogIcon, ModalDialog, SummaryRow } from "@/components/ui/modal-dialog";
import { buyCreditsAction, type TopUpAnswer } from "./actions";
import { cardLabel, formatExpiry, type CardSummary } from "./card-format";
import { AddCardButton } from "./card-on-file";
import { parseDollars } from "@/lib/money-input";

// Mirror TOP_UP_MIN_CENTS / TOP_UP_MAX_CENTS (lib/payments/top-ups.ts, server-only); the server enforces them.
const MIN_CENTS = 500;
const MAX_CENTS = 1_000_000;
const PRESETS = [2_000, 5_000, 10_000];

/** A v4 UUID; randomUUID is missing outside secure contexts (a plain-http deployment), getRandomValues is not. */
function newRequestId(): string {
  if (typeof crypto.randomUUID === "function") return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6]! & 0x0f) | 0x40;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export function BuyCreditsFlow({
  open,
  slug,
  card,
  creditsPerUsd,
  onClose,
}: {
  open: boolean;
  slug: string;
  card: CardSummary | null;
  creditsPerUsd: bigint;
  onClose: () => void;
}) {
  const [choice, setChoice] = useState<number | "custom">(PRESETS[0]!);
  const [custom, setCustom] = useState("");
  const [touched, setTouched] = useState(false);
  const [requestId, setRequestId] = useState(newRequestId);
  const [answer, setAnswer] = useState<TopUpAnswer | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [cardError, setCardError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();
  const customId = useId();
  const radioName = `${customId}-amount`;
  const customHintId = `${customId}-hint`;
  const customErrorId = `${customId}-error`;

  const amountCents = choice === "custom" ? parseDollars(custom) : choice;
  const amountError =
    choice !== "custom"
      ? null
      : amountCents === null
        ? "Enter an amount in dollars, such as 250 or 99.50."
        : amountCents < MIN_CENTS
          ? "The smallest top-up is $5."
          : amountCents > MAX_CENTS
            ? "The largest top-up is $10,000."
            : null;
  const valid = amountCents !== null && amountError === null;
  const credits = useMemo(() => (valid ? topUpCredits(amountCents, creditsPerUsd) : null), [valid, amountCents, creditsPerUsd]);

  function changeAmount(next: number | "custom") {
    setChoice(next);
    // A declined attempt is final for its id: the next confirmation is a new top-up.
    if (answer && answer.status === "FAILED") setAnswer(null);
    setError(null);
  }

  function confirm() {
    setTouched(true);
    if (!valid || !card || pending) return;
    setError(null);
    startTransition(async () => {
      const result = await buyCreditsAction(slug, { amountCents, requestId });
      if (!result.ok) {
        setError(result.error);
        return;
      }
      setAnswer(result.data);
      // Declined: nothing was charged; trying again is a new attempt with a new id.
      if (result.data.status === "FAILED") setRequestId(newRequestId());
    });
  }

  if (answer?.status === "SUCCEEDED") {
    return (
      <ModalDialog
        open={open}
        onClose={onClose}
        title="Credits added"
        icon={<DialogIcon icon={CircleCheck} tone="success" />}
        description="Your prepaid balance is updated. Prepaid credits never expire."
      >
        <div role="status" className="rounded-lg border border-success/25 bg-success-soft/60 px-4 py-3 text-sm">
          <p className="font-medium text-foreground">
            Added <span className="tabular-nums">{formatCount(BigInt(answer.credits))}</span> credits
            {answer.receiptNumber ? (
              <>
                {" · receipt "}
                <Link
                  href={`/w/${slug}/invoices/${encodeURIComponent(answer.receiptNumber)}`}
                  className="font-mono text-primary underline-offset-4 hover:underline"
                >
                  {answer.receiptNumber}
                </Link>
              </>
            ) : null}
          </p>
          <p className="mt-0.5 text-foreground/80">
            {formatCents(answer.amountCents)} was charged to {card ? cardLabel(card) : "your card"}.
          </p>
        </div>
        <DialogActions>
          <Button variant="primary" onClick={onClose} data-autofocus>
            Done
          </Button>
        </DialogActions>
      </ModalDialog>
    );
  }

  const settledWaiting = answer?.status === "REQUIRES_ACTION" || answer?.status === "PENDING";

  return (
    <ModalDialog
      open={open}
      onClose={onClose}
      dismissible={!pending}
      size="lg"
      title="Buy prepaid credits"
      description="Credits are added as soon as the payment succeeds. They never expire and are not refundable."
      icon={<DialogIcon icon={Coins} />}
    >
      <form
        aria-label="Buy prepaid credits"
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          confirm();
        }}
      >
        <fieldset disabled={pending || settledWaiting}>
          <legend className="mb-2 text-sm font-medium text-foreground">Amount</legend>
          <div className="grid grid-cols-4 gap-2">
            {PRESETS.map((cents) => (
              <AmountChoice key={cents} name={radioName} selected={choice === cents} onSelect={() => changeAmount(cents)}>
                {formatCents(cents).replace(/\.00$/, "")}
              </AmountChoice>
            ))}
            <AmountChoice name={radioName} selected={choice === "custom"} onSelect={() => changeAmount("custom")}>
              Other
            </AmountChoice>
          </div>
          {choice === "custom" ? (
            <div className="mt-4">
              <Label htmlFor={customId} className="mb-1.5">
                Custom amount
              </Label>
              <div className="relative">
                <span aria-hidden className="pointer-events-none absolute inset-y-0 left-3 flex items-center text-sm text-muted-foreground">
                  $
                </span>
                <input
                  id={customId}
                  name="amount"
                  inputMode="decimal"
                  autoComplete="off"
                  placeholder="250"
                  value={custom}
                  onChange={(event) => {
                    setCustom(event.target.value);
                    if (answer?.status === "FAILED") setAnswer(null);
                  }}
                  onBlur={() => setTouched(true)}
                  aria-invalid={(touched && amountError !== null) || undefined}
                  aria-describedby={touched && amountError ? `${customHintId} ${customErrorId}` : customHintId}
                  className={cn(inputClassName, "pl-7 tabular-nums")}
                  data-autofocus
                />
              </div>
              <p id={customHintId} className="mt-1.5 text-[13px] text-muted-foreground">
                From $5 to $10,000.
              </p>
              <FieldError id={customErrorId} errors={touched && amountError ? [amountError] : undefined} />
            </div>
          ) : null}
        </fieldset>

        <dl className="mt-5 divide-y divide-border rounded-lg border border-border bg-surface-muted/50 text-sm">
          <SummaryRow term="You get">
            <span className="font-semibold tabular-nums" data-testid="top-up-credits">
              {credits !== null ? `${formatCount(credits)} credits` : "—"}
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
          <SummaryRow term="Total">
            <span className="text-base font-semibold tabular-nums">{valid ? formatCents(amountCents) : "—"}</span>
          </SummaryRow>
        </dl>

        {!card ? (
          <Alert
            tone="info"
            className="mt-4"
            title="Add a card first"
            action={<AddCardButton slug={slug} size="sm" onError={setCardError} />}
          >
            Top-ups are charged to the card on file. You come back here once it is saved.
          </Alert>
        ) : null}
        {cardError ? (
          <Alert tone="danger" live className="mt-3">
            {cardError}
          </Alert>
        ) : null}

        {answer?.status === "FAILED" ? (
          <Alert tone="danger" live className="mt-4" title="The payment did not go through">
            {answer.failureMessage ?? "The payment failed."} Nothing was charged and no credits were added.
            <div className="mt-2">
              <AddCardButton slug={slug} replace size="sm" variant="secondary" onError={setCardError}>
                Use another card
              </AddCardButton>
            </div>
          </Alert>
        ) : null}
        {answer?.status === "REQUIRES_ACTION" ? (
          <Alert tone="warning" live className="mt-4" title="Your bank asks you to confirm this payment">
            {answer.failureMessage ?? "Confirm the payment with your bank."} The credits are added once you confirm.
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
            The credits are added as soon as your card&apos;s bank answers, usually within a minute. You don&apos;t need to pay again.
          </Alert>
        ) : null}
        {error ? (
          <Alert tone="danger" live className="mt-4">
            {error}
          </Alert>
        ) : null}

        <DialogActions>
          <Button variant="secondary" onClick={onClose} disabled={pending}>
            {settledWaiting ? "Close" : "Cancel"}
          </Button>
          {settledWaiting ? null : (
            <Button type="submit" variant="primary" disabled={pending || !card || (touched && !valid)} aria-busy={pending || undefined}>
              {pending ? "Paying…" : valid ? `Pay ${formatCents(amountCents)}` : "Pay"}
            </Button>
          )}
        </DialogActions>
      </form>
    </ModalDialog>
  );
}

function AmountChoice({
  name,
  selected,
  onSelect,
  children,
}: {
  name: string;
  selected: boolean;
  onSelect: () => void;
  children: ReactNode;
}) {
  // A native radio (arrow keys move between them), drawn as a tile.
  return (
    <label
      className={cn(
        "flex h-10 cursor-pointer items-center justify-center rounded-lg border text-sm font-medium tabular-nums transition-colors",
        "has-[:focus-visible]:outline-2 has-[:focus-visible]:outline-offset-2 has-[:focus-visible]:outline-ring has-[:disabled]:cursor-not-allowed has-[:disabled]:opacity-60",
        selected
          ? "border-primary bg-primary-soft text-primary-soft-foreground ring-1 ring-primary"
          : "border-border-strong bg-surface text-foreground hover:bg-surface-muted",
      )}
    >
      <input type="radio" name={name} checked={selected} onChange={onSelect} className="sr-only" />
      {children}
    </label>
  );
}
