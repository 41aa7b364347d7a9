"use client";

// The card on file (R7, R8.3): brand, last four digits and expiry, and the
// buttons that send the browser to the gateway's card page (Stripe Checkout
// in setup mode, or the test gateway's own form) to add or replace it.
import { CreditCard, ExternalLink } from "lucide-react";
import { useState, useTransition } from "react";
import { formatCardBrand } from "@/components/billing/labels";
import { Alert } from "@/components/ui/alert";
import { Button, type ButtonProps } from "@/components/ui/button";
import { cn } from "@/components/ui/cn";
import { openCardPortalAction, startCardSetupAction } from "./actions";
import { formatExpiry, type CardSummary } from "./card-format";

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

export function CardOnFile({
  slug,
  card,
  canManage,
  gateway,
  expired,
}: {
  slug: string;
  card: CardSummary | null;
  canManage: boolean;
  gateway: "stripe" | "test";
  /** Whether the card's expiry month has passed (worked out on the server's clock). */
  expired: boolean;
}) {
  const [error, setError] = useState<string | null>(null);

  return (
    <div className="flex h-full flex-col">
      {card ? (
        <div className="flex items-center gap-4">
          <CardFace brand={card.brand} />
          <div className="min-w-0">
            <p className="text-[15px] font-semibold tracking-tight" data-testid="card-on-file">
              {formatCardBrand(card.brand)} <span className="font-mono tabular-nums">•••• {card.last4}</span>
            </p>
            <p className={cn("text-[13px] tabular-nums", expired ? "font-medium text-danger" : "text-muted-foreground")}>
              {expired ? "Expired" : "Expires"} {formatExpiry(card)}
            </p>
          </div>
        </div>
      ) : (
        <div className="flex items-center gap-4">
          <span className="flex h-10 w-16 shrink-0 items-center justify-center rounded-md border border-dashed border-border-strong text-muted-foreground">
            <CreditCard aria-hidden className="size-4" />
          </span>
          <p className="text-sm text-muted-foreground text-pretty">
            No card on file. Top-ups, automatic top-ups and invoices are charged to the card you add here.
          </p>
        </div>
      )}
      {expired && canManage ? (
        <p className="mt-3 text-[13px] text-danger">This card can no longer be charged. Replace it to keep paying invoices on time.</p>
      ) : null}
      <div className="mt-auto pt-4">
        {canManage ? (
          <div className="flex flex-wrap items-center gap-2">
            <AddCardButton slug={slug} replace={Boolean(card)} size="sm" variant={card ? "secondary" : "primary"} onError={setError} />
            {gateway === "stripe" && card ? <PortalButton slug={slug} /> : null}
          </div>
        ) : (
          <p className="text-[13px] text-muted-foreground">Only owners and billing admins can change the card.</p>
        )}
        {error ? (
          <Alert tone="danger" live className="mt-3">
            {error}
          </Alert>
        ) : null}
        {canManage ? (
          <p className="mt-3 text-xs text-muted-foreground">
            {gateway === "stripe"
              ? "You enter the card on Stripe's secure page. We keep only its brand, last four digits and expiry."
              : "We keep only the card's brand, last four digits and expiry, never its number."}
          </p>
        ) : null}
      </div>
    </div>
  );
}

/** A small card-shaped badge with the brand's name. */
function CardFace({ brand }: { brand: string }) {
  const name = formatCardBrand(brand);
  return (
    <span
      aria-hidden
      className="flex h-10 w-16 shrink-0 items-end justify-end rounded-md bg-gradient-to-br from-foreground/85 to-foreground px-2 pb-1.5 text-[10px] font-semibold tracking-wide text-background shadow-card"
    >
      {name.length > 10 ? name.slice(0, 4).toUpperCase() : name.toUpperCase()}
    </span>
  );
}
