"use client";

// Buying a package, or renewing one now (R6.1, R6.3): what it covers, until
// when, the price and the card that pays, confirmed once. The dialog makes its
// request id when it opens, so a double click or a second submit is one
// purchase. Renewing buys another of the same package now: it stacks with the
// running one, which keeps its own quota and expiry.
//
// The dialog's code (package-flow.tsx) is fetched when it first opens: the page's
// first load carries only the button.
import { Package, RefreshCw } from "lucide-react";
import { lazy, Suspense, useState } from "react";
import { Button } from "@/components/ui/button";
import type { CardSummary } from "../credits/card-format";

/** A catalog package as the dialog shows it; the page formats the figures. */
export interface PackageOffer {
  code: string;
  name: string;
  priceCents: number;
  /** "100,000 predict operations" */
  covers: string;
  /** "1 month" */
  validity: string;
  /** The expiry of one bought now, formatted: "Apr 10, 2027". */
  expiresIfBoughtNow: string;
}

const PurchaseFlow = lazy(() => import("./package-flow").then((module) => ({ default: module.PurchaseFlow })));

export function PackagePurchaseButton({
  slug,
  offer,
  card,
  renewPurchaseId,
  blockedReason,
}: {
  slug: string;
  offer: PackageOffer;
  card: CardSummary | null;
  /** Set to renew that purchase (buy another of the same now) instead of a plain purchase. */
  renewPurchaseId?: string;
  /** Why nothing can be bought now (arrears), shown instead of the button's action. */
  blockedReason?: string | null;
}) {
  const [open, setOpen] = useState(false);
  const [session, setSession] = useState(0);
  const renew = renewPurchaseId !== undefined;
  return (
    <>
      <Button
        size="sm"
        variant={renew ? "secondary" : "primary"}
        onClick={() => setOpen(true)}
        disabled={Boolean(blockedReason)}
        aria-label={renew ? `Renew ${offer.name}` : `Buy ${offer.name}`}
      >
        {renew ? <RefreshCw aria-hidden /> : <Package aria-hidden />}
        {renew ? "Renew now" : "Buy"}
      </Button>
      {open ? (
        <Suspense fallback={null}>
          <PurchaseFlow
            key={session}
            open={open}
            slug={slug}
            offer={offer}
            card={card}
            renewPurchaseId={renewPurchaseId}
            onClose={() => {
              setOpen(false);
              setSession((value) => value + 1);
            }}
          />
        </Suspense>
      ) : null}
    </>
  );
}
