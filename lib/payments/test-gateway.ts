import "server-only";

// The built-in test gateway of the embedded demo (R13). It behaves like
// Stripe test mode with Stripe's test card numbers and keeps its cards and
// charges in its own tables (TestGatewayCard, TestGatewayCharge), as Stripe
// keeps them on its side. The card form is a page of ours
// (/w/<slug>/credits/card); only brand, last four digits and expiry are kept.
import crypto from "node:crypto";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import type { ChargeRequest, ChargeResult, GatewayCard, PaymentGateway, SetupSession } from "./gateway";

export type CardBehaviour = "succeed" | "decline" | "insufficient_funds" | "authenticate";

/** Stripe's test numbers and what a charge of each does. */
export const TEST_CARDS: Record<string, { brand: string; behaviour: CardBehaviour }> = {
  "4242424242424242": { brand: "visa", behaviour: "succeed" },
  "5555555555554444": { brand: "mastercard", behaviour: "succeed" },
  "4000000000000002": { brand: "visa", behaviour: "decline" },
  "4000000000009995": { brand: "visa", behaviour: "insufficient_funds" },
  "4000002760003184": { brand: "visa", behaviour: "authenticate" },
};

export class TestCardError extends Error {}

/** Luhn check of a card number's digits. */
export function luhnValid(digits: string): boolean {
  if (!/^\d{12,19}$/.test(digits)) return false;
  let sum = 0;
  for (let i = 0; i < digits.length; i += 1) {
    let digit = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return sum % 10 === 0;
}

const SESSION_PREFIX = "tgss_";
const CARD_PREFIX = "tgpm_";

export const testCustomerId = (workspaceId: string) => `tgcus_${workspaceId}`;
const workspaceOfCustomer = (customerId: string) => customerId.replace(/^tgcus_/, "");

export class TestGateway implements PaymentGateway {
  readonly name = "test" as const;

  constructor(
    private readonly prisma: () => Promise<PrismaClient>,
    /** The app's own origin: the card form and the authentication page are pages of ours. */
    private readonly appUrl: () => string,
  ) {}

  async ensureCustomer(input: { workspaceId: string }): Promise<string> {
    return testCustomerId(input.workspaceId);
  }

  async createSetupSession(input: {
    customerId: string;
    workspaceId: string;
    successUrl: string;
    cancelUrl: string;
  }): Promise<SetupSession> {
    const id = `${SESSION_PREFIX}${crypto.randomBytes(12).toString("hex")}`;
    // The form lives beside the page the customer comes back to: /w/<slug>/credits → /w/<slug>/credits/card.
    const form = new URL(input.successUrl);
    form.pathname = `${form.pathname.replace(/\/$/, "")}/card`;
    form.search = new URLSearchParams({ session: id }).toString();
    return { id, url: form.toString() };
  }

  /**
   * What our card form does with the number typed in it: checks it like
   * Stripe test mode would and keeps brand, last four and expiry only.
   */
  async saveCard(input: {
    sessionId: string;
    customerId: string;
    number: string;
    expMonth: number;
    expYear: number;
    now: Date;
  }): Promise<GatewayCard> {
    if (!input.sessionId.startsWith(SESSION_PREFIX))
      throw new TestCardError("This card form has expired. Start again from the Credits page.");
    const digits = input.number.replace(/[\s-]/g, "");
    if (!luhnValid(digits)) throw new TestCardError("This card number is not valid. Check the digits and try again.");
    const known = TEST_CARDS[digits];
    if (!known) {
      throw new TestCardError("This demo only takes test cards: use 4242 4242 4242 4242, or 4000 0000 0000 0002 to see a decline.");
    }
    const endOfExpiry = Date.UTC(input.expYear, input.expMonth, 1);
    if (endOfExpiry <= input.now.getTime()) throw new TestCardError("This card has expired. Check the expiry date.");
    const prisma = await this.prisma();
    const id = CARD_PREFIX + input.sessionId.slice(SESSION_PREFIX.length);
    const card = { id, brand: known.brand, last4: digits.slice(-4), expMonth: input.expMonth, expYear: input.expYear };
    await prisma.testGatewayCard.upsert({
      where: { id },
      create: { ...card, customerId: input.customerId, behaviour: known.behaviour, createdAt: input.now },
      update: {},
    });
    return card;
  }

  async setupSessionCard(sessionId: string): Promise<GatewayCard | null> {
    if (!sessionId.startsWith(SESSION_PREFIX)) return null;
    const prisma = await this.prisma();
    const card = await prisma.testGatewayCard.findUnique({
      where: { id: CARD_PREFIX + sessionId.slice(SESSION_PREFIX.length) },
      select: { id: true, brand: true, last4: true, expMonth: true, expYear: true },
    });
    return card;
  }

  async portalUrl(): Promise<string | null> {
    return null;
  }

  async charge(request: ChargeRequest): Promise<ChargeResult> {
    const prisma = await this.prisma();
    const existing = await prisma.testGatewayCharge.findUnique({ where: { idempotencyKey: request.idempotencyKey } });
    if (existing) return this.result(existing);
    const card = await prisma.testGatewayCard.findUnique({ where: { id: request.paymentMethodId } });
    const id = `tgpi_${crypto.randomBytes(12).toString("hex")}`;
    let status = "succeeded";
    let failureCode: string | null = null;
    if (!card || card.customerId !== request.customerId) {
      status = "failed";
      failureCode = "resource_missing";
    } else if (card.behaviour === "decline") {
      status = "failed";
      failureCode = "card_declined";
    } else if (card.behaviour === "insufficient_funds") {
      status = "failed";
      failureCode = "insufficient_funds";
    } else if (card.behaviour === "authenticate") {
      status = "requires_action";
      failureCode = "authentication_required";
    }
    try {
      const created = await prisma.testGatewayCharge.create({
        data: {
          id,
          idempotencyKey: request.idempotencyKey,
          cardId: request.paymentMethodId,
          customerId: request.customerId,
          amountCents: request.amountCents,
          status,
          failureCode,
          createdAt: new Date(),
        },
      });
      return this.result(created);
    } catch (error) {
      // The same key charged at the same moment by another request: its charge is this one.
      const raced = await prisma.testGatewayCharge.findUnique({ where: { idempotencyKey: request.idempotencyKey } });
      if (raced) return this.result(raced);
      throw error;
    }
  }

  async retrieveCharge(externalId: string): Promise<ChargeResult> {
    const prisma = await this.prisma();
    const charge = await prisma.testGatewayCharge.findUniqueOrThrow({ where: { id: externalId } });
    return this.result(charge);
  }

  /** The authentication page's answer (what the bank's 3-D Secure page does at Stripe). */
  async completeAuthentication(externalId: string, approve: boolean): Promise<ChargeResult> {
    const prisma = await this.prisma();
    await prisma.testGatewayCharge.updateMany({
      where: { id: externalId, status: "requires_action" },
      data: approve ? { status: "succeeded", failureCode: null } : { status: "failed", failureCode: "authentication_failed" },
    });
    return this.retrieveCharge(externalId);
  }

  /** The workspace a test-gateway customer id belongs to. */
  static workspaceOf(customerId: string): string {
    return workspaceOfCustomer(customerId);
  }

  private result(charge: { id: string; status: string; failureCode: string | null }): ChargeResult {
    const messages: Record<string, string> = {
      card_declined: "Your card was declined.",
      insufficient_funds: "Your card has insufficient funds.",
      resource_missing: "The card on file could not be found.",
      authentication_failed: "The payment could not be authenticated.",
      authentication_required: "Your bank asks you to confirm this payment.",
    };
    const status = charge.status as ChargeResult["status"];
    return {
      status,
      externalId: charge.id,
      ...(charge.failureCode
        ? { failureCode: charge.failureCode, failureMessage: messages[charge.failureCode] ?? "The payment failed." }
        : {}),
      ...(status === "requires_action" ? { actionUrl: `${this.appUrl()}/pay/authenticate/${charge.id}` } : {}),
    };
  }
}
