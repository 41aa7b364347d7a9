import { describe, expect, it } from "vitest";
import {
  ALWAYS_SENT_NOTICE_KINDS,
  NOTICE_KINDS,
  OPTIONAL_NOTICE_KINDS,
  formatNoticeCredits,
  isNoticeKind,
  isOptionalNotice,
  renderNotice,
  type NoticeContext,
  type NoticeData,
  type NoticeKind,
} from "./notices";

const context: NoticeContext = {
  appUrl: "https://billing.example.com/",
  workspaceSlug: "acme",
  workspaceName: "Acme Labs",
  at: new Date("2027-03-03T10:00:00Z"),
};

const samples: { [K in NoticeKind]: NoticeData[K] } = {
  invoice_issued: { invoiceNumber: "INV-000042", totalCents: 123_450, cardLast4: "4242" },
  payment_succeeded: { amountCents: 4_900, invoiceNumber: "INV-000042" },
  payment_failed: { amountCents: 123_450, invoiceNumber: "INV-000042", reason: "Your card was declined.", nextAttemptAt: null },
  auto_top_up_succeeded: { amountCents: 2_000, credits: 40_000_000n, invoiceNumber: "INV-000043" },
  auto_top_up_declined: { amountCents: 2_000, reason: "Your card has insufficient funds." },
  low_balance: { prepaid: 1_234_567n, threshold: 10_000_000n },
  grace_ending: { graceEndsAt: new Date("2027-03-18T00:00:00Z"), overdueCents: 4_900 },
  retention_ending: { retentionEndsAt: new Date("2027-04-02T00:00:00Z"), overdueCents: 4_900 },
  package_expiring: { packageName: "Predict 1M", expiresAt: new Date("2027-03-06T00:00:00Z"), remainingOperations: 250_000n },
  included_usage: { percent: 80, used: 32_000_000n, allotment: 40_000_000n, resetsAt: new Date("2027-03-15T00:00:00Z") },
  flex_usage: { flexUsed: 30_000_001n, threshold: 30_000_000n, flexCents: 1_500 },
  spend_cap_reached: { capCents: 5_000, resetsAt: new Date("2027-03-15T00:00:00Z") },
};

function render<K extends NoticeKind>(kind: K, data: NoticeData[K] = samples[kind], extra: Partial<NoticeContext> = {}) {
  return renderNotice(kind, data, { ...context, ...extra });
}

describe("notice kinds", () => {
  it("the usage alerts and receipts are optional, the money and data-loss ones always go out", () => {
    expect([...OPTIONAL_NOTICE_KINDS].sort()).toEqual([
      "auto_top_up_succeeded",
      "flex_usage",
      "included_usage",
      "low_balance",
      "package_expiring",
    ]);
    expect([...ALWAYS_SENT_NOTICE_KINDS].sort()).toEqual([
      "auto_top_up_declined",
      "grace_ending",
      "invoice_issued",
      "payment_failed",
      "payment_succeeded",
      "retention_ending",
      "spend_cap_reached",
    ]);
    expect(OPTIONAL_NOTICE_KINDS.length + ALWAYS_SENT_NOTICE_KINDS.length).toBe(NOTICE_KINDS.length);
    expect(isOptionalNotice("payment_failed")).toBe(false);
    expect(isOptionalNotice("low_balance")).toBe(true);
    expect(isNoticeKind("low_balance")).toBe(true);
    expect(isNoticeKind("marketing")).toBe(false);
  });
});

describe("guardrail notices", () => {
  it("say how much of the included credits is used and when they renew", () => {
    const at80 = render("included_usage");
    expect(at80.subject).toBe("80% of the included credits of Acme Labs are used");
    expect(at80.summary).toBe("Acme Labs has used 32,000,000 credits of its 40,000,000 credits included this period.");
    expect(at80.text).toContain("renewed on March 15, 2027");
    const full = render("included_usage", { percent: 100, used: 40_000_000n, allotment: 40_000_000n });
    expect(full.subject).toBe("All the included credits of Acme Labs are used");
    expect(full.text).toContain("paid from packages, prepaid credits and flex");
    expect(full.linkPath).toBe("/usage");
  });

  it("give flex used and the cap in exact amounts, and link to the guardrails", () => {
    const flex = render("flex_usage");
    expect(flex.summary).toBe(
      "Acme Labs has used 30,000,001 credits of flex this period ($15.00 so far), above your alert level of 30,000,000 credits.",
    );
    const cap = render("spend_cap_reached");
    expect(cap.subject).toBe("Acme Labs reached its monthly spend cap of $50.00");
    expect(cap.text).toContain("refused until March 15, 2027, when the cap starts over, or until you raise the cap");
    expect(cap.text).toContain("https://billing.example.com/w/acme/settings#guardrails");
    expect(cap.text).not.toContain("Stop these emails");
  });
});

