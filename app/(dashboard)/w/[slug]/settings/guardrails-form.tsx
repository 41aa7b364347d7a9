"use client";

// The billing guardrails (R14), for owners and billing admins: the usage
// alerts and the monthly spend cap, with what each would have done last
// period beside them, recomputed as the customer types (the preview runs the
// engine's own function on last period's hourly usage, in the browser).
import { ShieldCheck } from "lucide-react";
import { useMemo, useState, useSyncExternalStore, useTransition } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { DollarField } from "@/components/ui/dollar-field";
import { SwitchRow } from "@/components/ui/switch-row";
import type { SerializedHistory } from "@/lib/billing/guardrail-preview";
import type { GuardrailSettings } from "@/lib/billing/guardrails";
import { formatCents, formatCount } from "@/lib/money";
import { centsToField, parseDollars } from "@/lib/money-input";
import { saveGuardrailsAction } from "./guardrail-actions";
import { GuardrailPreviewPanel } from "./guardrail-preview-panel";

// Mirrors lib/db/workspace-settings (server-only); the server enforces it.
const MAX_CENTS = 100_000_000;

export interface GuardrailFormValues {
  includedAlerts: boolean;
  prepaidBelowCents: number | null;
  flexAboveCents: number | null;
  spendCapCents: number | null;
}

const noChange = () => () => {};

type Field = "prepaidBelowCents" | "flexAboveCents" | "spendCapCents";

/** An empty field is "off"; anything else must be a dollar amount in range. */
function readAmount(text: string, allowZero: boolean): { cents: number | null; error: string | null } {
  if (text.trim() === "") return { cents: null, error: null };
  const cents = parseDollars(text);
  if (cents === null) return { cents: null, error: "Enter an amount in dollars, such as 50, or leave it empty." };
  if (cents === 0 && !allowZero) return { cents: null, error: "Enter an amount above $0, or leave it empty." };
  if (cents > MAX_CENTS) return { cents: null, error: "Enter at most $1,000,000." };
  return { cents, error: null };
}

