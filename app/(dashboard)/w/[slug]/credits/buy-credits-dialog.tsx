"use client";

// "Buy credits" (R7.1): choose an amount, see exactly how many credits it buys
// and which card pays, confirm once. The dialog makes its request id when it
// opens, so a double click, a retry after a timeout or a second submit of the
// same form is one top-up; a declined card grants nothing and a fresh attempt
// gets a fresh id.
import { Plus } from "lucide-react";
import { lazy, Suspense } from "react";
import { Button } from "@/components/ui/button";
import { useDialogSession } from "@/components/ui/dialog-session";
import type { CardSummary } from "./card-format";

// The dialog's code is fetched when it first opens: the page's first load does not carry it.
const BuyCreditsFlow = lazy(() => import("./buy-credits-flow").then((module) => ({ default: module.BuyCreditsFlow })));

export function BuyCreditsButton({
  slug,
  card,
  creditsPerUsd,
  size = "md",
  variant = "primary",
}: {
  slug: string;
  card: CardSummary | null;
  /** The deployment's rate (env CREDITS_PER_USD), as a decimal string. */
  creditsPerUsd: string;
  size?: "sm" | "md";
  variant?: "primary" | "secondary";
}) {
  const { open, session, triggerRef, show, close } = useDialogSession();

  return (
    <>
      <Button ref={triggerRef} variant={variant} size={size} onClick={show}>
        <Plus aria-hidden />
        Buy credits
      </Button>
      {open ? (
        <Suspense fallback={null}>
          <BuyCreditsFlow key={session} open={open} slug={slug} card={card} creditsPerUsd={BigInt(creditsPerUsd)} onClose={close} />
        </Suspense>
      ) : null}
    </>
  );
}
