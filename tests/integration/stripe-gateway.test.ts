// The Stripe gateway (R7, R8.3, R13) with the real `stripe` SDK against a
// local stub of Stripe's API (tests/helpers/stripe-stub.ts): one Customer per
// workspace, Checkout in setup mode, the Customer Portal, off-session
// PaymentIntents (success, decline, insufficient funds, authentication
// required), and an idempotency key on every POST.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectionFor, STRIPE_API_VERSION, StripeGateway } from "@/lib/payments/stripe";
import type { ChargeRequest } from "@/lib/payments/gateway";
import { startStripeStub, STUB_SECRET_KEY, type StripeStub } from "../helpers/stripe-stub";

describe("Stripe gateway against the stub", () => {
  let stub: StripeStub;
  let gateway: StripeGateway;

  beforeAll(async () => {
    stub = await startStripeStub();
    gateway = new StripeGateway({ secretKey: STUB_SECRET_KEY, apiBase: stub.url });
  });

  afterAll(async () => {
    await stub?.close();
  });

  const requestsSince = (start: number) => stub.requests.slice(start);

  /** A workspace's customer with a card saved through Checkout from a Stripe test payment method. */
  async function customerWithCard(testPaymentMethod: string) {
    const workspaceId = randomUUID();
    const customerId = await gateway.ensureCustomer({ workspaceId, name: "Acme", email: "owner@acme.test" });
    const session = await gateway.createSetupSession({
      customerId,
      workspaceId,
      successUrl: "http://app.test/w/acme/credits?card=saved",
      cancelUrl: "http://app.test/w/acme/credits",
    });
    const cardId = stub.completeSetupSession(session.id, testPaymentMethod);
    return { workspaceId, customerId, cardId };
  }

  const chargeOf = (
    customer: { workspaceId: string; customerId: string; cardId: string },
    overrides: Partial<ChargeRequest> = {},
  ): ChargeRequest => {
    const paymentId = randomUUID();
    return {
      customerId: customer.customerId,
      paymentMethodId: customer.cardId,
      amountCents: 2_000,
      idempotencyKey: `payment:${paymentId}`,
      description: "Meterdesk top-up",
      metadata: { workspaceId: customer.workspaceId, paymentId },
      ...overrides,
    };
  };

  it("points the SDK at STRIPE_API_BASE and pins the SDK's API version", async () => {
    expect(connectionFor("http://127.0.0.1:4010")).toEqual({ host: "127.0.0.1", port: "4010", protocol: "http" });
    expect(connectionFor("https://api.example.test")).toEqual({ host: "api.example.test", port: 443, protocol: "https" });
    expect(connectionFor(undefined)).toEqual({});
    const start = stub.requests.length;
    await gateway.ensureCustomer({ workspaceId: randomUUID(), name: "Pinned", email: null });
    expect(requestsSince(start).map((request) => request.stripeVersion)).toEqual([STRIPE_API_VERSION]);
  });

  it("creates one Customer per workspace, keyed by the workspace id", async () => {
    const workspaceId = randomUUID();
    const start = stub.requests.length;
    const first = await gateway.ensureCustomer({ workspaceId, name: "Acme", email: "owner@acme.test" });
    const again = await gateway.ensureCustomer({ workspaceId, name: "Acme", email: "owner@acme.test" });
    const other = await gateway.ensureCustomer({ workspaceId: randomUUID(), name: "Other", email: null });

    expect(first).toMatch(/^cus_/);
    expect(again).toBe(first);
    expect(other).not.toBe(first);
    const calls = requestsSince(start);
    expect(calls.map((call) => [call.method, call.path, call.replayed])).toEqual([
      ["POST", "/v1/customers", false],
      ["POST", "/v1/customers", true],
      ["POST", "/v1/customers", false],
    ]);
    expect(calls[0]!.idempotencyKey).toBe(`customer:${workspaceId}`);
    expect(calls[0]!.params).toEqual({ name: "Acme", email: "owner@acme.test", metadata: { workspaceId } });
    expect(
      stub.list("customer").filter((customer) => (customer.metadata as { workspaceId?: string }).workspaceId === workspaceId),
    ).toHaveLength(1);
  });

  it("saves a card through Checkout in setup mode and makes it the customer's default", async () => {
    const workspaceId = randomUUID();
    const customerId = await gateway.ensureCustomer({ workspaceId, name: "Acme", email: null });
    const start = stub.requests.length;
    const session = await gateway.createSetupSession({
      customerId,
      workspaceId,
      successUrl: "http://app.test/w/acme/credits?card=saved",
      cancelUrl: "http://app.test/w/acme/credits",
    });

    expect(session.id).toMatch(/^cs_test_/);
    expect(session.url).toBe(`${stub.url}/c/pay/${session.id}`);
    const [create] = requestsSince(start);
    expect(create!.path).toBe("/v1/checkout/sessions");
    expect(create!.idempotencyKey).toMatch(new RegExp(`^setup-session:${workspaceId}:`));
    expect(create!.params).toMatchObject({
      mode: "setup",
      customer: customerId,
      currency: "usd",
      allowed_payment_method_types: ["card"],
      success_url: "http://app.test/w/acme/credits?card=saved&session_id={CHECKOUT_SESSION_ID}",
      cancel_url: "http://app.test/w/acme/credits",
      metadata: { workspaceId },
    });

    // Not finished yet: no card.
    expect(await gateway.setupSessionCard(session.id)).toBeNull();
    expect(stub.get(customerId)!.invoice_settings).toMatchObject({ default_payment_method: null });

    const cardId = stub.completeSetupSession(session.id, "pm_card_visa");
    const card = await gateway.setupSessionCard(session.id);
    expect(card).toEqual({ id: cardId, brand: "visa", last4: "4242", expMonth: 12, expYear: expect.any(Number) });
    expect(stub.get(customerId)!.invoice_settings).toMatchObject({ default_payment_method: cardId });

    const retrieve = requestsSince(start).find(
      (request) => request.method === "GET" && request.path === `/v1/checkout/sessions/${session.id}`,
    );
    expect(retrieve!.params).toEqual({ expand: ["setup_intent.payment_method"] });
    const setDefault = requestsSince(start).find((request) => request.path === `/v1/customers/${customerId}`);
    expect(setDefault!.idempotencyKey).toBe(`default-card:${session.id}`);
  });

  it("keeps a success URL that already asks for the session id", async () => {
    const workspaceId = randomUUID();
    const customerId = await gateway.ensureCustomer({ workspaceId, name: "Acme", email: null });
    const start = stub.requests.length;
    await gateway.createSetupSession({
      customerId,
      workspaceId,
      successUrl: "http://app.test/done?s={CHECKOUT_SESSION_ID}",
      cancelUrl: "http://app.test/",
    });
    expect(requestsSince(start)[0]!.params.success_url).toBe("http://app.test/done?s={CHECKOUT_SESSION_ID}");
  });

  it("opens a Customer Portal session that returns to our page", async () => {
    const customerId = await gateway.ensureCustomer({ workspaceId: randomUUID(), name: "Acme", email: null });
    const start = stub.requests.length;
    const url = await gateway.portalUrl({ customerId, returnUrl: "http://app.test/w/acme/credits" });
    expect(url).toMatch(new RegExp(`^${stub.url}/p/session/bps_`));
    const [call] = requestsSince(start);
    expect(call!.path).toBe("/v1/billing_portal/sessions");
    expect(call!.params).toEqual({ customer: customerId, return_url: "http://app.test/w/acme/credits" });
    expect(call!.idempotencyKey).toMatch(new RegExp(`^portal:${customerId}:`));
  });

  it("charges off-session with our idempotency key; the same key again is the same PaymentIntent", async () => {
    const customer = await customerWithCard("pm_card_visa");
    const request = chargeOf(customer);
    const start = stub.requests.length;
    const result = await gateway.charge(request);
    const again = await gateway.charge(request);

    expect(result).toEqual({ status: "succeeded", externalId: expect.stringMatching(/^pi_/) });
    expect(again).toEqual(result);
    const calls = requestsSince(start);
    expect(calls.map((call) => [call.path, call.idempotencyKey, call.replayed])).toEqual([
      ["/v1/payment_intents", request.idempotencyKey, false],
      ["/v1/payment_intents", request.idempotencyKey, true],
    ]);
    expect(calls[0]!.params).toEqual({
      amount: "2000",
      currency: "usd",
      customer: customer.customerId,
      payment_method: customer.cardId,
      off_session: "true",
      confirm: "true",
      description: "Meterdesk top-up",
      metadata: request.metadata,
    });
    const intents = stub
      .list("payment_intent")
      .filter((intent) => (intent.metadata as { paymentId?: string }).paymentId === request.metadata.paymentId);
    expect(intents).toHaveLength(1);
    expect(intents[0]).toMatchObject({ amount: 2_000, status: "succeeded", customer: customer.customerId });
  });

  it("a lost answer is retried by the SDK with the same key: one PaymentIntent, one charge", async () => {
    const customer = await customerWithCard("pm_card_visa");
    const request = chargeOf(customer);
    stub.dropResponses(1);
    const start = stub.requests.length;
    const result = await gateway.charge(request);

    expect(result.status).toBe("succeeded");
    const calls = requestsSince(start);
    expect(calls.map((call) => [call.idempotencyKey, call.replayed])).toEqual([
      [request.idempotencyKey, false],
      [request.idempotencyKey, true],
    ]);
    expect(
      stub.list("payment_intent").filter((intent) => (intent.metadata as { paymentId?: string }).paymentId === request.metadata.paymentId),
    ).toHaveLength(1);
  });

  it("a declined card is a failed result with Stripe's code, not an exception", async () => {
    const customer = await customerWithCard("pm_card_chargeDeclined");
    const result = await gateway.charge(chargeOf(customer));
    expect(result).toEqual({
      status: "failed",
      externalId: expect.stringMatching(/^pi_/),
      failureCode: "card_declined",
      failureMessage: "Your card was declined.",
    });
    // Re-read later (a webhook, the reconciliation): the same answer.
    expect(await gateway.retrieveCharge(result.externalId!)).toEqual(result);
  });

  it("insufficient funds is reported with the issuer's decline code", async () => {
    const customer = await customerWithCard("pm_card_chargeDeclinedInsufficientFunds");
    const result = await gateway.charge(chargeOf(customer, { amountCents: 1_000_000 }));
    expect(result).toMatchObject({
      status: "failed",
      failureCode: "insufficient_funds",
      failureMessage: "Your card has insufficient funds.",
    });
    expect(result.externalId).toMatch(/^pi_/);
  });

  it("authentication_required waits for the customer: requires_action, and a link when Stripe gives one", async () => {
    const customer = await customerWithCard("pm_card_authenticationRequired");
    const result = await gateway.charge(chargeOf(customer));
    expect(result).toMatchObject({ status: "requires_action", failureCode: "authentication_required" });
    expect(result.externalId).toMatch(/^pi_/);
    // No redirect page from Stripe: the caller builds the link to finish.
    expect(result.actionUrl).toBeUndefined();

    stub.setPaymentIntent(result.externalId!, {
      next_action: {
        type: "redirect_to_url",
        redirect_to_url: { url: "https://hooks.example.test/3ds/abc", return_url: "http://app.test/" },
      },
    });
    expect(await gateway.retrieveCharge(result.externalId!)).toEqual({
      status: "requires_action",
      externalId: result.externalId,
      failureCode: "authentication_required",
      actionUrl: "https://hooks.example.test/3ds/abc",
    });

    // The customer finished 3-D Secure.
    stub.setPaymentIntent(result.externalId!, { status: "succeeded", next_action: null });
    expect(await gateway.retrieveCharge(result.externalId!)).toEqual({ status: "succeeded", externalId: result.externalId });
  });

  it("retrieveCharge reads Stripe's state: processing, failed with the last error, authentication left to the customer", async () => {
    const customer = await customerWithCard("pm_card_visa");
    const { externalId } = await gateway.charge(chargeOf(customer));
    stub.setPaymentIntent(externalId!, { status: "processing" });
    expect(await gateway.retrieveCharge(externalId!)).toEqual({ status: "processing", externalId });

    stub.setPaymentIntent(externalId!, {
      status: "requires_payment_method",
      last_payment_error: { type: "card_error", code: "card_declined", decline_code: "lost_card", message: "Your card was declined." },
    });
    expect(await gateway.retrieveCharge(externalId!)).toEqual({
      status: "failed",
      externalId,
      failureCode: "lost_card",
      failureMessage: "Your card was declined.",
    });

    // What Stripe reports for an off-session charge that needs 3-D Secure: not a decline.
    stub.setPaymentIntent(externalId!, {
      status: "requires_payment_method",
      last_payment_error: {
        type: "card_error",
        code: "authentication_required",
        decline_code: "authentication_required",
        message: "Authenticate.",
      },
    });
    expect(await gateway.retrieveCharge(externalId!)).toMatchObject({ status: "requires_action", failureCode: "authentication_required" });

    stub.setPaymentIntent(externalId!, { status: "canceled", last_payment_error: null });
    expect(await gateway.retrieveCharge(externalId!)).toMatchObject({ status: "failed", failureCode: "canceled" });
  });

  it("a card that no longer exists is a failure no retry fixes", async () => {
    const customer = await customerWithCard("pm_card_visa");
    const result = await gateway.charge(chargeOf(customer, { paymentMethodId: "pm_gone" }));
    expect(result).toMatchObject({ status: "failed", externalId: null, failureCode: "resource_missing" });
  });

  it("network errors are thrown, not taken for a decline", async () => {
    const closed = await startStripeStub();
    const unreachable = new StripeGateway({ secretKey: STUB_SECRET_KEY, apiBase: closed.url });
    await closed.close();
    await expect(unreachable.retrieveCharge("pi_123")).rejects.toMatchObject({ type: "StripeConnectionError" });
    const wrongKey = new StripeGateway({ secretKey: "sk_test_wrong", apiBase: stub.url });
    await expect(wrongKey.ensureCustomer({ workspaceId: randomUUID(), name: "x", email: null })).rejects.toMatchObject({
      type: "StripeAuthenticationError",
    });
  }, 20_000);

  it("every POST carried an idempotency key of ours (none left to the SDK's random ones)", () => {
    const posts = stub.requests.filter((request) => request.method === "POST");
    expect(posts.length).toBeGreaterThan(10);
    for (const post of posts) {
      expect(post.idempotencyKey, `${post.path}`).toMatch(/^(customer|setup-session|default-card|portal|payment):/);
    }
  });
});
