"use client";

// The confirmation behind the flex switch (flex-switch.tsx), fetched when it
// first opens.
import { Zap, ZapOff } from "lucide-react";
import { useRouter } from "next/navigation";
import { useState, useTransition, type ReactNode } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { DialogActions, DialogIcon, ModalDialog } from "@/components/ui/modal-dialog";
import { setFlexEnabledAction } from "./flex-actions";
import { REFUSAL } from "./flex-switch";

export function FlexConfirm({
  slug,
  next,
  flexUsed,
  payAsYouGo,
  onClose,
}: {
  slug: string;
  /** What the switch is being turned to. */
  next: boolean;
  flexUsed: ReactNode | null;
  payAsYouGo: boolean;
  onClose: () => void;
}) {
  const [error, setError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();
  const router = useRouter();

  function close() {
    if (pending) return;
    onClose();
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
      onClose();
      router.refresh();
    });
  }

  return (
    <ModalDialog
      open
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
        <Button variant={next ? "primary" : "danger"} onClick={confirm} disabled={pending} aria-busy={pending || undefined} data-autofocus>
          {pending ? "Saving…" : next ? "Turn on flex" : "Turn off flex"}
        </Button>
      </DialogActions>
    </ModalDialog>
  );
}
