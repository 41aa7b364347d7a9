"use client";

// The flex billing switch (R5.5) and what it means in plain words. Turning
// flex off or on is confirmed in a dialog that says which calls will be
// refused and how the API answers them (402, code 11100). Pay as you go needs
// a card on file before flex can be turned on; the server checks it again.
import { Zap, ZapOff } from "lucide-react";
import { lazy, Suspense, useId, useState, type ReactNode } from "react";
import { Button } from "@/components/ui/button";

const FlexConfirm = lazy(() => import("./flex-confirm").then((module) => ({ default: module.FlexConfirm })));

/** The API's answer to a call refused for lack of credits (R9.4), as the customer's code sees it. */
export const REFUSAL = (
  <>
    HTTP <span className="font-mono">402</span> with status code <span className="font-mono">11100</span> (“Insufficient credits”)
  </>
);

export function FlexExplanation({
  planName,
  flexAllowed,
  enabled,
  payAsYouGo,
  hasCard,
}: {
  planName: string;
  flexAllowed: boolean;
  enabled: boolean;
  payAsYouGo: boolean;
  hasCard: boolean;
}) {
  if (!flexAllowed) {
    return (
      <p className="text-sm text-muted-foreground text-pretty">
        {planName} has no flex billing. When included, package and prepaid credits run out, calls are refused with {REFUSAL} until credits
        are added or the plan changes.
      </p>
    );
  }
  if (enabled) {
    return (
      <div className="space-y-2 text-sm text-muted-foreground text-pretty" data-testid="flex-explanation">
        <p>When included, package and prepaid credits run out, calls continue and the flex credits are billed on the period’s invoice.</p>
        <p>Turned off, those calls would be refused with {REFUSAL}, and nothing would be charged for them.</p>
      </div>
    );
  }
  return (
    <div className="space-y-2 text-sm text-muted-foreground text-pretty" data-testid="flex-explanation">
      <p>
        Off: calls your included, package and prepaid credits cover keep working. Once those are spent, every further call is refused with{" "}
        {REFUSAL}, and nothing is charged for it.
      </p>
      {payAsYouGo && !hasCard ? <p>Pay as you go bills flex to the card on file: add a card above to turn it on.</p> : null}
    </div>
  );
}

export function FlexSwitch({
  slug,
  enabled,
  canTurnOn,
  flexUsed,
  payAsYouGo,
}: {
  slug: string;
  enabled: boolean;
  /** False when the plan or a missing card rules it out (the server checks again). */
  canTurnOn: boolean;
  /** Flex used this period, formatted by the page; null when none. */
  flexUsed: ReactNode | null;
  payAsYouGo: boolean;
}) {
  const [open, setOpen] = useState(false);
  const hintId = useId();
  const next = !enabled;
  const disabled = next && !canTurnOn;
  return (
    <>
      <Button
        size="sm"
        variant="secondary"
        onClick={() => setOpen(true)}
        disabled={disabled}
        aria-describedby={disabled ? hintId : undefined}
      >
        {enabled ? <ZapOff aria-hidden /> : <Zap aria-hidden />}
        {enabled ? "Turn off flex" : "Turn on flex"}
      </Button>
      {disabled ? (
        <p id={hintId} className="mt-2 text-[13px] text-muted-foreground">
          {payAsYouGo ? "Add a card first: pay as you go bills flex to the card on file." : "Your plan has no flex billing."}
        </p>
      ) : null}
      {open ? (
        <Suspense fallback={null}>
          <FlexConfirm slug={slug} next={next} flexUsed={flexUsed} payAsYouGo={payAsYouGo} onClose={() => setOpen(false)} />
        </Suspense>
      ) : null}
    </>
  );
}