export function GuardrailsForm({
  slug,
  initial,
  creditsPerUsd,
  history,
}: {
  slug: string;
  initial: GuardrailFormValues;
  /** As a string: the server hands it over with the history. */
  creditsPerUsd: string;
  /** Last complete period, for the preview; null before the first one ends. */
  history: SerializedHistory | null;
}) {
  const perUsd = BigInt(creditsPerUsd);
  const field = (cents: number | null) => (cents === null ? "" : centsToField(cents));
  const [includedAlerts, setIncludedAlerts] = useState(initial.includedAlerts);
  const [prepaidBelow, setPrepaidBelow] = useState(field(initial.prepaidBelowCents));
  const [flexAbove, setFlexAbove] = useState(field(initial.flexAboveCents));
  const [spendCap, setSpendCap] = useState(field(initial.spendCapCents));
  const [submitted, setSubmitted] = useState(false);
  const [serverErrors, setServerErrors] = useState<Record<string, string[]>>({});
  const [status, setStatus] = useState<{ tone: "success" | "danger"; text: string } | null>(null);
  const [pending, startTransition] = useTransition();
  // Marks the form as live once hydrated (what is typed before that is not kept).
  const live = useSyncExternalStore(
    noChange,
    () => true,
    () => false,
  );

  const amounts = {
    prepaidBelowCents: readAmount(prepaidBelow, false),
    flexAboveCents: readAmount(flexAbove, false),
    spendCapCents: readAmount(spendCap, true),
  };
  const valid = Object.values(amounts).every((amount) => amount.error === null);
  const shown = (name: Field) => {
    const local = submitted ? amounts[name].error : null;
    return local ? [local] : serverErrors[name];
  };
  const toCredits = (cents: number | null) => (cents === null ? null : (BigInt(cents) * perUsd) / 100n);
  const credits = (cents: number | null, error: string | null, fallback: string) =>
    cents !== null && error === null ? `${formatCount(toCredits(cents)!)} credits` : fallback;

  // The preview follows what is typed; a field that does not read yet counts as off.
  const settings: GuardrailSettings = useMemo(
    () => ({
      includedAlerts,
      prepaidBelowCredits: toCredits(amounts.prepaidBelowCents.cents),
      flexAboveCredits: toCredits(amounts.flexAboveCents.cents),
      spendCapCents: amounts.spendCapCents.cents === null ? null : BigInt(amounts.spendCapCents.cents),
    }),
    // eslint-disable-next-line react-hooks/exhaustive-deps -- the amounts are derived from these fields
    [includedAlerts, prepaidBelow, flexAbove, spendCap, perUsd],
  );

  function save() {
    setSubmitted(true);
    setStatus(null);
    if (!valid || pending) return;
    setServerErrors({});
    startTransition(async () => {
      const result = await saveGuardrailsAction(slug, {
        includedAlerts,
        prepaidBelowCents: amounts.prepaidBelowCents.cents,
        flexAboveCents: amounts.flexAboveCents.cents,
        spendCapCents: amounts.spendCapCents.cents,
      });
      if (result.ok) {
        setSubmitted(false);
        setStatus({ tone: "success", text: result.data.changed ? "Guardrails saved." : "Nothing changed." });
        return;
      }
      setServerErrors(result.fieldErrors ?? {});
      setStatus({ tone: "danger", text: result.error });
    });
  }

  const cap = amounts.spendCapCents;
  return (
    <div className="grid gap-6 lg:grid-cols-[minmax(0,1fr)_minmax(0,1fr)]">
      <form
        aria-label="Billing guardrails"
        data-live={live || undefined}
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          save();
        }}
        className="space-y-5"
      >
        <SwitchRow
          label="Included credits alerts"
          description="Email when 50%, 80% and 100% of the period's included credits are used."
          checked={includedAlerts}
          onChange={setIncludedAlerts}
          disabled={pending}
        />

        <fieldset disabled={pending} className="space-y-4">
          <legend className="sr-only">Alert levels and the spend cap</legend>
          <DollarField
            label="Email when prepaid credits fall below"
            name="prepaidBelow"
            value={prepaidBelow}
            onChange={setPrepaidBelow}
            placeholder="Off"
            errors={shown("prepaidBelowCents")}
            hint={credits(amounts.prepaidBelowCents.cents, amounts.prepaidBelowCents.error, "Leave empty for no alert.")}
          />
          <DollarField
            label="Email when flex this period passes"
            name="flexAbove"
            value={flexAbove}
            onChange={setFlexAbove}
            placeholder="Off"
            errors={shown("flexAboveCents")}
            hint={credits(amounts.flexAboveCents.cents, amounts.flexAboveCents.error, "Leave empty for no alert.")}
          />
          <DollarField
            label="Monthly spend cap on flex and auto top-ups"
            name="spendCap"
            value={spendCap}
            onChange={setSpendCap}
            placeholder="No cap"
            errors={shown("spendCapCents")}
            hint={
              cap.cents !== null && cap.error === null
                ? `Once flex and auto top-ups reach ${formatCents(cap.cents)} in a period, calls that need flex are refused and auto top-up stops, until the next period.`
                : "Leave empty for no cap. Included, package and prepaid credits are never capped."
            }
          />
        </fieldset>

        {status ? (
          <Alert tone={status.tone} live>
            {status.text}
          </Alert>
        ) : null}

        <div className="flex items-center gap-3">
          <Button type="submit" variant="primary" disabled={pending} aria-busy={pending || undefined}>
            <ShieldCheck aria-hidden className="size-4" />
            {pending ? "Saving…" : "Save guardrails"}
          </Button>
          <p className="text-[13px] text-muted-foreground">Each alert is sent once per period per level.</p>
        </div>
      </form>

      <GuardrailPreviewPanel history={history} settings={settings} />
    </div>
  );
}
