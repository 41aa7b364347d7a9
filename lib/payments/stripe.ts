import "server-only";

// The Stripe gateway (R7, R8.3, R13): the real `stripe` SDK with the API
// version this SDK release is written for, pinned so that Stripe's answers
// keep the shape the code reads. One Customer per workspace, cards saved
// through Checkout in setup mode (a page hosted by Stripe, so no script of
// Stripe's is loaded by our pages), the Customer Portal to manage them, and
// off-session PaymentIntents. Every POST carries an idempotency key: derived
// from our own ids where a repeat must return the same object (the customer,
// the charge), random where it only has to make the SDK's network retries
// safe (a new Checkout or Portal session each time the customer asks).
//
// STRIPE_API_BASE points the SDK at another server (the local stub of the
// tests); unset, it talks to Stripe.
import crypto from "node:crypto";
import Stripe from "stripe";
import type { ChargeRequest, ChargeResult, GatewayCard, PaymentGateway, SetupSession } from "./gateway";

/** The API version of the installed SDK (stripe 23.1.0); its types describe exactly this version. */
export const STRIPE_API_VERSION = "2026-10-28.endive" satisfies Stripe.StripeConfig["apiVersion"];

export interface StripeGatewayOptions {
  secretKey: string;
  /** Another API server, such as `http://127.0.0.1:4010` (tests); unset = Stripe itself. */
  apiBase?: string;
}

/** The SDK's connection options for an API base URL. */
export function connectionFor(apiBase: string | undefined): Pick<Stripe.StripeConfig, "host" | "port" | "protocol"> {
  if (!apiBase) return {};
  const url = new URL(apiBase);
  const protocol = url.protocol === "http:" ? "http" : "https";
  return { host: url.hostname, port: url.port || (protocol === "http" ? 80 : 443), protocol };
}

export class StripeGateway implements PaymentGateway {
  readonly name = "stripe" as const;
  private readonly stripe: Stripe;

  constructor(options: StripeGatewayOptions) {
    this.stripe = new Stripe(options.secretKey, {
      apiVersion: STRIPE_API_VERSION,
      // Retried with the same idempotency key, so a retry is never a second charge.
      maxNetworkRetries: 2,
      timeout: 30_000,
      telemetry: false,
      appInfo: { name: "Meterdesk" },
      ...connectionFor(options.apiBase),
    });
  }

  async ensureCustomer(input: { workspaceId: string; name: string; email: string | null }): Promise<string> {
    // The key makes two concurrent first payments of a workspace share one Customer; the
    // caller stores its id on the workspace (Stripe keeps idempotency keys for 24 hours).
    const customer = await this.stripe.customers.create(
      { name: input.name, ...(input.email ? { email: input.email } : {}), metadata: { workspaceId: input.workspaceId } },
      { idempotencyKey: `customer:${input.workspaceId}` },
    );
    return customer.id;
  }

  async createSetupSession(input: {
    customerId: string;
    workspaceId: string;
    successUrl: string;
    cancelUrl: string;
  }): Promise<SetupSession> {
    const session = await this.stripe.checkout.sessions.create(
      {
        mode: "setup",
        customer: input.customerId,
        currency: "usd",
        // This API version's name for the list (payment_method_types is gone from Checkout's create parameters).
        allowed_payment_method_types: ["card"],
        success_url: withSessionPlaceholder(input.successUrl),
        cancel_url: input.cancelUrl,
        metadata: { workspaceId: input.workspaceId },
        setup_intent_data: { metadata: { workspaceId: input.workspaceId } },
      },
      { idempotencyKey: `setup-session:${input.workspaceId}:${crypto.randomUUID()}` },
    );
    if (!session.url) throw new Error(`Stripe Checkout session ${session.id} has no URL`);
    return { id: session.id, url: session.url };
  }

  async setupSessionCard(sessionId: string): Promise<GatewayCard | null> {
    const session = await this.stripe.checkout.sessions.retrieve(sessionId, { expand: ["setup_intent.payment_method"] });
    if (session.mode !== "setup" || session.status !== "complete") return null;
    const intent = session.setup_intent;
    if (!intent || typeof intent === "string" || intent.status !== "succeeded") return null;
    const method = intent.payment_method;
    if (!method || typeof method === "string" || !method.card) return null;
    const customerId = typeof session.customer === "string" ? session.customer : session.customer?.id;
    if (customerId) {
      // The saved card is the one the Customer Portal and Stripe's own invoices show as the default.
      await this.stripe.customers.update(
        customerId,
        { invoice_settings: { default_payment_method: method.id } },
        { idempotencyKey: `default-card:${sessionId}` },
      );
    }
    return {
      id: method.id,
      brand: method.card.brand,
      last4: method.card.last4,
      expMonth: method.card.exp_month,
      expYear: method.card.exp_year,
    };
  }