describe("renderNotice", () => {
  it("formats amounts exactly from integer cents", () => {
    const issued = render("invoice_issued");
    expect(issued.subject).toBe("Invoice INV-000042 for Acme Labs: $1,234.50");
    expect(issued.text).toContain("was issued on March 3, 2027 for $1,234.50.");
    expect(issued.text).toContain("It will be charged to the card ending in 4242.");

    expect(render("invoice_issued", { invoiceNumber: "INV-1", totalCents: 5 }).subject).toBe("Invoice INV-1 for Acme Labs: $0.05");
    // Beyond what a float holds exactly in dollars: still exact.
    expect(render("invoice_issued", { invoiceNumber: "INV-1", totalCents: 900_719_925_474_099 }).subject).toContain(
      "$9,007,199,254,740.99",
    );
  });

  it("refuses a fractional amount of cents", () => {
    expect(() => render("payment_failed", { amountCents: 12.5, reason: "x" })).toThrow(RangeError);
  });

  it("links to the page the notice is about", () => {
    expect(render("invoice_issued").text).toContain("View the invoice: https://billing.example.com/w/acme/invoices/INV-000042");
    expect(render("payment_failed").text).toContain("Pay the invoice: https://billing.example.com/w/acme/invoices/INV-000042");
    expect(render("low_balance").text).toContain("Buy credits: https://billing.example.com/w/acme/credits");
    expect(render("auto_top_up_declined").text).toContain("https://billing.example.com/w/acme/credits");
    expect(render("package_expiring").text).toContain("https://billing.example.com/w/acme/packages");
    expect(render("grace_ending").text).toContain("Pay now: https://billing.example.com/w/acme/invoices");
    // An invoice number is a path segment, encoded.
    expect(render("invoice_issued", { invoiceNumber: "A/1 2", totalCents: 100 }).text).toContain("/w/acme/invoices/A%2F1%202");
  });

  it("payment failed: the amount, the reason and what happens next", () => {
    const failed = render("payment_failed");
    expect(failed.subject).toBe("Payment failed for invoice INV-000042: $1,234.50");
    expect(failed.text).toContain("We could not charge $1,234.50 for invoice INV-000042 of Acme Labs on March 3, 2027.");
    expect(failed.text).toContain("Reason: Your card was declined.");
    expect(failed.text).toContain("We will not try this card again automatically.");

    const retried = render("payment_failed", {
      ...samples.payment_failed,
      nextAttemptAt: new Date("2027-03-04T10:00:00Z"),
      graceEndsAt: new Date("2027-03-18T10:00:00Z"),
    });
    expect(retried.text).toContain("We will try the card on file again on March 4, 2027.");
    expect(retried.text).toContain("until March 18, 2027");
  });

  it("top-up receipt: amount, credits with separators and the receipt", () => {
    const receipt = render("payment_succeeded", {
      amountCents: 2_000,
      credits: 40_000_000n,
      invoiceNumber: "INV-000044",
      cardLast4: "4242",
    });
    expect(receipt.subject).toBe("Payment received: $20.00 for prepaid credits");
    expect(receipt.text).toContain("We received your payment of $20.00 from the card ending in 4242 on March 3, 2027.");
    expect(receipt.text).toContain("40,000,000 credits were added to the prepaid balance of Acme Labs.");
    expect(receipt.text).toContain("View the receipt: https://billing.example.com/w/acme/invoices/INV-000044");

    const invoicePaid = render("payment_succeeded");
    expect(invoicePaid.subject).toBe("Payment received for invoice INV-000042: $49.00");
    expect(invoicePaid.text).toContain("Invoice INV-000042 of Acme Labs is now paid.");
  });

  it("balances and operations are shown exactly, with thousands separators", () => {
    const low = render("low_balance");
    expect(low.text).toContain("is 1,234,567 credits, below your alert level of 10,000,000 credits.");
    expect(render("package_expiring").text).toContain("250,000 operations are left");
    expect(render("package_expiring").subject).toBe('Your package "Predict 1M" for Acme Labs expires on March 6, 2027');
    expect(formatNoticeCredits(1n)).toBe("1 credit");
    expect(formatNoticeCredits(123_456_789_012_345_678n)).toBe("123,456,789,012,345,678 credits");
  });

  it("deletion warning says what is deleted, when, and what is kept", () => {
    const warning = render("retention_ending");
    expect(warning.subject).toContain("will be deleted on April 2, 2027");
    expect(warning.text).toContain("$49.00 overdue");
    expect(warning.text).toContain("Invoices and the audit trail are kept.");
  });

  it("optional notices carry the unsubscribe link and the settings page; money notices do not", () => {
    const url = "https://billing.example.com/unsubscribe?token=abc";
    const low = render("low_balance", samples.low_balance, { unsubscribeUrl: url });
    expect(low.text).toContain(`Stop these emails: ${url}`);
    expect(low.text).toContain("Choose which emails you receive: https://billing.example.com/w/acme/settings");
    const failed = render("payment_failed", samples.payment_failed, { unsubscribeUrl: url });
    expect(failed.text).not.toContain("unsubscribe");
    expect(failed.text).toContain("as an owner or billing admin of Acme Labs");
  });

  it.each(NOTICE_KINDS.map((kind) => ({ kind })))("$kind: plain words, no rule numbers, no undefined", ({ kind }) => {
    const { subject, text } = render(kind);
    for (const part of [subject, text]) {
      expect(part).not.toMatch(/\bR\d+(\.\d+)?\b/);
      expect(part).not.toMatch(/undefined|null|NaN|\[object/);
    }
    expect(subject.length).toBeLessThan(120);
    expect(text).toMatch(/^Hello,\n\n/);
    expect(text).toContain("https://billing.example.com/w/acme/");
  });

  it("without the event's instant, leaves the date out instead of inventing one", () => {
    expect(render("auto_top_up_declined", samples.auto_top_up_declined, { at: undefined }).text).toContain(
      "An auto top-up of $20.00 for Acme Labs was declined.",
    );
  });
});
