// The card on file (R7, R8.3): brand, last four digits and expiry, drawn on
// the server, with the buttons to add or replace it (card-on-file.tsx).
import { CreditCard } from "lucide-react";
import { formatCardBrand } from "@/components/billing/labels";
import { cn } from "@/components/ui/cn";
import { CardActions } from "./card-on-file";
import { formatExpiry, type CardSummary } from "./card-format";

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
          <CardActions slug={slug} hasCard={Boolean(card)} portal={gateway === "stripe" && Boolean(card)} />
        ) : (
          <p className="text-[13px] text-muted-foreground">Only owners and billing admins can change the card.</p>
        )}
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
