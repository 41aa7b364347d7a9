"use client";

// The buttons that send the browser to the gateway's card page (Stripe
// Checkout in setup mode, or the test gateway's own form) to add or replace
// the card on file; the card itself is drawn on the server (card-on-file-view.tsx).
import { CreditCard, ExternalLink } from "lucide-react";
import { useState, useTransition } from "react";
import { Alert } from "@/components/ui/alert";
import { Button, type ButtonProps } from "@/components/ui/button";
import { openCardPortalAction, startCardSetupAction } from "./actions";

/** Sends the browser to the gateway's page to save a card; it comes back to Credits with "Card saved". */
export function AddCardButton({
  slug,
  replace = false,
  children,
  onError,
  ...props
}: Omit<ButtonProps, "onClick" | "onError"> & { slug: string; replace?: boolean; onError?: (message: string | null) => void }) {
  const [pending, startTransition] = useTransition();
  const [error, setError] = useState<string | null>(null);
  const report = onError ?? setError;

  function start() {
    report(null);
    startTransition(async () => {
      const result = await startCardSetupAction(slug);
      if (result.ok) {
        // A page of the gateway (or our test form): a full navigation, not a client route change.
        window.location.assign(result.data.url);
        return;
      }
      report(result.error);
    });
  }

  return (
    <>
      <Button {...props} onClick={start} disabled={pending || props.disabled} aria-busy={pending || undefined}>
        <CreditCard aria-hidden />
        {pending ? "Opening the card form…" : (children ?? (replace ? "Replace card" : "Add card"))}
      </Button>
      {!onError && error ? (
        <Alert tone="danger" live className="mt-3">
          {error}
        </Alert>
      ) : null}
    </>
  );
}

function PortalButton({ slug }: { slug: string }) {
  const [pending, startTransition] = useTransition();
  const [error, setError] = useState<string | null>(null);
  return (
    <>
      <Button
        variant="ghost"
        size="sm"
        disabled={pending}
        onClick={() =>
          startTransition(async () => {
            setError(null);
            const result = await openCardPortalAction(slug);
            if (result.ok) window.location.assign(result.data.url);
            else setError(result.error);
          })
        }
      >
        <ExternalLink aria-hidden />
        {pending ? "Opening Stripe…" : "Manage in Stripe"}
      </Button>
      {error ? (
        <Alert tone="danger" live className="mt-3 w-full">
          {error}
        </Alert>
      ) : null}
    </>
  );
}

/** The card's buttons on the Credits page, with the one place their errors show. */
export function CardActions({ slug, hasCard, portal }: { slug: string; hasCard: boolean; portal: boolean }) {
  const [error, setError] = useState<string | null>(null);
  return (
    <>
      <div className="flex flex-wrap items-center gap-2">
        <AddCardButton slug={slug} replace={hasCard} size="sm" variant={hasCard ? "secondary" : "primary"} onError={setError} />
        {portal ? <PortalButton slug={slug} /> : null}
      </div>
      {error ? (
        <Alert tone="danger" live className="mt-3">
          {error}
        </Alert>
      ) : null}
    </>
  );
}
