"use client";

// The Plan page's dialogs themselves, fetched when one first opens
// (plan-dialogs.tsx has the buttons and says what they do).
import { ArrowUpRight, CalendarClock, CircleCheck } from "lucide-react";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useEffect, useId, useRef, useState, useTransition } from "react";
import { formatDate } from "@/components/billing/dates";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { cn } from "@/components/ui/cn";
import { FieldError } from "@/components/ui/field-error";
import { inputClassName } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { formatCents, formatCount } from "@/lib/money";
import { DialogActions, DialogIcon, ModalDialog, SummaryRow } from "@/components/ui/modal-dialog";
import { cardLabel } from "../credits/card-format";
import { cancelPlanAction, changePlanAction, previewPlanChangeAction, type ChangeAnswer, type PreviewView } from "./actions";

const REASON_MAX = 200;

const date = (iso: string) => formatDate(new Date(iso));
const credits = (value: string) => `${formatCount(BigInt(value))} credits`;

function ordinal(day: number): string {
  const rem = day % 100;
  const suffix = rem >= 11 && rem <= 13 ? "th" : (({ 1: "st", 2: "nd", 3: "rd" } as Record<number, string>)[day % 10] ?? "th");
  return `${day}${suffix}`;
}

// ---------------------------------------------------------------- change plan

function usePreview(open: boolean, slug: string, request: { kind: "plan"; toPlanCode: string } | { kind: "cancel" }) {
  const [preview, setPreview] = useState<PreviewView | null>(null);
  const [error, setError] = useState<string | null>(null);
  const asked = useRef(false);
  const key = request.kind === "plan" ? request.toPlanCode : "cancel";
  useEffect(() => {
    if (!open || asked.current) return;
    asked.current = true;
    void previewPlanChangeAction(slug, request.kind === "plan" ? { kind: "plan", toPlanCode: key } : { kind: "cancel" }).then((result) => {
      if (result.ok) setPreview(result.data);
      else setError(result.error);
    });
  }, [open, slug, key, request.kind]);
  return { preview, setPreview, error };
}

