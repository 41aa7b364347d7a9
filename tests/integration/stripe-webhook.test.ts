// Stripe webhooks (R7, R8.3): payloads signed with the SDK's own
// generateTestHeaderString, checked with a 300 s tolerance, allow-listed, each
// event id stored in ProcessedWebhookEvent and processed exactly once — ten
// concurrent deliveries too — with a failed handler answered 500 so Stripe's
// retry processes it again, and events out of order settled from Stripe's
// current state (re-read from the stub through the real SDK).
import { randomUUID } from "node:crypto";
import Stripe from "stripe";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ChargeStatus } from "@/lib/payments/gateway";
import { StripeGateway } from "@/lib/payments/stripe";
import { CLAIM_LEASE_MS, processStripeWebhook, type WebhookHandlers, type WebhookResult } from "@/lib/payments/webhooks";
import { startStripeStub, stripeEvent, STUB_SECRET_KEY, type StripeStub } from "../helpers/stripe-stub";
import { createTestDatabase, type TestDatabase } from "../helpers/test-db";

const SECRET = "whsec_meterdesk_test_secret";
const T0 = new Date("2030-03-01T12:00:00.000Z");
const seconds = (date: Date) => Math.floor(date.getTime() / 1000);

/** Handlers that count their calls (and can be made to fail or to take a while). */
function recorder(options: { failTimes?: number; delayMs?: number } = {}) {
  let failures = options.failTimes ?? 0;
  const paymentIntents: Parameters<WebhookHandlers["paymentIntent"]>[0][] = [];
  const setups: Parameters<WebhookHandlers["setupCompleted"]>[0][] = [];
  const handlers: WebhookHandlers = {
    async paymentIntent(input) {
      if (options.delayMs) await new Promise((resolve) => setTimeout(resolve, options.delayMs));
      if (failures > 0) {
        failures -= 1;
        throw new Error("the database went away");
      }
      paymentIntents.push(input);
    },
    async setupCompleted(input) {
      setups.push(input);
    },
  };
  return { handlers, paymentIntents, setups };
}

function paymentIntentObject(overrides: Record<string, unknown> = {}) {
  return {
    id: `pi_${randomUUID().replaceAll("-", "")}`,
    object: "payment_intent",
    amount: 2_000,
    currency: "usd",
    status: "succeeded",
    metadata: { workspaceId: randomUUID(), paymentId: randomUUID() },
    ...overrides,
  };
}

