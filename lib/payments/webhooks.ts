import "server-only";

// Stripe's webhooks (R7, R8.3): the raw body is verified with the signing
// secret before anything in it is believed (300 s tolerance), then only the
// event types we act on are handled; any other type is answered 200 so
// Stripe stops sending it. Each event id is claimed in ProcessedWebhookEvent
// and handled at most once at a time and once for good:
//   - the claim is one INSERT … ON CONFLICT: of concurrent deliveries of the
//     same event exactly one wins; the others answer 409 while it runs and
//     200 once it is done;
//   - success stamps processedAt; a handler that throws withdraws the claim
//     and answers 500, so Stripe's retry processes the event again;
//   - a claim left by a process that died (processedAt still null) is taken
//     over once CLAIM_LEASE_MS have passed since it was made.
// The event body is trusted for ids only: the handlers re-read the
// PaymentIntent from Stripe, so events arriving out of order (a late
// payment_failed after succeeded) converge on Stripe's current state.
import Stripe from "stripe";
import type { PrismaClient } from "@/lib/generated/prisma/client";

/** Stripe's recommended tolerance for a signature's age, in seconds. */
export const SIGNATURE_TOLERANCE_SECONDS = 300;

/** How long an unfinished claim blocks other deliveries of the same event. */
export const CLAIM_LEASE_MS = 2 * 60_000;

/** The event types we act on; every other type is acknowledged and ignored. */
export const HANDLED_EVENT_TYPES = [
  "payment_intent.succeeded",
  "payment_intent.payment_failed",
  "payment_intent.requires_action",
  "payment_intent.processing",
  "checkout.session.completed",
] as const;

export interface WebhookHandlers {
  /** A PaymentIntent of ours changed: re-read it by `externalId` and settle the payment. */
  paymentIntent(input: { workspaceId: string; paymentId: string; externalId: string }): Promise<void>;
  /** A Checkout session in setup mode finished: save the card it collected. */
  setupCompleted(input: { workspaceId: string; sessionId: string }): Promise<void>;
}

export interface WebhookInput {
  rawBody: string;
  signature: string | null;
  secret: string | undefined;
  /** The app's clock: when the event is recorded and settled. */
  now: Date;
  /**
   * The real time the request arrived, for the signature's age: Stripe signs
   * with the real time even when the app's clock is moved (METERDESK_NOW).
   * Defaults to `now`.
   */
  receivedAt?: Date;
  handlers: WebhookHandlers;
}

export type WebhookResult =
  | { status: 200; body: { received: true; outcome: "processed" | "duplicate" | "ignored"; eventId: string; type: string } }
  | { status: 400; body: { error: string } }
  | { status: 409 | 500; body: { error: string; eventId: string } };

type Action =
  | { kind: "ignore" }
  | { kind: "paymentIntent"; input: Parameters<WebhookHandlers["paymentIntent"]>[0] }
  | { kind: "setup"; input: Parameters<WebhookHandlers["setupCompleted"]>[0] };

const HANDLED = new Set<string>(HANDLED_EVENT_TYPES);

function verify(input: WebhookInput): Stripe.Event | { error: string } {
  if (!input.secret) return { error: "Stripe webhooks are not configured on this server" };
  if (!input.signature) return { error: "missing Stripe-Signature header" };
  try {
    const receivedAt = (input.receivedAt ?? input.now).getTime();
    return Stripe.webhooks.constructEvent(input.rawBody, input.signature, input.secret, SIGNATURE_TOLERANCE_SECONDS, undefined, receivedAt);
  } catch (error) {
    if (error instanceof Stripe.errors.StripeSignatureVerificationError) {
      return { error: /tolerance/i.test(error.message) ? "the signature is too old" : "the signature does not match" };
    }
    return { error: "the body is not a Stripe event" };
  }
}

/** What an event asks of us, from its ids only. Events about objects that are not ours are ignored. */
export function actionFor(event: Stripe.Event): Action {
  if (!HANDLED.has(event.type)) return { kind: "ignore" };
  const object = event.data.object as unknown as { id?: unknown; mode?: unknown; metadata?: Record<string, string> | null };
  const id = typeof object.id === "string" ? object.id : null;
  const workspaceId = object.metadata?.workspaceId;
  if (!id || !workspaceId) return { kind: "ignore" };
  if (event.type === "checkout.session.completed") {
    return object.mode === "setup" ? { kind: "setup", input: { workspaceId, sessionId: id } } : { kind: "ignore" };
  }
  const paymentId = object.metadata?.paymentId;
  return paymentId ? { kind: "paymentIntent", input: { workspaceId, paymentId, externalId: id } } : { kind: "ignore" };
}

export async function processStripeWebhook(prisma: PrismaClient, input: WebhookInput): Promise<WebhookResult> {
  const event = verify(input);
  if ("error" in event) return { status: 400, body: { error: event.error } };
  if (typeof event.id !== "string" || typeof event.type !== "string")
    return { status: 400, body: { error: "the body is not a Stripe event" } };
  const { id: eventId, type } = event;
  const { now } = input;
  const action = actionFor(event);

  if (action.kind === "ignore") {
    // Recorded as done, so that a later delivery is a duplicate too.
    await prisma.$executeRaw`
      INSERT INTO "ProcessedWebhookEvent" ("id", "type", "receivedAt", "processedAt")
      VALUES (${eventId}, ${type}, ${now}, ${now})
      ON CONFLICT ("id") DO NOTHING`;
    return { status: 200, body: { received: true, outcome: "ignored", eventId, type } };
  }

  // The claim: a new row, or a stale unfinished one taken over. receivedAt is the claim's time while processedAt is null.
  const staleBefore = new Date(now.getTime() - CLAIM_LEASE_MS);
  const claimed = await prisma.$queryRaw<{ claimed: boolean }[]>`
    INSERT INTO "ProcessedWebhookEvent" ("id", "type", "receivedAt")
    VALUES (${eventId}, ${type}, ${now})
    ON CONFLICT ("id") DO UPDATE SET "receivedAt" = EXCLUDED."receivedAt"
      WHERE "ProcessedWebhookEvent"."processedAt" IS NULL AND "ProcessedWebhookEvent"."receivedAt" <= ${staleBefore}
    RETURNING true AS claimed`;
  if (claimed.length === 0) {
    const existing = await prisma.processedWebhookEvent.findUnique({ where: { id: eventId }, select: { processedAt: true } });
    if (existing?.processedAt) return { status: 200, body: { received: true, outcome: "duplicate", eventId, type } };
    // Another delivery holds the claim right now; Stripe's retry will find it finished (or withdrawn).
    return { status: 409, body: { error: "this event is being processed", eventId } };
  }

  try {
    if (action.kind === "paymentIntent") await input.handlers.paymentIntent(action.input);
    else await input.handlers.setupCompleted(action.input);
  } catch (error) {
    console.error(`[stripe-webhook] ${type} ${eventId} failed; Stripe will send it again`, error);
    await prisma.$executeRaw`
      DELETE FROM "ProcessedWebhookEvent" WHERE "id" = ${eventId} AND "processedAt" IS NULL AND "receivedAt" = ${now}`;
    return { status: 500, body: { error: "the event could not be processed; it will be retried", eventId } };
  }
  await prisma.$executeRaw`
    UPDATE "ProcessedWebhookEvent" SET "processedAt" = ${now} WHERE "id" = ${eventId} AND "processedAt" IS NULL`;
  return { status: 200, body: { received: true, outcome: "processed", eventId, type } };
}
