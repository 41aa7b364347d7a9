// The invoice PDF from a plain document: what it prints for each status, and
// that an embedded font really can draw the text (a text layer can be right
// while the glyphs are broken, so the glyph outlines are checked too).
import fs from "node:fs";
import path from "node:path";
import fontkit from "@pdf-lib/fontkit";
import { PDFDict, PDFDocument, PDFName, PDFRawStream, decodePDFRawStream } from "pdf-lib";
import { getDocument } from "pdfjs-dist/legacy/build/pdf.mjs";
import { describe, expect, it } from "vitest";
import { formatDate, formatDateRange } from "@/components/billing/dates";
import { formatCents } from "@/lib/money";
import { installedInvoiceFonts, renderInvoicePdf, type InvoiceDocument, type InvoiceFontFiles } from "./pdf";

const standardFonts = path.join(process.cwd(), "node_modules/pdfjs-dist/standard_fonts/");
const liberation: InvoiceFontFiles = {
  regular: fs.readFileSync(path.join(standardFonts, "LiberationSans-Regular.ttf")),
  bold: fs.readFileSync(path.join(standardFonts, "LiberationSans-Bold.ttf")),
};

const invoice: InvoiceDocument = {
  number: "MD-000417",
  kind: "FLEX",
  status: "OPEN",
  workspaceName: "Acme Vision",
  issuedAt: new Date("2026-12-14T00:00:00Z"),
  dueAt: new Date("2026-12-21T00:00:00Z"),
  paidAt: null,
  voidedAt: null,
  periodStart: new Date("2026-11-14T00:00:00Z"),
  periodEnd: new Date("2026-12-14T00:00:00Z"),
  lines: [
    {
      description: "Flex: 155,419,999 credits used in the period → $77.70, rounded down to the cent",
      quantity: 1n,
      credits: 155_419_999n,
      amountCents: 7_770,
    },
  ],
  subtotalCents: 7_770,
  discountCents: 0,
  totalCents: 7_770,
  paymentRef: null,
};

async function textOf(bytes: Uint8Array): Promise<string> {
  const pdf = await getDocument({ data: new Uint8Array(bytes), standardFontDataUrl: standardFonts, isEvalSupported: false }).promise;
  const runs: string[] = [];
  for (let n = 1; n <= pdf.numPages; n += 1) {
    for (const item of (await (await pdf.getPage(n)).getTextContent()).items) if ("str" in item) runs.push(item.str);
  }
  await pdf.destroy();
  return runs.join(" ").replace(/\s+/g, " ");
}

/** The TrueType files embedded in a PDF, parsed back with fontkit. */
async function embeddedFonts(bytes: Uint8Array) {
  const doc = await PDFDocument.load(bytes);
  const fonts = [];
  for (const [, object] of doc.context.enumerateIndirectObjects()) {
    if (!(object instanceof PDFDict) || object.get(PDFName.of("Type")) !== PDFName.of("FontDescriptor")) continue;
    const file = object.lookup(PDFName.of("FontFile2"));
    if (file instanceof PDFRawStream) fonts.push(fontkit.create(decodePDFRawStream(file).decode()));
  }
  return fonts;
}

// The font the app embeds when its font package is installed is checked too.
const installed = await installedInvoiceFonts();
const fontCases: [string, InvoiceFontFiles][] = [["Liberation Sans", liberation]];
if (installed) fontCases.push(["the installed Inter", installed]);

describe("renderInvoicePdf", () => {
  it("prints an open invoice's facts as the invoice page does", async () => {
    const text = await textOf(
      await renderInvoicePdf(invoice, { fonts: liberation, seller: { name: "Meterdesk", details: ["billing@meterdesk.test"] } }),
    );
    expect(text).toContain("Meterdesk billing@meterdesk.test");
    expect(text).toContain("Open");
    expect(text).toContain("Flex usage");
    expect(text).toContain(`Issued ${formatDate(invoice.issuedAt!)}`);
    expect(text).toContain(`Due ${formatDate(invoice.dueAt!)}`);
    expect(text.replace(/\s/g, " ")).toContain(`Period ${formatDateRange(invoice.periodStart!, invoice.periodEnd!).replace(/\s/g, " ")}`);
    expect(text).toContain("155,419,999");
    expect(text).toContain(`Total due ${formatCents(7_770)}`);
    expect(text).toContain("charged to the card on file");
    expect(text).not.toContain("Payment reference");
  });

  it("prints the payment reference of a paid invoice, and no due date", async () => {
    const paid = { ...invoice, status: "PAID" as const, paidAt: new Date("2026-12-15T00:00:00Z"), paymentRef: "pi_3PaidRef" };
    const text = await textOf(await renderInvoicePdf(paid, { fonts: "standard" }));
    expect(text).toContain(`Paid ${formatDate(paid.paidAt)}`);
    expect(text).toContain("Payment reference pi_3PaidRef");
    expect(text).toContain(`Total paid ${formatCents(7_770)}`);
    expect(text).not.toContain("Due ");
  });

  it("says a void invoice is void and owes nothing", async () => {
    const voided = { ...invoice, status: "VOID" as const, voidedAt: new Date("2026-12-16T00:00:00Z"), paymentRef: "never-shown" };
    const text = await textOf(await renderInvoicePdf(voided, { fonts: "standard" }));
    expect(text).toContain("Void");
    expect(text).toContain(`Voided ${formatDate(voided.voidedAt)}`);
    expect(text).toContain("nothing is due");
    expect(text).not.toContain("never-shown");
    expect(text).not.toContain("Total due");
  });

  it("draws with the standard font when asked, embedding no font file", async () => {
    const bytes = await renderInvoicePdf(invoice, { fonts: "standard" });
    expect(await embeddedFonts(bytes)).toEqual([]);
    // Helvetica has no "→": the flex line says "->" instead.
    expect(await textOf(bytes)).toContain("in the period -> $77.70");
  });

  it.each(fontCases)("embeds %s whole, with an outline for every character it prints", async (_name, fonts) => {
    const bytes = await renderInvoicePdf(invoice, { fonts });
    const embedded = await embeddedFonts(bytes);
    expect(embedded).toHaveLength(2);
    for (const font of embedded) {
      for (const char of "Invoice MD-000417 Total $77.70 → –") {
        if (char === " ") continue;
        const glyph = font.glyphForCodePoint(char.codePointAt(0)!);
        expect(glyph.id, `a glyph for ${char}`).toBeGreaterThan(0);
        // An empty or truncated outline has no area (or throws while it is read).
        const { width, height } = glyph.path.bbox;
        expect(width * height, `the outline of ${char}`).toBeGreaterThan(0);
      }
    }
    expect(await textOf(bytes)).toContain("in the period → $77.70");
  });
});
