"use client";

// The auto top-up dialog (R7.2), fetched when it first opens: what it does is
// described in auto-top-up-dialog.tsx.
import { RefreshCw } from "lucide-react";
import { useId, useState, useTransition } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { cn } from "@/components/ui/cn";
import { FieldError } from "@/components/ui/field-error";
import { inputClassName } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { DialogActions, ModalDialog } from "@/components/ui/modal-dialog";
import { DollarField } from "@/components/ui/dollar-field";
import { SwitchRow } from "@/components/ui/switch-row";
import { topUpCredits } from "@/lib/billing/invoice-lines";
import { formatCount } from "@/lib/money";
import { saveAutoTopUpAction } from "./actions";
import { ThisMonth, type AutoTopUpRow, type AutoTopUpSettingsView } from "./auto-top-up-month";
import { cardLabel, type CardSummary } from "./card-format";
import { AddCardButton } from "./card-on-file";
import { centsToField, parseDollars } from "@/lib/money-input";

// Mirror lib/payments (server-only); the server enforces them.
const MIN_CENTS = 500;
const MAX_CENTS = 1_000_000;
const MAX_PER_MONTH = 31;

export function AutoTopUpForm({
  open,
  onClose,
  slug,
  settings,
  card,
  creditsPerUsd,
  thisMonth,
}: {
  open: boolean;
  onClose: () => void;
  slug: string;
  settings: AutoTopUpSettingsView;
  card: CardSummary | null;
  creditsPerUsd: bigint;
  thisMonth: AutoTopUpRow[];
}) {
  // A workspace that never set it up starts from the demo's sensible defaults: below $10, add $25, 4 times a month.
  const [enabled, setEnabled] = useState(settings.enabled || settings.thresholdCents === null);
  const [threshold, setThreshold] = useState(centsToField(settings.thresholdCents ?? 1_000));
  const [amount, setAmount] = useState(centsToField(settings.amountCents ?? 2_500));
  const [monthlyMax, setMonthlyMax] = useState(String(settings.monthlyMax ?? 4));
  const [submitted, setSubmitted] = useState(false);
  const [serverErrors, setServerErrors] = useState<Record<string, string[]>>({});
  const [error, setError] = useState<string | null>(null);
  const [cardError, setCardError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();

  const thresholdCents = parseDollars(threshold);
  const amountCents = parseDollars(amount);
  const max = /^\d{1,2}$/.test(monthlyMax.trim()) ? Number(monthlyMax.trim()) : null;
  const errors: Record<string, string | null> = {
    thresholdCents:
      thresholdCents === null
        ? "Enter an amount in dollars, such as 10."
        : thresholdCents < 1
          ? "The threshold must be above zero."
          : thresholdCents > MAX_CENTS
            ? "Use a threshold of at most $10,000."
            : null,
    amountCents:
      amountCents === null
        ? "Enter an amount in dollars, such as 25."
        : amountCents < MIN_CENTS
          ? "Add at least $5."
          : amountCents > MAX_CENTS
            ? "Add at most $10,000."
            : null,
    monthlyMax: max === null || max < 1 || max > MAX_PER_MONTH ? `Enter a number from 1 to ${MAX_PER_MONTH}.` : null,
  };
  const valid = Object.values(errors).every((message) => message === null);
  const shown = (field: string) => {
    const local = submitted ? errors[field] : null;
    return local ? [local] : serverErrors[field];
  };

  function save() {
    setSubmitted(true);
    if (!valid || pending) return;
    setError(null);
    setServerErrors({});
    startTransition(async () => {
      const result = await saveAutoTopUpAction(slug, {
        enabled,
        thresholdCents: thresholdCents!,
        amountCents: amountCents!,
        monthlyMax: max!,
      });
      if (result.ok) {
        onClose();
        return;
      }
      setError(result.fieldErrors ? null : result.error);
      setServerErrors(result.fieldErrors ?? {});
    });
  }

  const needsCard = enabled && !card;
  return (
    <ModalDialog
      open={open}
      onClose={onClose}
      dismissible={!pending}
      size="lg"
      title="Automatic top-up"
      description="Keep prepaid credits from running out: when they fall below your threshold, your card is charged and the credits are added."
      icon={
        <span className="flex size-9 shrink-0 items-center justify-center rounded-full bg-primary-soft text-primary-soft-foreground ring-1 ring-primary/15">
          <RefreshCw aria-hidden className="size-4.5" />
        </span>
      }
    >
      <form
        aria-label="Automatic top-up"
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          save();
        }}
      >
        <SwitchRow
          label="Top up automatically"
          description={enabled ? "On: the settings below apply." : "Off: nothing is charged automatically."}
          checked={enabled}
          onChange={setEnabled}
          disabled={pending}
        />

        <fieldset disabled={pending} className={cn("mt-5 space-y-4", !enabled && "opacity-70")}>
          <legend className="sr-only">When and how much</legend>
          <DollarField
            label="When prepaid credits fall below"
            name="threshold"
            value={threshold}
            onChange={setThreshold}
            errors={shown("thresholdCents")}
            hint={
              thresholdCents !== null && thresholdCents > 0 && !errors.thresholdCents
                ? `${formatCount((BigInt(thresholdCents) * creditsPerUsd) / 100n)} credits`
                : "The prepaid balance, in dollars."
            }
          />
          <DollarField
            label="Add"
            name="amount"
            value={amount}
            onChange={setAmount}
            errors={shown("amountCents")}
            hint={
              amountCents !== null && !errors.amountCents
                ? `${formatCount(topUpCredits(amountCents, creditsPerUsd))} credits${card ? `, charged to ${cardLabel(card)}` : ""}`
                : "From $5 to $10,000 each time."
            }
          />
          <MonthlyMaxField value={monthlyMax} onChange={setMonthlyMax} errors={shown("monthlyMax")} />
        </fieldset>

        {needsCard ? (
          <Alert
            tone="info"
            className="mt-4"
            title="Add a card first"
            action={<AddCardButton slug={slug} size="sm" onError={setCardError} />}
          >
            Automatic top-ups are charged to the card on file.
          </Alert>
        ) : null}
        {cardError || error ? (
          <Alert tone="danger" live className="mt-4">
            {cardError ?? error}
          </Alert>
        ) : null}

        <ThisMonth rows={thisMonth} monthlyMax={settings.monthlyMax} />

        <DialogActions>
          <Button variant="secondary" onClick={onClose} disabled={pending}>
            Cancel
          </Button>
          <Button type="submit" variant="primary" disabled={pending || needsCard} aria-busy={pending || undefined}>
            {pending ? "Saving…" : "Save"}
          </Button>
        </DialogActions>
      </form>
    </ModalDialog>
  );
}

function MonthlyMaxField({ value, onChange, errors }: { value: string; onChange: (value: string) => void; errors?: string[] }) {
  const id = useId();
  const invalid = Boolean(errors?.length);
  return (
    <div>
      <Label htmlFor={id} className="mb-1.5">
        At most, times a month
      </Label>
      <input
        id={id}
        name="monthlyMax"
        type="number"
        inputMode="numeric"
        min={1}
        max={MAX_PER_MONTH}
        value={value}
        onChange={(event) => onChange(event.target.value)}
        aria-invalid={invalid || undefined}
        aria-describedby={`${id}-hint${invalid ? ` ${id}-error` : ""}`}
        className={cn(inputClassName, "max-w-24 tabular-nums")}
      />
      <p id={`${id}-hint`} className="mt-1.5 text-[13px] text-muted-foreground">
        A cap on automatic charges per calendar month. A declined charge turns auto top-up off and we email you.
      </p>
      <FieldError id={`${id}-error`} errors={errors} />
    </div>
  );
}
