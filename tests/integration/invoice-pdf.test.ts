// R8.2 invoice PDF: the downloaded file says what the invoice says. A real
// invoice is created, loaded, rendered and parsed back with pdfjs; its number,
// every line with its amount, and the total it prints are checked against the
// invoice's own rows. The download route answers only the workspace's members.
import fs from "node:fs";
import path from "node:path";
import { getDocument } from "pdfjs-dist/legacy/build/pdf.mjs";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { SessionUser } from "@/lib/auth/access";
import { discountLine, flexLine, packageLine, planFeeLine, topUpLine, type InvoiceLineDraft } from "@/lib/billing/invoice-lines";
import { addMember, createUser } from "@/lib/db/accounts";
import { createInvoice, markInvoicePaid } from "@/lib/db/invoices";
import { invoiceDocument } from "@/lib/db/queries/invoice-document";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { renderInvoicePdf, type InvoiceFontFiles } from "@/lib/invoices/pdf";
import { formatCents } from "@/lib/money";
import { loadCatalog, makeWorkspace } from "../helpers/factories";
import { createTestDatabase, type TestDatabase } from "../helpers/test-db";

// The route reads the session and the app's database; here they are the test's.
const state = vi.hoisted(() => ({ prisma: null as PrismaClient | null, user: null as SessionUser | null }));
vi.mock("@/lib/auth/session", () => ({ readSession: async () => state.user }));
vi.mock("@/lib/db", async (importOriginal) => ({
  ...(await importOriginal<typeof import("@/lib/db")>()),
  db: async () => state.prisma!,
}));

const { GET } = await import("@/app/(dashboard)/w/[slug]/invoices/[number]/pdf/route");

const NOW = new Date("2026-12-14T09:00:00Z");
const PERIOD_START = new Date("2026-11-14T00:00:00Z");
const PERIOD_END = new Date("2026-12-14T00:00:00Z");

// A TrueType font with "→", "−", "–" and accents, to exercise the embedded-font
// path whatever font package the app has installed (pdfjs-dist ships Liberation Sans).
const standardFonts = path.join(process.cwd(), "node_modules/pdfjs-dist/standard_fonts/");
const liberation: InvoiceFontFiles = {
  regular: fs.readFileSync(path.join(standardFonts, "LiberationSans-Regular.ttf")),
  bold: fs.readFileSync(path.join(standardFonts, "LiberationSans-Bold.ttf")),
};

/** The PDF's text, page by page, each with its runs joined by single spaces. */
async function pdfPages(bytes: Uint8Array): Promise<string[]> {
  // pdfjs takes the buffer over; hand it a copy.
  const pdf = await getDocument({ data: new Uint8Array(bytes), standardFontDataUrl: standardFonts, isEvalSupported: false }).promise;
  try {
    const pages: string[] = [];
    for (let n = 1; n <= pdf.numPages; n += 1) {
      const content = await (await pdf.getPage(n)).getTextContent();
      pages.push(
        content.items
          .map((item) => ("str" in item ? item.str : ""))
          .join(" ")
          .replace(/\s+/g, " ")
          .trim(),
      );
    }
    return pages;
  } finally {
    await pdf.destroy();
  }
}

/** The text of a PDF that must fit on one page. */
async function onePageText(bytes: Uint8Array): Promise<string> {
  const pages = await pdfPages(bytes);
  expect(pages).toHaveLength(1);
  return pages[0]!;
}

/** "$1,234.56" → 123456, "-$5.00" → -500 (exact, no float). */
function parseDollars(text: string): number {
  const match = /^(-?)\$(\d{1,3}(?:,\d{3})*)\.(\d{2})$/.exec(text);
  if (!match) throw new Error(`not a dollar amount: ${text}`);
  const cents = Number(match[2]!.replaceAll(",", "")) * 100 + Number(match[3]);
  return match[1] ? -cents : cents;
}

