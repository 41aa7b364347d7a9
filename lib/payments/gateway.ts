// The payment gateway (R7, R8.3, R13): what the billing code asks of a card
// processor. Two implementations: Stripe (STRIPE_SECRET_KEY set) and the
// built-in test gateway of the embedded demo. Every charge carries an
// idempotency key derived from our own payment id, so asking again after a
// crash returns the same charge instead of charging twice.

/** A saved card as the gateway reports it: never the number. */
export interface GatewayCard {
  /** The gateway's payment method id (Stripe `pm_…`, test gateway `tgpm_…`). */
  id: string;
  brand: string;
  last4: string;
  expMonth: number;
  expYear: number;
}

export type ChargeStatus = "succeeded" | "failed" | "requires_action" | "processing";

export interface ChargeResult {
  status: ChargeStatus;
  /** The gateway's charge id (Stripe PaymentIntent `pi_…`). */
  externalId: string | null;
  /** Stripe's decline code or error code ("card_declined", "insufficient_funds", "authentication_required", …). */
  failureCode?: string;
  /** The gateway's message for a failure, shown to the customer in plain words by lib/payments/declines.ts. */
  failureMessage?: string;
  /** Where the customer finishes authentication (requires_action). */
  actionUrl?: string;
}

export interface ChargeRequest {
  customerId: string;
  paymentMethodId: string;
  amountCents: number;
  /** Derived from our payment id: the same key twice is the same charge. */
  idempotencyKey: string;
  description: string;
  /** Ours, echoed back by webhooks: workspace and payment ids. */
  metadata: { workspaceId: string; paymentId: string };
}

export interface SetupSession {
  /** Where the browser goes to enter a card (Stripe Checkout, or our own test-gateway form). */
  url: string;
  id: string;
}

export interface PaymentGateway {
  /** "stripe" or "test": stored on PaymentMethod and Payment rows. */
  readonly name: "stripe" | "test";
  /** The gateway customer of a workspace, created once (idempotency key from the workspace id). */
  ensureCustomer(input: { workspaceId: string; name: string; email: string | null }): Promise<string>;
  /** A hosted page that saves a card for off-session use (Stripe Checkout in setup mode). */
  createSetupSession(input: { customerId: string; workspaceId: string; successUrl: string; cancelUrl: string }): Promise<SetupSession>;
  /** The card a finished setup session saved (null while it is not complete). */
  setupSessionCard(sessionId: string): Promise<GatewayCard | null>;
  /** Where the customer manages saved cards at the gateway (Stripe Customer Portal), if it has such a page. */
  portalUrl(input: { customerId: string; returnUrl: string }): Promise<string | null>;
  /** Charges a saved card off-session. Declines are results, not exceptions; network errors throw. */
  charge(request: ChargeRequest): Promise<ChargeResult>;
  /** Re-reads a charge (webhooks out of order, reconciliation). */
  retrieveCharge(externalId: string): Promise<ChargeResult>;
}