describe("Stripe webhooks", () => {
  let database: TestDatabase;
  let stub: StripeStub;
  let gateway: StripeGateway;

  beforeAll(async () => {
    database = await createTestDatabase();
    stub = await startStripeStub();
    gateway = new StripeGateway({ secretKey: STUB_SECRET_KEY, apiBase: stub.url });
  }, 60_000);

  afterAll(async () => {
    await stub?.close();
    await database?.close();
  });

  const sign = (payload: string, timestamp = seconds(T0), secret = SECRET) =>
    Stripe.webhooks.generateTestHeaderString({ payload, secret, timestamp });

  function deliver(
    event: Record<string, unknown>,
    handlers: WebhookHandlers,
    options: { signature?: string | null; secret?: string | undefined; now?: Date; receivedAt?: Date; rawBody?: string } = {},
  ): Promise<WebhookResult> {
    const rawBody = options.rawBody ?? JSON.stringify(event);
    return processStripeWebhook(database.prisma, {
      rawBody,
      signature: options.signature === undefined ? sign(rawBody) : options.signature,
      secret: "secret" in options ? options.secret : SECRET,
      now: options.now ?? T0,
      ...(options.receivedAt ? { receivedAt: options.receivedAt } : {}),
      handlers,
    });
  }

  const storedEvent = (id: string) => database.prisma.processedWebhookEvent.findUnique({ where: { id } });

  it("a valid event is handled once, with the ids from our metadata, and stored as processed", async () => {
    const { handlers, paymentIntents } = recorder();
    const intent = paymentIntentObject();
    const event = stripeEvent("payment_intent.succeeded", intent);

    const result = await deliver(event, handlers);
    expect(result).toEqual({
      status: 200,
      body: { received: true, outcome: "processed", eventId: event.id, type: "payment_intent.succeeded" },
    });
    expect(paymentIntents).toEqual([{ ...intent.metadata, externalId: intent.id }]);
    expect(await storedEvent(event.id)).toMatchObject({ type: "payment_intent.succeeded", processedAt: T0 });

    // Stripe sends it again: acknowledged, not applied again.
    expect(await deliver(event, handlers)).toMatchObject({ status: 200, body: { outcome: "duplicate" } });
    expect(paymentIntents).toHaveLength(1);
  });

  it("a bad signature, a changed body, another secret or a missing signature is 400, and nothing is stored", async () => {
    const { handlers, paymentIntents } = recorder();
    const event = stripeEvent("payment_intent.succeeded", paymentIntentObject());
    const body = JSON.stringify(event);

    const forged = await deliver(event, handlers, { signature: sign(body, seconds(T0), "whsec_someone_else") });
    expect(forged).toEqual({ status: 400, body: { error: "the signature does not match" } });
    const tampered = await deliver(event, handlers, { rawBody: body.replace('"amount":2000', '"amount":1'), signature: sign(body) });
    expect(tampered.status).toBe(400);
    expect(await deliver(event, handlers, { signature: "t=123,v1=deadbeef" })).toMatchObject({ status: 400 });
    expect(await deliver(event, handlers, { signature: null })).toEqual({
      status: 400,
      body: { error: "missing Stripe-Signature header" },
    });

    expect(paymentIntents).toEqual([]);
    expect(await storedEvent(event.id)).toBeNull();
  });

  it("without a webhook secret (the built-in test gateway) everything is 400, even a well-signed event", async () => {
    const { handlers, paymentIntents } = recorder();
    const event = stripeEvent("payment_intent.succeeded", paymentIntentObject());
    const result = await deliver(event, handlers, { secret: undefined });
    expect(result).toEqual({ status: 400, body: { error: "Stripe webhooks are not configured on this server" } });
    expect(paymentIntents).toEqual([]);
  });

  it("a signature older than 300 s is 400; 300 s is still accepted", async () => {
    const { handlers, paymentIntents } = recorder();
    const stale = stripeEvent("payment_intent.succeeded", paymentIntentObject());
    const staleBody = JSON.stringify(stale);
    const result = await deliver(stale, handlers, { signature: sign(staleBody, seconds(T0) - 301) });
    expect(result).toEqual({ status: 400, body: { error: "the signature is too old" } });
    expect(paymentIntents).toEqual([]);
    expect(await storedEvent(stale.id)).toBeNull();

    const edge = stripeEvent("payment_intent.succeeded", paymentIntentObject());
    const edgeBody = JSON.stringify(edge);
    expect(await deliver(edge, handlers, { signature: sign(edgeBody, seconds(T0) - 300) })).toMatchObject({ status: 200 });
    expect(paymentIntents).toHaveLength(1);
  });

  it("the signature's age is measured on the real arrival time, not on a moved app clock", async () => {
    const { handlers, paymentIntents } = recorder();
    const event = stripeEvent("payment_intent.succeeded", paymentIntentObject());
    // The app's clock runs 40 days ahead (METERDESK_NOW); Stripe signed at the real time T0.
    const appNow = new Date(T0.getTime() + 40 * 86_400_000);
    expect(await deliver(event, handlers, { now: appNow, receivedAt: new Date(T0.getTime() + 5_000) })).toMatchObject({ status: 200 });
    expect(paymentIntents).toHaveLength(1);
    expect(await storedEvent(event.id)).toMatchObject({ processedAt: appNow });
  });

  it("a signed body that is not JSON is 400", async () => {
    const { handlers } = recorder();
    const rawBody = "not json";
    expect(await deliver({}, handlers, { rawBody, signature: sign(rawBody) })).toMatchObject({ status: 400 });
  });

  it("the same event delivered 10 times at once is applied once", async () => {
    const { handlers, paymentIntents } = recorder({ delayMs: 50 });
    const event = stripeEvent("payment_intent.payment_failed", paymentIntentObject({ status: "requires_payment_method" }));

    const results = await Promise.all(Array.from({ length: 10 }, () => deliver(event, handlers)));
    expect(paymentIntents).toHaveLength(1);
    const outcomes = results.map((result) => (result.status === 200 ? result.body.outcome : result.status));
    expect(outcomes.filter((outcome) => outcome === "processed")).toHaveLength(1);
    // The others were told it is done, or (while it ran) to come back: never a second application.
    expect(outcomes.every((outcome) => outcome === "processed" || outcome === "duplicate" || outcome === 409)).toBe(true);

    // Stripe's retries of the 409s: acknowledged as duplicates.
    const retries = await Promise.all(Array.from({ length: 10 }, () => deliver(event, handlers)));
    expect(retries.every((result) => result.status === 200 && result.body.outcome === "duplicate")).toBe(true);
    expect(paymentIntents).toHaveLength(1);
    expect(await database.prisma.processedWebhookEvent.count({ where: { id: event.id } })).toBe(1);
  });

  it("an event type we do not handle is 200, ignored and still recorded", async () => {
    const { handlers, paymentIntents, setups } = recorder();
    const event = stripeEvent("customer.created", { id: "cus_123", object: "customer", metadata: { workspaceId: randomUUID() } });
    expect(await deliver(event, handlers)).toEqual({
      status: 200,
      body: { received: true, outcome: "ignored", eventId: event.id, type: "customer.created" },
    });
    expect(await storedEvent(event.id)).toMatchObject({ type: "customer.created", processedAt: T0 });

    // A handled type about a PaymentIntent that is not ours (no metadata): ignored too.
    const foreign = stripeEvent("payment_intent.succeeded", paymentIntentObject({ metadata: {} }));
    expect(await deliver(foreign, handlers)).toMatchObject({ status: 200, body: { outcome: "ignored" } });
    expect(paymentIntents).toEqual([]);
    expect(setups).toEqual([]);
  });

  it("a handler that fails answers 500 and leaves the event for Stripe's retry, which processes it", async () => {
    const { handlers, paymentIntents } = recorder({ failTimes: 1 });
    const intent = paymentIntentObject();
    const event = stripeEvent("payment_intent.succeeded", intent);

    expect(await deliver(event, handlers)).toEqual({
      status: 500,
      body: { error: "the event could not be processed; it will be retried", eventId: event.id },
    });
    expect(paymentIntents).toEqual([]);
    expect((await storedEvent(event.id))?.processedAt ?? null).toBeNull();

    const retry = await deliver(event, handlers, { now: new Date(T0.getTime() + 60_000), receivedAt: T0 });
    expect(retry).toMatchObject({ status: 200, body: { outcome: "processed" } });
    expect(paymentIntents).toEqual([{ ...intent.metadata, externalId: intent.id }]);
    expect(await deliver(event, handlers)).toMatchObject({ status: 200, body: { outcome: "duplicate" } });
    expect(paymentIntents).toHaveLength(1);
  });

  it("a claim left unfinished by a process that died is taken over after the lease; a fresh one is not", async () => {
    const { handlers, paymentIntents } = recorder();
    const crashed = stripeEvent("payment_intent.succeeded", paymentIntentObject());
    await database.prisma.processedWebhookEvent.create({
      data: { id: crashed.id, type: "payment_intent.succeeded", receivedAt: new Date(T0.getTime() - CLAIM_LEASE_MS - 1_000) },
    });
    expect(await deliver(crashed, handlers)).toMatchObject({ status: 200, body: { outcome: "processed" } });
    expect(paymentIntents).toHaveLength(1);

    const running = stripeEvent("payment_intent.succeeded", paymentIntentObject());
    await database.prisma.processedWebhookEvent.create({
      data: { id: running.id, type: "payment_intent.succeeded", receivedAt: new Date(T0.getTime() - 10_000) },
    });
    expect(await deliver(running, handlers)).toEqual({
      status: 409,
      body: { error: "this event is being processed", eventId: running.id },
    });
    expect(paymentIntents).toHaveLength(1);
  });

  it("checkout.session.completed in setup mode saves the card; other sessions are ignored", async () => {
    const { handlers, setups } = recorder();
    const workspaceId = randomUUID();
    const setup = stripeEvent("checkout.session.completed", {
      id: "cs_test_setup",
      object: "checkout.session",
      mode: "setup",
      status: "complete",
      metadata: { workspaceId },
    });
    expect(await deliver(setup, handlers)).toMatchObject({ status: 200, body: { outcome: "processed" } });
    expect(setups).toEqual([{ workspaceId, sessionId: "cs_test_setup" }]);

    const payment = stripeEvent("checkout.session.completed", {
      id: "cs_test_pay",
      object: "checkout.session",
      mode: "payment",
      metadata: { workspaceId },
    });
    expect(await deliver(payment, handlers)).toMatchObject({ status: 200, body: { outcome: "ignored" } });
    expect(setups).toHaveLength(1);
  });

  describe("events out of order", () => {
    /** A customer whose card was saved through Checkout from a Stripe test payment method. */
    async function customerWithCard(testPaymentMethod: string) {
      const workspaceId = randomUUID();
      const customerId = await gateway.ensureCustomer({ workspaceId, name: "Acme", email: null });
      const session = await gateway.createSetupSession({
        customerId,
        workspaceId,
        successUrl: "http://app.test/ok",
        cancelUrl: "http://app.test/",
      });
      return { workspaceId, customerId, cardId: stub.completeSetupSession(session.id, testPaymentMethod) };
    }

    /** What the route does: re-read the PaymentIntent from Stripe and settle on that (a final state sticks, as in applyChargeResult). */
    function settlingHandlers() {
      const seen: ChargeStatus[] = [];
      const settled = new Map<string, ChargeStatus>();
      const handlers: WebhookHandlers = {
        async paymentIntent({ paymentId, externalId }) {
          const current = await gateway.retrieveCharge(externalId);
          seen.push(current.status);
          const before = settled.get(paymentId);
          if (before !== "succeeded" && before !== "failed") settled.set(paymentId, current.status);
        },
        async setupCompleted() {},
      };
      return { handlers, seen, settled };
    }

    async function chargeAt(customer: { workspaceId: string; customerId: string; cardId: string }) {
      const paymentId = randomUUID();
      const result = await gateway.charge({
        customerId: customer.customerId,
        paymentMethodId: customer.cardId,
        amountCents: 2_000,
        idempotencyKey: `payment:${paymentId}`,
        description: "Meterdesk top-up",
        metadata: { workspaceId: customer.workspaceId, paymentId },
      });
      return { paymentId, intent: stub.get(result.externalId!)! };
    }

    it("a payment_failed and a processing event arriving after succeeded leave the payment succeeded", async () => {
      const customer = await customerWithCard("pm_card_visa");
      const { paymentId, intent } = await chargeAt(customer);
      const { handlers, seen, settled } = settlingHandlers();
      const created = seconds(T0);
      // What the events said when they were sent, oldest first; delivered newest first.
      const processing = stripeEvent("payment_intent.processing", { ...intent, status: "processing" }, { created: created - 20 });
      const failed = stripeEvent(
        "payment_intent.payment_failed",
        { ...intent, status: "requires_payment_method", last_payment_error: { code: "card_declined", decline_code: "generic_decline" } },
        { created: created - 10 },
      );
      const succeeded = stripeEvent("payment_intent.succeeded", intent, { created });

      for (const event of [succeeded, failed, processing]) {
        expect(await deliver(event, handlers)).toMatchObject({ status: 200, body: { outcome: "processed" } });
      }
      // Every delivery re-read Stripe: none believed the stale status in its own body.
      expect(seen).toEqual(["succeeded", "succeeded", "succeeded"]);
      expect(settled.get(paymentId)).toBe("succeeded");
    });

    it("a late processing event after a decline leaves the payment failed", async () => {
      const customer = await customerWithCard("pm_card_chargeDeclined");
      const { paymentId, intent } = await chargeAt(customer);
      expect(intent.status).toBe("requires_payment_method");
      const { handlers, seen, settled } = settlingHandlers();
      const failed = stripeEvent("payment_intent.payment_failed", intent, { created: seconds(T0) });
      const processing = stripeEvent(
        "payment_intent.processing",
        { ...intent, status: "processing", last_payment_error: null },
        { created: seconds(T0) - 5 },
      );

      await deliver(failed, handlers);
      await deliver(processing, handlers);
      expect(seen).toEqual(["failed", "failed"]);
      expect(settled.get(paymentId)).toBe("failed");
    });

    it("an event that arrives before Stripe's state moved on is settled again by the next one", async () => {
      const customer = await customerWithCard("pm_card_authenticationRequired");
      const { paymentId, intent } = await chargeAt(customer);
      const { handlers, seen, settled } = settlingHandlers();

      await deliver(stripeEvent("payment_intent.requires_action", intent), handlers);
      expect(settled.get(paymentId)).toBe("requires_action");
      // The customer finishes 3-D Secure; Stripe sends succeeded.
      stub.setPaymentIntent(intent.id, { status: "succeeded", next_action: null, last_payment_error: null });
      await deliver(stripeEvent("payment_intent.succeeded", stub.get(intent.id)!), handlers);
      expect(seen).toEqual(["requires_action", "succeeded"]);
      expect(settled.get(paymentId)).toBe("succeeded");
    });
  });
});
