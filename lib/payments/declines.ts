// What a failed charge means for the customer and for dunning (R8.3): the
// gateway's codes in plain words, and which failures are worth retrying.
// Stripe's advice: a generic decline may pass later; a lost, stolen or
// expired card, a closed account or a missing card will not.

const HARD_DECLINES = new Set([
  "no_card",
  "resource_missing",
  "expired_card",
  "lost_card",
  "stolen_card",
  "pickup_card",
  "restricted_card",
  "invalid_account",
  "incorrect_number",
  "card_not_supported",
  "fraudulent",
  "do_not_honor_permanently",
  "authentication_required",
  "authentication_failed",
]);

/** A failure that no retry can fix: dunning stops until the customer acts. */
export function isHardDecline(code: string | null | undefined): boolean {
  return code ? HARD_DECLINES.has(code) : false;
}

const MESSAGES: Record<string, string> = {
  no_card: "There is no card on file. Add a card to pay.",
  card_declined: "Your card was declined. Try another card, or ask your bank why.",
  insufficient_funds: "Your card has insufficient funds. Try another card.",
  expired_card: "Your card has expired. Add a new card.",
  resource_missing: "The card on file could not be found. Add a card again.",
  authentication_required: "Your bank asks you to confirm this payment. Finish it with the link below.",
  authentication_failed: "The payment was not confirmed with your bank. Try again or use another card.",
  processing_error: "The card could not be charged because of a processing error. Try again in a moment.",
};

/** The customer-facing sentence for a failure code. */
export function declineMessage(code: string | null | undefined): string {
  return (code && MESSAGES[code]) || "The payment failed. Try again, or use another card.";
}
