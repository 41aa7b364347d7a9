"use client";

// The flex billing switch (R5.5) and what it means in plain words. Turning
// flex off or on is confirmed in a dialog that says which calls will be
// refused and how the API answers them (402, code 11100). Pay as you go needs
// a card on file before flex can be turned on; the server checks it again.
import { Zap, ZapOff } from "lucide-react";
import { useRouter } from "next/navigation";
import { useId, useState, useTransition, type ReactNode } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { DialogActions, DialogIcon, ModalDialog } from "@/components/ui/modal-dialog";
import { setFlexEnabledAction } from "./flex-actions";

/** The API's answer to a call refused for lack of credits (R9.4), as the customer's code sees it. */
const REFUSAL = (
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
  const [error, setError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();
  const router = useRouter();
  const hintId = useId();
  const next = !enabled;

  function close() {
    if (pending) return;
    setOpen(false);
    setError(null);
  }

  function confirm() {
    if (pending) return;
    setError(null);
    startTransition(async () => {
      const result = await setFlexEnabledAction(slug, { enabled: next });
      if (!result.ok) {
        setError(result.error);
        return;
      }
      setOpen(false);
      router.refresh();
    });
  }

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
      <ModalDialog
        open={open}
        onClose={close}
        dismissible={!pending}
        title={next ? "Turn on flex billing?" : "Turn off flex billing?"}
        icon={<DialogIcon icon={next ? Zap : ZapOff} tone={next ? "primary" : "warning"} />}
        description={
          next
            ? "Calls keep running after your included, package and prepaid credits are spent."
            : "Calls stop being billed past your other credits, and are refused instead."
        }
      >
        <ul className="list-disc space-y-1.5 pl-5 text-sm text-foreground/85 text-pretty">
          {next ? (
            <>
              <li>Flex is used only once included, package and prepaid credits are spent.</li>
              <li>
                The flex credits of a period are added up and billed on that period’s invoice
                {payAsYouGo ? ", charged to the card on file" : ""}.
              </li>
              <li>You can turn it off again at any time.</li>
            </>
          ) : (
            <>
              <li>Calls your included, package and prepaid credits cover keep working.</li>
              <li>A call that would need flex credits is refused with {REFUSAL}. Nothing is charged for a refused call.</li>
              {flexUsed ? <li>Flex already used this period ({flexUsed}) is still billed on this period’s invoice.</li> : null}
              <li>You can turn it back on at any time.</li>
            </>
          )}
        </ul>
        {error ? (
          <Alert tone="danger" live className="mt-4">
            {error}
          </Alert>
        ) : null}
        <DialogActions>
          <Button variant="secondary" onClick={close} disabled={pending}>
            Cancel
          </Button>
          <Button
            variant={next ? "primary" : "danger"}
            onClick={confirm}
            disabled={pending}
            aria-busy={pending || undefined}
            data-autofocus
          >
            {pending ? "Saving…" : next ? "Turn on flex" : "Turn off flex"}
          </Button>
        </DialogActions>
      </ModalDialog>
    </>
  );
}
