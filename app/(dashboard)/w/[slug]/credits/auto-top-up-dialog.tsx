"use client";

// Auto top-up settings (R7.2): when prepaid credits fall below a threshold,
// the card on file is charged a chosen amount, at most a chosen number of
// times a calendar month. The threshold is asked in dollars and shown in
// credits too; the dialog also lists what auto top-up did this month.
import { RefreshCw } from "lucide-react";
import { lazy, Suspense } from "react";
import { Button } from "@/components/ui/button";
import { useDialogSession } from "@/components/ui/dialog-session";
import type { AutoTopUpRow, AutoTopUpSettingsView } from "./auto-top-up-month";
import type { CardSummary } from "./card-format";

// The dialog's code is fetched when it first opens: the page's first load does not carry it.
const AutoTopUpForm = lazy(() => import("./auto-top-up-form").then((module) => ({ default: module.AutoTopUpForm })));

export function AutoTopUpButton({
  slug,
  settings,
  card,
  creditsPerUsd,
  thisMonth,
}: {
  slug: string;
  settings: AutoTopUpSettingsView;
  card: CardSummary | null;
  creditsPerUsd: string;
  thisMonth: AutoTopUpRow[];
}) {
  const { open, session, triggerRef, show, close } = useDialogSession();

  const configured = settings.thresholdCents !== null && settings.amountCents !== null;
  return (
    <>
      <Button ref={triggerRef} size="sm" variant="secondary" onClick={show}>
        <RefreshCw aria-hidden />
        {configured ? "Change auto top-up" : "Set up auto top-up"}
      </Button>
      {open ? (
        <Suspense fallback={null}>
          <AutoTopUpForm
            key={session}
            open={open}
            onClose={close}
            slug={slug}
            settings={settings}
            card={card}
            creditsPerUsd={BigInt(creditsPerUsd)}
            thisMonth={thisMonth}
          />
        </Suspense>
      ) : null}
    </>
  );
}
