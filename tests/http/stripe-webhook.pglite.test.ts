import Stripe from "stripe";
import { describe, expect, inject, it } from "vitest";

// The webhook route exists in every configuration (issue 9): on the embedded
// default, with the built-in test gateway and no STRIPE_WEBHOOK_SECRET, every
// delivery is answered 400 — missing, bad or stale signature alike — and
// nothing is processed.
describe("POST /api/stripe/webhook on the embedded default (test gateway)", () => {
  const url = () => `${inject("pgliteBaseUrl")}/api/stripe/webhook`;
  const payload = JSON.stringify({ id: "evt_test_1", object: "event", type: "payment_intent.succeeded", data: { object: {} } });
  const signed = (secret: string, timestamp?: number) =>
    new Stripe("sk_test_unused").webhooks.generateTestHeaderString({ payload, secret, ...(timestamp ? { timestamp } : {}) });

  it.each([
    ["no signature", {}],
    ["a bad signature", { "stripe-signature": "t=1,v1=deadbeef" }],
    ["a signature with some secret", { "stripe-signature": signed("whsec_guess") }],
    ["a stale signature", { "stripe-signature": signed("whsec_guess", Math.floor(Date.now() / 1000) - 3600) }],
  ])("answers 400 to %s", async (_, headers) => {
    const response = await fetch(url(), { method: "POST", headers: { "content-type": "application/json", ...headers }, body: payload });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error?: string };
    expect(typeof body.error).toBe("string");
  });

  it("answers 405 to GET (the route takes deliveries only)", async () => {
    const response = await fetch(url());
    expect(response.status).toBe(405);
  });
});