  async portalUrl(input: { customerId: string; returnUrl: string }): Promise<string | null> {
    const session = await this.stripe.billingPortal.sessions.create(
      { customer: input.customerId, return_url: input.returnUrl },
      { idempotencyKey: `portal:${input.customerId}:${crypto.randomUUID()}` },
    );
    return session.url;
  }

  async charge(request: ChargeRequest): Promise<ChargeResult> {
    try {
      const intent = await this.stripe.paymentIntents.create(
        {
          amount: request.amountCents,
          currency: "usd",
          customer: request.customerId,
          payment_method: request.paymentMethodId,
          off_session: true,
          confirm: true,
          description: request.description,
          metadata: { workspaceId: request.metadata.workspaceId, paymentId: request.metadata.paymentId },
        },
        { idempotencyKey: request.idempotencyKey },
      );
      return chargeResultOf(intent);
    } catch (error) {
      const declined = declineResultOf(error);
      if (declined) return declined;
      throw error;
    }
  }

  async retrieveCharge(externalId: string): Promise<ChargeResult> {
    return chargeResultOf(await this.stripe.paymentIntents.retrieve(externalId));
  }
}

/** Checkout replaces `{CHECKOUT_SESSION_ID}` in the success URL with the session's id. */
function withSessionPlaceholder(successUrl: string): string {
  if (successUrl.includes("{CHECKOUT_SESSION_ID}")) return successUrl;
  return `${successUrl}${successUrl.includes("?") ? "&" : "?"}session_id={CHECKOUT_SESSION_ID}`;
}

/**
 * The issuer's reason when it gave one, else Stripe's error code. A
 * `generic_decline` says no more than `card_declined`, the code our messages
 * know (lib/payments/declines.ts).
 */
function failureCodeOf(declineCode: string | undefined, code: string | undefined): string {
  const reason = declineCode && declineCode !== "generic_decline" ? declineCode : code;
  return reason ?? "card_declined";
}

/** Where the customer confirms a payment with the bank, when Stripe gives such a page. */
function actionUrlOf(intent: Stripe.PaymentIntent | undefined): { actionUrl?: string } {
  const url = intent?.next_action?.redirect_to_url?.url;
  return url ? { actionUrl: url } : {};
}

/** What a PaymentIntent's status means for us (re-read after the fact, so the final word is Stripe's). */
export function chargeResultOf(intent: Stripe.PaymentIntent): ChargeResult {
  const externalId = intent.id;
  switch (intent.status) {
    case "succeeded":
      return { status: "succeeded", externalId };
    case "requires_action":
      return { status: "requires_action", externalId, failureCode: "authentication_required", ...actionUrlOf(intent) };
    case "requires_payment_method": {
      const error = intent.last_payment_error;
      const code = failureCodeOf(error?.decline_code, error?.code);
      // An off-session charge the bank wants confirmed ends here too: it waits for the customer, it is not a decline.
      if (error?.code === "authentication_required") {
        return { status: "requires_action", externalId, failureCode: "authentication_required", ...actionUrlOf(intent) };
      }
      return { status: "failed", externalId, failureCode: code, ...(error?.message ? { failureMessage: error.message } : {}) };
    }
    case "canceled":
      return { status: "failed", externalId, failureCode: "canceled", failureMessage: "The payment was canceled." };
    default:
      // processing, and the states a confirmed automatic-capture intent only passes through.
      return { status: "processing", externalId };
  }
}

/**
 * A declined charge as a result (Stripe answers 402 with the PaymentIntent it
 * created); a missing card as a failure that no retry fixes. Anything else
 * (network, authentication, rate limit, Stripe's own errors) is not a
 * decline: null, and the caller rethrows.
 */
function declineResultOf(error: unknown): ChargeResult | null {
  if (!(error instanceof Stripe.errors.StripeError)) return null;
  const intent = error.payment_intent;
  const externalId = intent?.id ?? null;
  if (error instanceof Stripe.errors.StripeCardError) {
    if (error.code === "authentication_required") {
      return {
        status: "requires_action",
        externalId,
        failureCode: "authentication_required",
        failureMessage: error.message,
        ...actionUrlOf(intent),
      };
    }
    return { status: "failed", externalId, failureCode: failureCodeOf(error.decline_code, error.code), failureMessage: error.message };
  }
  if (
    error instanceof Stripe.errors.StripeInvalidRequestError &&
    error.code === "resource_missing" &&
    (error.param === "payment_method" || error.param === "customer")
  ) {
    return { status: "failed", externalId, failureCode: "resource_missing", failureMessage: error.message };
  }
  return null;
}