describe("invoice PDF (R8.2)", () => {
  let database: TestDatabase;
  let invoices = 0;

  beforeAll(async () => {
    database = await createTestDatabase();
    state.prisma = database.prisma;
    await loadCatalog(database.prisma);
  }, 60_000);

  afterAll(async () => {
    await database?.close();
  });

  async function workspaceWithInvoice(lines: InvoiceLineDraft[], options: { paidRef?: string } = {}) {
    const workspace = await makeWorkspace(database.prisma, { now: NOW });
    const invoice = await database.prisma.$transaction(async (tx) => {
      const created = await createInvoice(tx, {
        workspaceId: workspace.id,
        kind: "PLAN_FEE",
        lines,
        idempotencyKey: `pdf-test:${(invoices += 1)}`,
        at: NOW,
        periodStart: PERIOD_START,
        periodEnd: PERIOD_END,
        dueDays: 7,
      });
      if (options.paidRef)
        await markInvoicePaid(tx, { workspaceId: workspace.id, invoiceId: created.id, at: NOW, paymentRef: options.paidRef });
      return created;
    });
    return { workspace, invoice };
  }

  const fee = planFeeLine({ planName: "Growth", periodStart: PERIOD_START, periodEnd: PERIOD_END, feeCents: 30_000, timing: "arrears" });
  const flex = flexLine(155_419_999n);
  const pkg = packageLine({
    packageName: "100,000 predict · 1 month",
    startsAt: PERIOD_START,
    expiresAt: PERIOD_END,
    priceCents: 4_900,
  });
  const topUp = topUpLine(2_000, 40_000_000n);
  const discount = discountLine("goodwill for the outage on Dec 2", 1_250);

  it("prints the number, every line with its amount, and the invoice's total", async () => {
    const { workspace, invoice } = await workspaceWithInvoice([fee, flex, pkg, topUp, discount]);
    const rows = await database.prisma.invoice.findUniqueOrThrow({
      where: { workspaceId_number: { workspaceId: workspace.id, number: invoice.number } },
      select: { totalCents: true, subtotalCents: true, discountCents: true, lines: { orderBy: { position: "asc" } } },
    });
    // The invoice itself: $300 + $77.70 + $49 + $20 − $12.50.
    expect(rows.totalCents).toBe(43_420);
    expect(rows.lines).toHaveLength(5);

    const document = await invoiceDocument(database.prisma, workspace.id, invoice.number);
    expect(document).not.toBeNull();
    const text = await onePageText(await renderInvoicePdf(document!, { fonts: liberation }));

    expect(text).toContain(invoice.number);
    expect(text).toContain(workspace.name);
    expect(text).toContain("Open");
    for (const line of rows.lines) {
      expect(text).toContain(line.description);
      expect(text).toContain(formatCents(line.amountCents));
    }
    // Charges print in the invoice's order, the discount under the subtotal.
    const positions = rows.lines.map((line) => text.indexOf(line.description));
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
    expect(text).toContain(`Subtotal ${formatCents(rows.subtotalCents)}`);
    expect(text).not.toMatch(/\bR\d+\.\d+\b/); // never a rule number

    const printedTotal = /Total due (\S+)/.exec(text)?.[1];
    expect(printedTotal).toBe(formatCents(rows.totalCents));
    expect(parseDollars(printedTotal!)).toBe(rows.totalCents);
    // And it adds up: the subtotal less the discount lines.
    const printedLines = rows.lines.map((line) => parseDollars(formatCents(line.amountCents)));
    expect(printedLines.reduce((sum, cents) => sum + cents, 0)).toBe(parseDollars(printedTotal!));
  });

  it("says the same with the fonts the app uses by default", async () => {
    const { workspace, invoice } = await workspaceWithInvoice([fee, flex, discount], { paidRef: "pi_3TestPaymentRef" });
    const document = (await invoiceDocument(database.prisma, workspace.id, invoice.number))!;
    const text = await onePageText(await renderInvoicePdf(document));
    expect(text).toContain(invoice.number);
    expect(text).toContain("Paid");
    expect(text).toContain("pi_3TestPaymentRef");
    expect(text).toContain(fee.description);
    for (const line of document.lines) expect(text).toContain(formatCents(line.amountCents));
    expect(/Total paid (\S+)/.exec(text)?.[1]).toBe(formatCents(document.totalCents));
    expect(document.totalCents).toBe(30_000 + 7_770 - 1_250);
  });

  it("caps a discount larger than the charges at the subtotal, as the invoice does", async () => {
    const { workspace, invoice } = await workspaceWithInvoice([topUp, discountLine("all of it and more", 5_000)]);
    const document = (await invoiceDocument(database.prisma, workspace.id, invoice.number))!;
    expect(document).toMatchObject({ subtotalCents: 2_000, discountCents: 2_000, totalCents: 0, status: "PAID" });
    const text = await onePageText(await renderInvoicePdf(document, { fonts: liberation }));
    expect(text).toContain("all of it and more -$50.00");
    expect(text).toContain(`not applied ${formatCents(3_000)}`);
    expect(/Total paid (\S+)/.exec(text)?.[1]).toBe("$0.00");
  });

  it("runs onto more pages when the lines do not fit, with every line and the total", async () => {
    const many = Array.from({ length: 70 }, (_, i) => topUpLine(500 + i, BigInt(500 + i) * 20_000n, i % 2 === 0 ? "manual" : "auto"));
    const { workspace, invoice } = await workspaceWithInvoice(many);
    const document = (await invoiceDocument(database.prisma, workspace.id, invoice.number))!;
    const pages = await pdfPages(await renderInvoicePdf(document, { fonts: liberation }));
    expect(pages.length).toBeGreaterThan(1);
    const all = pages.join(" ");
    for (const line of many) expect(all).toContain(line.description);
    expect(pages.at(-1)).toContain(`Total due ${formatCents(document.totalCents)}`);
    expect(pages[1]).toContain(`Page 2 of ${pages.length}`);
    expect(pages[1]).toContain(`Invoice ${invoice.number}, continued`);
  });

  it.each([
    ["an embedded TrueType font", liberation],
    ["the standard PDF font", "standard"],
  ] as const)("prints a workspace name with –, é and an emoji in %s", async (_name, fonts) => {
    const { workspace, invoice } = await workspaceWithInvoice([fee]);
    await database.prisma.workspace.update({ where: { id: workspace.id }, data: { name: "Café – Ünïcødé 🚀 Labs" } });
    const document = (await invoiceDocument(database.prisma, workspace.id, invoice.number))!;
    expect(document.workspaceName).toBe("Café – Ünïcødé 🚀 Labs");
    const bytes = await renderInvoicePdf(document, { fonts });
    expect(Buffer.from(bytes.subarray(0, 5)).toString("latin1")).toBe("%PDF-");
    const text = await onePageText(bytes);
    expect(text).toContain("Café – Ünïcødé Labs");
    expect(text).toContain(formatCents(30_000));
  });

  describe("the download route", () => {
    async function get(slug: string, number: string) {
      return GET(new Request(`http://localhost/w/${slug}/invoices/${number}/pdf`), { params: Promise.resolve({ slug, number }) });
    }

    async function memberOf(workspaceId: string, role: "OWNER" | "VIEWER") {
      const email = `${role.toLowerCase()}-${(invoices += 1)}-${Date.now()}@pdf.test.dev`;
      const user = await database.prisma.$transaction(async (tx) => {
        const created = await createUser(tx, { email, name: "Member", passwordHash: null });
        await addMember(tx, workspaceId, created.id, role);
        return created;
      });
      return { id: user.id, email: user.email, name: user.name, staffRole: null } satisfies SessionUser;
    }

    it("sends a member the invoice as a PDF attachment that is never cached", async () => {
      const { workspace, invoice } = await workspaceWithInvoice([fee, discount]);
      for (const role of ["OWNER", "VIEWER"] as const) {
        state.user = await memberOf(workspace.id, role);
        const response = await get(workspace.slug, invoice.number);
        expect(response.status).toBe(200);
        expect(response.headers.get("content-type")).toBe("application/pdf");
        expect(response.headers.get("content-disposition")).toBe(`attachment; filename="${invoice.number}.pdf"`);
        expect(response.headers.get("cache-control")).toBe("private, no-store");
        const bytes = new Uint8Array(await response.arrayBuffer());
        expect(Buffer.from(bytes.subarray(0, 5)).toString("latin1")).toBe("%PDF-");
        const text = await onePageText(bytes);
        expect(text).toContain(invoice.number);
        expect(text).toContain(`Total due ${formatCents(invoice.totalCents)}`);
      }
    });

    it("answers 404 for another workspace's invoice, an unknown number and a non-member", async () => {
      const mine = await workspaceWithInvoice([fee]);
      const theirs = await workspaceWithInvoice([flex]);
      state.user = await memberOf(mine.workspace.id, "OWNER");
      const notFound = { digest: "NEXT_HTTP_ERROR_FALLBACK;404" };
      // Next.js's route handler turns notFound() into HTTP 404.
      await expect(get(mine.workspace.slug, theirs.invoice.number)).rejects.toMatchObject(notFound);
      await expect(get(mine.workspace.slug, "MD-999999")).rejects.toMatchObject(notFound);
      await expect(get(mine.workspace.slug, "%E0%A4%A")).rejects.toMatchObject(notFound);
      await expect(get(theirs.workspace.slug, theirs.invoice.number)).rejects.toMatchObject(notFound);
      // Their own member still gets it.
      state.user = await memberOf(theirs.workspace.id, "VIEWER");
      expect((await get(theirs.workspace.slug, theirs.invoice.number)).status).toBe(200);
    });

    it("sends a visitor who is not signed in to sign in", async () => {
      const { workspace, invoice } = await workspaceWithInvoice([fee]);
      state.user = null;
      await expect(get(workspace.slug, invoice.number)).rejects.toMatchObject({
        digest: expect.stringMatching(/^NEXT_REDIRECT;.*\/sign-in;/),
      });
    });
  });
});
