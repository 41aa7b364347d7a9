// How a saved card is named on pages, dialogs and banners (server and browser alike).
import { formatCardBrand } from "@/components/billing/labels";

export interface CardSummary {
  brand: string;
  last4: string;
  expMonth: number;
  expYear: number;
}

/** "12/29" */
export function formatExpiry(card: Pick<CardSummary, "expMonth" | "expYear">): string {
  return `${String(card.expMonth).padStart(2, "0")}/${String(card.expYear % 100).padStart(2, "0")}`;
}

/** "Visa •••• 4242", for sentences that name the card. */
export function cardLabel(card: Pick<CardSummary, "brand" | "last4">): string {
  return `${formatCardBrand(card.brand)} •••• ${card.last4}`;
}

/** Whether the card's expiry month is over at `at` (a card works through the end of its month). */
export function cardExpired(card: Pick<CardSummary, "expMonth" | "expYear">, at: Date): boolean {
  return Date.UTC(card.expYear, card.expMonth, 1) <= at.getTime();
}