export function ChangePlanFlow({
  open,
  onClose,
  slug,
  fromPlanCode,
  toPlan,
}: {
  open: boolean;
  onClose: () => void;
  slug: string;
  fromPlanCode: string;
  toPlan: { code: string; name: string };
}) {
  const router = useRouter();
  const { preview, setPreview, error: previewError } = usePreview(open, slug, { kind: "plan", toPlanCode: toPlan.code });
  const [answer, setAnswer] = useState<ChangeAnswer | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();

  function confirm() {
    if (!preview || pending) return;
    setError(null);
    setNotice(null);
    startTransition(async () => {
      const result = await changePlanAction(slug, {
        toPlanCode: toPlan.code,
        fromPlanCode,
        expectedTodayCents: preview.chargedTodayCents,
      });
      if (!result.ok) {
        setError(result.error);
        return;
      }
      if (result.data.kind === "preview_changed") {
        setPreview(result.data.preview);
        setNotice("The amount changed while this was open, because a partial period is charged by the minute. Check it and confirm again.");
        return;
      }
      setAnswer(result.data);
      router.refresh();
    });
  }

  if (answer) {
    return (
      <ModalDialog
        open={open}
        onClose={onClose}
        title={doneTitle(answer, toPlan.name)}
        icon={<DialogIcon icon={CircleCheck} tone="success" />}
      >
        <div role="status" className="rounded-lg border border-success/25 bg-success-soft/60 px-4 py-3 text-sm">
          <DoneText answer={answer} slug={slug} planName={toPlan.name} />
        </div>
        <DialogActions>
          <Button variant="primary" onClick={onClose} data-autofocus>
            Done
          </Button>
        </DialogActions>
      </ModalDialog>
    );
  }

  const upgrade = preview?.change === "upgrade";
  const needsCard = upgrade && preview?.toPlan?.requiresCard && !preview.card;
  return (
    <ModalDialog
      open={open}
      onClose={onClose}
      dismissible={!pending}
      size="lg"
      title={`Switch to ${toPlan.name}`}
      description={
        preview
          ? upgrade
            ? "An upgrade starts today. Your current period closes now and is billed for the days used."
            : "A downgrade starts at the end of your current period. Until then nothing changes."
          : "Working out what this change costs…"
      }
      icon={<DialogIcon icon={ArrowUpRight} />}
    >
      {previewError ? (
        <Alert tone="danger" live>
          {previewError}
        </Alert>
      ) : !preview ? (
        <p className="text-sm text-muted-foreground" role="status">
          Loading the preview…
        </p>
      ) : (
        <div data-testid="plan-preview">
          <dl className="divide-y divide-border rounded-lg border border-border bg-surface-muted/50 text-sm">
            <SummaryRow term="Takes effect">{upgrade ? "Today" : date(preview.effectiveAt)}</SummaryRow>
            <SummaryRow term="Charged today">
              <span className="text-base font-semibold tabular-nums" data-testid="charged-today">
                {formatCents(BigInt(preview.chargedTodayCents))}
              </span>
              {preview.card ? (
                <span className="block text-[13px] text-muted-foreground">
                  {BigInt(preview.chargedTodayCents) > 0n ? "to" : "Later charges go to"} {cardLabel(preview.card)}
                </span>
              ) : null}
            </SummaryRow>
            <SummaryRow term="Included credits">
              <IncludedChange preview={preview} />
            </SummaryRow>
            <SummaryRow term="Renews on">
              {preview.anniversaryDay ? `The ${ordinal(preview.anniversaryDay)} of the month` : "The 1st of each month"}
              <span className="block text-[13px] text-muted-foreground">Shorter months renew on their last day.</span>
            </SummaryRow>
            <SummaryRow term="Next charges">
              <ChargeDates dates={preview.nextChargeDates} />
            </SummaryRow>
          </dl>
          {preview.lines.length > 0 ? (
            <InvoiceLines preview={preview} title={upgrade ? "Today's invoice" : "Invoice at the change"} />
          ) : null}
          {needsCard ? (
            <Alert tone="info" className="mt-4" title="Add a card first">
              {toPlan.name} is charged to the card on file.{" "}
              <Link href={`/w/${slug}/credits`} className="font-medium text-primary underline">
                Add one on the Credits page
              </Link>
              .
            </Alert>
          ) : null}
        </div>
      )}
      {notice ? (
        <Alert tone="warning" live className="mt-4">
          {notice}
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
        <Button variant="primary" onClick={confirm} disabled={!preview || pending || Boolean(needsCard)} aria-busy={pending || undefined}>
          {pending
            ? "Confirming…"
            : upgrade && preview && BigInt(preview.chargedTodayCents) > 0n
              ? `Confirm and pay ${formatCents(BigInt(preview.chargedTodayCents))}`
              : "Confirm"}
        </Button>
      </DialogActions>
    </ModalDialog>
  );
}

function doneTitle(answer: ChangeAnswer, planName: string): string {
  if (answer.kind === "upgraded") return `You are on ${planName}`;
  if (answer.kind === "downgrade_scheduled") return `${planName} is scheduled`;
  return "Already done";
}

function DoneText({ answer, slug, planName }: { answer: ChangeAnswer; slug: string; planName: string }) {
  if (answer.kind === "upgraded") {
    return (
      <>
        <p className="font-medium text-foreground">{planName} starts today with its included credits.</p>
        {answer.invoiceNumber ? (
          <p className="mt-0.5 text-foreground/80">
            Invoice{" "}
            <Link
              href={`/w/${slug}/invoices/${encodeURIComponent(answer.invoiceNumber)}`}
              className="font-mono text-primary underline-offset-4 hover:underline"
            >
              {answer.invoiceNumber}
            </Link>{" "}
            for {formatCents(BigInt(answer.chargedCents))}
            {answer.paid ? " was paid." : " is open: the payment did not go through yet. See the invoice for details."}
          </p>
        ) : (
          <p className="mt-0.5 text-foreground/80">Nothing was charged today.</p>
        )}
      </>
    );
  }
  if (answer.kind === "downgrade_scheduled") {
    return (
      <p className="text-foreground">
        You move to {planName} on {date(answer.effectiveAt)}. Until then your current plan stays as it is, and you can keep it from this
        page.
      </p>
    );
  }
  return <p className="text-foreground">This change was already made, in another tab or by a second click. Nothing more was changed.</p>;
}

function IncludedChange({ preview }: { preview: PreviewView }) {
  const forfeited = BigInt(preview.includedForfeited);
  return (
    <span>
      {credits(preview.includedNow)} left now
      <span className="block text-[13px] text-muted-foreground">
        {forfeited > 0n ? `${formatCount(forfeited)} unused credits are dropped; ` : ""}
        {preview.planAfterName} then gives {credits(preview.includedAfter)}
      </span>
    </span>
  );
}

function ChargeDates({ dates }: { dates: PreviewView["nextChargeDates"] }) {
  if (dates.length === 0) return <span className="text-muted-foreground">None scheduled</span>;
  return (
    <ul className="space-y-0.5" data-testid="next-charges">
      {dates.map((entry) => (
        <li key={entry.at} className="tabular-nums">
          {date(entry.at)}
          <span className="text-muted-foreground">
            {" · "}
            {BigInt(entry.feeCents) > 0n ? formatCents(BigInt(entry.feeCents)) : ""}
            {BigInt(entry.feeCents) > 0n && entry.withFlex ? " + " : ""}
            {entry.withFlex ? "flex usage" : BigInt(entry.feeCents) > 0n ? "" : "final invoice"}
          </span>
        </li>
      ))}
    </ul>
  );
}

function InvoiceLines({ preview, title }: { preview: PreviewView; title: string }) {
  return (
    <div className="mt-4">
      <h3 className="mb-1.5 text-sm font-medium text-foreground">
        {title}
        {preview.issuedAt && preview.change !== "upgrade" ? (
          <span className="font-normal text-muted-foreground"> · {date(preview.issuedAt)}</span>
        ) : null}
      </h3>
      <ul className="divide-y divide-border rounded-lg border border-border text-sm" data-testid="preview-lines">
        {preview.lines.map((line, index) => (
          <li key={index} className="flex items-baseline justify-between gap-4 px-4 py-2">
            <span className="min-w-0 text-foreground/85">{line.description}</span>
            <span className="shrink-0 tabular-nums">{formatCents(BigInt(line.amountCents))}</span>
          </li>
        ))}
        <li className="flex items-baseline justify-between gap-4 px-4 py-2 font-semibold">
          <span>Total</span>
          <span className="tabular-nums" data-testid="preview-total">
            {formatCents(BigInt(preview.totalCents))}
          </span>
        </li>
      </ul>
      {preview.flexIsEstimate ? (
        <p className="mt-1.5 text-[13px] text-muted-foreground">Flex usage is shown as of now; usage until then adds to it.</p>
      ) : null}
    </div>
  );
}
// ---------------------------------------------------------------- cancellation

export function CancelFlow({
  open,
  onClose,
  slug,
  fromPlanCode,
  planName,
}: {
  open: boolean;
  onClose: () => void;
  slug: string;
  fromPlanCode: string;
  planName: string;
}) {
  const router = useRouter();
  const { preview, error: previewError } = usePreview(open, slug, { kind: "cancel" });
  const [reason, setReason] = useState("");
  const [fieldError, setFieldError] = useState<string[] | undefined>();
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<{ effectiveAt: string | null; already: boolean } | null>(null);
  const [pending, startTransition] = useTransition();
  const reasonId = useId();
  const tooLong = reason.trim().length > REASON_MAX;

  function confirm() {
    if (!preview || pending || tooLong) return;
    setError(null);
    setFieldError(undefined);
    startTransition(async () => {
      const result = await cancelPlanAction(slug, { fromPlanCode, reason: reason.trim() || undefined });
      if (!result.ok) {
        setError(result.error);
        setFieldError(result.fieldErrors?.reason);
        return;
      }
      setDone({ effectiveAt: result.data.effectiveAt, already: result.data.alreadyApplied });
      router.refresh();
    });
  }

  if (done) {
    return (
      <ModalDialog open={open} onClose={onClose} title="Cancellation scheduled" icon={<DialogIcon icon={CircleCheck} tone="success" />}>
        <div role="status" className="rounded-lg border border-success/25 bg-success-soft/60 px-4 py-3 text-sm text-foreground">
          {done.already
            ? "This plan was already set to end. Nothing more was changed."
            : `${planName} stays active until ${done.effectiveAt ? date(done.effectiveAt) : "the end of the period"}. You can undo this on the Plan page until then.`}
        </div>
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
      alert
      size="lg"
      title={`Cancel ${planName}?`}
      description="Your plan stays active until the end of the current period, then the workspace moves to the Free plan. You can undo this until then."
      icon={<DialogIcon icon={CalendarClock} tone="warning" />}
    >
      {previewError ? (
        <Alert tone="danger" live>
          {previewError}
        </Alert>
      ) : !preview ? (
        <p className="text-sm text-muted-foreground" role="status">
          Loading the preview…
        </p>
      ) : (
        <div data-testid="cancel-preview">
          <dl className="divide-y divide-border rounded-lg border border-border bg-surface-muted/50 text-sm">
            <SummaryRow term="Ends on">
              <span className="font-semibold">{date(preview.effectiveAt)}</span>
            </SummaryRow>
            <SummaryRow term="Dropped then">
              {BigInt(preview.includedForfeited) > 0n
                ? `${formatCount(BigInt(preview.includedForfeited))} unused included credits`
                : "No included credits"}
            </SummaryRow>
            <SummaryRow term="You keep">
              {credits(preview.prepaid)} prepaid
              <span className="block text-[13px] text-muted-foreground">Prepaid credits never expire.</span>
            </SummaryRow>
            <SummaryRow term="Afterwards">
              {preview.planAfterName}, {credits(preview.includedAfter)} a month
            </SummaryRow>
          </dl>
          {preview.lines.length > 0 ? (
            <InvoiceLines preview={preview} title="Final invoice" />
          ) : (
            <p className="mt-4 text-sm text-muted-foreground" data-testid="preview-total">
              The final invoice comes to {formatCents(BigInt(preview.totalCents))}
              {preview.flexIsEstimate ? " so far; flex usage until the end adds to it." : "."}
            </p>
          )}
          {preview.carriedOver.length > 0 ? (
            <div className="mt-3 rounded-lg border border-warning/40 bg-warning-soft px-4 py-3 text-sm" data-testid="carried-over">
              <p className="font-medium text-foreground">Unpaid invoices are added to it</p>
              <p className="mt-0.5 text-[13px] text-muted-foreground">
                Any of these still unpaid on {date(preview.effectiveAt)} is closed and charged with the final invoice instead.
              </p>
              <ul className="mt-2 space-y-1">
                {preview.carriedOver.map((invoice) => (
                  <li key={invoice.number} className="flex items-baseline justify-between gap-4">
                    <span>Invoice {invoice.number}</span>
                    <span className="tabular-nums">{formatCents(BigInt(invoice.totalCents))}</span>
                  </li>
                ))}
              </ul>
            </div>
          ) : null}
          <div className="mt-4">
            <Label htmlFor={reasonId} className="mb-1.5">
              Why are you leaving? <span className="font-normal text-muted-foreground">(optional)</span>
            </Label>
            <textarea
              id={reasonId}
              name="reason"
              rows={2}
              value={reason}
              onChange={(event) => setReason(event.target.value)}
              aria-invalid={tooLong || Boolean(fieldError) || undefined}
              aria-describedby={`${reasonId}-count`}
              className={cn(inputClassName, "h-auto min-h-16 py-2")}
            />
            <p id={`${reasonId}-count`} className={cn("mt-1 text-[13px]", tooLong ? "text-danger" : "text-muted-foreground")}>
              {reason.trim().length} / {REASON_MAX}
            </p>
            <FieldError id={`${reasonId}-error`} errors={tooLong ? ["Keep the reason to 200 characters or fewer."] : fieldError} />
          </div>
        </div>
      )}
      {error ? (
        <Alert tone="danger" live className="mt-4">
          {error}
        </Alert>
      ) : null}
      <DialogActions>
        <Button variant="secondary" onClick={onClose} disabled={pending} data-autofocus>
          Keep my plan
        </Button>
        <Button variant="danger" onClick={confirm} disabled={!preview || pending || tooLong} aria-busy={pending || undefined}>
          {pending ? "Cancelling…" : "Cancel at period end"}
        </Button>
      </DialogActions>
    </ModalDialog>
  );
}
