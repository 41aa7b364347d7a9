import "server-only";

// The invoice as a PDF (R8.2), drawn on the server with pdf-lib. It says what
// the invoice page says — the same lines, the same amounts through the same
// formatter (lib/money.ts), the same dates — so a download never disagrees
// with the page.
import { readFile } from "node:fs/promises";
import path from "node:path";
import fontkit from "@pdf-lib/fontkit";
import { PDFDocument, StandardFonts, rgb, type Color, type PDFFont, type PDFPage } from "pdf-lib";
import { formatDate, formatDateRange } from "@/components/billing/dates";
import { invoiceKindLabels, invoiceStatusLabels } from "@/components/billing/labels";
import type { InvoiceKind, InvoiceStatus } from "@/lib/generated/prisma/enums";
import { formatCents, formatCount } from "@/lib/money";
import { fitToCharacterSet, wrapText } from "./pdf-text";

export interface InvoiceDocumentLine {
  description: string;
  quantity: bigint;
  credits: bigint | null;
  /** Integer cents; a discount is negative. */
  amountCents: number;
}

/** Everything the PDF prints, as plain values (lib/db/queries/invoice-document.ts loads it). */
export interface InvoiceDocument {
  number: string;
  kind: InvoiceKind;
  status: InvoiceStatus;
  workspaceName: string;
  issuedAt: Date | null;
  dueAt: Date | null;
  paidAt: Date | null;
  voidedAt: Date | null;
  periodStart: Date | null;
  periodEnd: Date | null;
  lines: InvoiceDocumentLine[];
  subtotalCents: number;
  discountCents: number;
  totalCents: number;
  paymentRef: string | null;
}

/** TrueType files for the text and the headings. */
export interface InvoiceFontFiles {
  regular: Uint8Array;
  bold: Uint8Array;
}

export interface RenderInvoiceOptions {
  /** The fonts to embed; "standard" = Helvetica (WinAnsi only). Default: Inter when installed, else Helvetica. */
  fonts?: InvoiceFontFiles | "standard";
  /** Who issues the invoice: a name and lines under it (web address, billing email). */
  seller?: { name: string; details?: string[] };
}

const fontCache = globalThis as unknown as { __meterdeskInvoiceFonts?: Promise<InvoiceFontFiles | null> };

/**
 * Inter's TrueType files (pdf-lib embeds TTF/OTF, not the WOFF2 the pages use),
 * from the npm package that ships them, read once per process; null when that
 * package is not installed. Literal paths, so that the build traces only these files.
 */
export function installedInvoiceFonts(): Promise<InvoiceFontFiles | null> {
  fontCache.__meterdeskInvoiceFonts ??= Promise.all([
    readFile(path.join(process.cwd(), "node_modules/@expo-google-fonts/inter/400Regular/Inter_400Regular.ttf")),
    readFile(path.join(process.cwd(), "node_modules/@expo-google-fonts/inter/600SemiBold/Inter_600SemiBold.ttf")),
  ]).then(
    ([regular, bold]) => ({ regular, bold }),
    () => null,
  );
  return fontCache.__meterdeskInvoiceFonts;
}

// US Letter, in points.
const PAGE = { width: 612, height: 792 };
const MARGIN = 56;
const RIGHT = PAGE.width - MARGIN;
const FOOTER_Y = 36;
const BOTTOM = 72;

const INK = rgb(0.09, 0.1, 0.13);
const MUTED = rgb(0.42, 0.45, 0.5);
const RULE = rgb(0.85, 0.87, 0.9);
const statusColors: Record<InvoiceStatus, Color> = {
  DRAFT: MUTED,
  OPEN: rgb(0.11, 0.36, 0.8),
  PAID: rgb(0.05, 0.5, 0.28),
  VOID: MUTED,
  UNCOLLECTIBLE: rgb(0.75, 0.15, 0.15),
};

const statusNotes: Record<InvoiceStatus, string> = {
  DRAFT: "This invoice is a draft and has not been issued yet.",
  OPEN: "This amount is charged to the card on file. You can also pay it in your Meterdesk workspace.",
  PAID: "This invoice is paid. Thank you.",
  VOID: "This invoice was voided: nothing is due.",
  UNCOLLECTIBLE: "This invoice was marked as uncollectible.",
};

interface Fonts {
  regular: PDFFont;
  bold: PDFFont;
}

/** The invoice as PDF bytes: seller, bill-to, dates, the lines, the totals and how it was paid. */
export async function renderInvoicePdf(invoice: InvoiceDocument, options: RenderInvoiceOptions = {}): Promise<Uint8Array> {
  const doc = await PDFDocument.create({ updateMetadata: false });
  const seller = options.seller ?? { name: "Meterdesk" };
  const fonts = await embedFonts(doc, options.fonts === undefined ? await installedInvoiceFonts() : options.fonts);
  doc.setTitle(`Invoice ${invoice.number}`);
  doc.setAuthor(seller.name);
  doc.setCreator(seller.name);
  doc.setProducer(seller.name);
  doc.setLanguage("en-US");
  if (invoice.issuedAt) doc.setCreationDate(invoice.issuedAt);

  const pen = new Pen(doc, fonts);
  drawHeading(pen, invoice, seller);
  drawLines(pen, invoice);
  drawTotals(pen, invoice);
  drawFooters(doc, fonts, invoice, seller.name);
  return doc.save();
}

async function embedFonts(doc: PDFDocument, files: InvoiceFontFiles | "standard" | null): Promise<Fonts> {
  if (files && files !== "standard") {
    doc.registerFontkit(fontkit);
    // Whole fonts, not subsets: fontkit's subsetter truncates the glyphs of
    // Inter's TrueType files, so the text would extract but draw nothing.
    const [regular, bold] = await Promise.all([
      doc.embedFont(files.regular, { subset: false }),
      doc.embedFont(files.bold, { subset: false }),
    ]);
    return { regular, bold };
  }
  const [regular, bold] = await Promise.all([doc.embedFont(StandardFonts.Helvetica), doc.embedFont(StandardFonts.HelveticaBold)]);
  return { regular, bold };
}

// ---------------------------------------------------------------- drawing

interface TextStyle {
  size?: number;
  bold?: boolean;
  color?: Color;
}

/** Draws top-down on the current page and starts a new one when the next block does not fit. */
class Pen {
  page: PDFPage;
  y: number;
  private readonly characterSets = new Map<PDFFont, Set<number>>();

  constructor(
    private readonly doc: PDFDocument,
    readonly fonts: Fonts,
  ) {
    this.page = doc.addPage([PAGE.width, PAGE.height]);
    this.y = PAGE.height - MARGIN;
  }

  font(style: TextStyle): PDFFont {
    return style.bold ? this.fonts.bold : this.fonts.regular;
  }

  /** `text` with what the font cannot draw replaced, so that no name or description can break the PDF. */
  fit(text: string, style: TextStyle = {}): string {
    const font = this.font(style);
    let characters = this.characterSets.get(font);
    if (!characters) {
      characters = new Set(font.getCharacterSet());
      this.characterSets.set(font, characters);
    }
    const set = characters;
    return fitToCharacterSet(text, (codePoint) => set.has(codePoint));
  }

  width(text: string, style: TextStyle = {}): number {
    return this.font(style).widthOfTextAtSize(text, style.size ?? 10);
  }

  /** Text already fitted, its baseline at `y`. */
  text(text: string, x: number, y: number, style: TextStyle = {}): void {
    if (text === "") return;
    this.page.drawText(text, { x, y, size: style.size ?? 10, font: this.font(style), color: style.color ?? INK });
  }

  textRight(text: string, right: number, y: number, style: TextStyle = {}): void {
    this.text(text, right - this.width(text, style), y, style);
  }

  /** `text` fitted and wrapped to `maxWidth`. */
  wrap(text: string, maxWidth: number, style: TextStyle = {}): string[] {
    return wrapText(this.fit(text, style), (line) => this.width(line, style), maxWidth);
  }

  rule(y: number, from = MARGIN, to = RIGHT): void {
    this.page.drawLine({ start: { x: from, y }, end: { x: to, y }, thickness: 0.6, color: RULE });
  }

  /** Starts a new page when `height` more points do not fit above the footer; true if it did. */
  ensureRoom(height: number): boolean {
    if (this.y - height >= BOTTOM) return false;
    this.page = this.doc.addPage([PAGE.width, PAGE.height]);
    this.y = PAGE.height - MARGIN;
    return true;
  }
}

function drawHeading(pen: Pen, invoice: InvoiceDocument, seller: { name: string; details?: string[] }): void {
  const top = pen.y;
  // Seller, top left.
  pen.text(pen.fit(seller.name, { bold: true }), MARGIN, top - 16, { size: 18, bold: true });
  let left = top - 34;
  for (const detail of seller.details ?? []) {
    pen.text(pen.fit(detail), MARGIN, left, { size: 9, color: MUTED });
    left -= 12;
  }
  // Title, number and status, top right.
  pen.textRight("Invoice", RIGHT, top - 18, { size: 22, bold: true });
  pen.textRight(pen.fit(invoice.number), RIGHT, top - 36, { size: 11 });
  const status = invoiceStatusLabels[invoice.status].label;
  pen.textRight(pen.fit(status, { bold: true }), RIGHT, top - 52, { size: 11, bold: true, color: statusColors[invoice.status] });
  pen.y = Math.min(left, top - 52) - 30;

  // Bill to (left) and the invoice's facts (right).
  const factsX = 330;
  const valueX = 430;
  const blockTop = pen.y;
  pen.text("BILL TO", MARGIN, blockTop, { size: 8, bold: true, color: MUTED });
  let billY = blockTop - 16;
  for (const line of pen.wrap(invoice.workspaceName, factsX - MARGIN - 24, { size: 12, bold: true })) {
    pen.text(line, MARGIN, billY, { size: 12, bold: true });
    billY -= 15;
  }
  pen.text(pen.fit(invoiceKindLabels[invoice.kind]), MARGIN, billY - 2, { size: 10, color: MUTED });
  billY -= 17;

  let factY = blockTop;
  for (const [term, value] of invoiceFacts(invoice)) {
    pen.text(term, factsX, factY, { size: 9, color: MUTED });
    for (const line of pen.wrap(value, RIGHT - valueX, { size: 9 })) {
      pen.text(line, valueX, factY, { size: 9 });
      factY -= 13;
    }
    factY -= 2;
  }
  pen.y = Math.min(billY, factY) - 24;
}

/** The right-hand facts, as the invoice page shows them: issued, paid or due, period. */
function invoiceFacts(invoice: InvoiceDocument): [string, string][] {
  const facts: [string, string][] = [
    ["Invoice number", invoice.number],
    ["Status", invoiceStatusLabels[invoice.status].label],
    ["Issued", invoice.issuedAt ? formatDate(invoice.issuedAt) : "Not yet"],
  ];
  if (invoice.paidAt) facts.push(["Paid", formatDate(invoice.paidAt)]);
  else facts.push(["Due", invoice.dueAt ? formatDate(invoice.dueAt) : "—"]);
  if (invoice.voidedAt) facts.push(["Voided", formatDate(invoice.voidedAt)]);
  facts.push(["Period", invoice.periodStart && invoice.periodEnd ? formatDateRange(invoice.periodStart, invoice.periodEnd) : "—"]);
  if (invoice.status === "PAID" && invoice.paymentRef) facts.push(["Payment reference", invoice.paymentRef]);
  return facts;
}

// Table columns: description on the left, then (when any line has one) the
// quantity, the credits and the amount, right-aligned.
const AMOUNT_RIGHT = RIGHT;
const CREDITS_RIGHT = RIGHT - 78;
const QUANTITY_RIGHT = CREDITS_RIGHT - 88;
const LINE_HEIGHT = 13;
const ROW_PADDING = 7;

function drawLines(pen: Pen, invoice: InvoiceDocument): void {
  // Charges in the table; discounts (negative lines) go under the subtotal.
  const charges = invoice.lines.filter((line) => line.amountCents >= 0);
  const showQuantity = invoice.lines.some((line) => line.quantity !== 1n);
  const descriptionWidth = (showQuantity ? QUANTITY_RIGHT - 50 : CREDITS_RIGHT - 84) - MARGIN;

  const header = () => {
    pen.ensureRoom(24);
    pen.text("DESCRIPTION", MARGIN, pen.y, { size: 8, bold: true, color: MUTED });
    if (showQuantity) pen.textRight("QUANTITY", QUANTITY_RIGHT, pen.y, { size: 8, bold: true, color: MUTED });
    pen.textRight("CREDITS", CREDITS_RIGHT, pen.y, { size: 8, bold: true, color: MUTED });
    pen.textRight("AMOUNT", AMOUNT_RIGHT, pen.y, { size: 8, bold: true, color: MUTED });
    pen.rule(pen.y - 6);
    pen.y -= 6 + ROW_PADDING + 9;
  };
  header();

  if (charges.length === 0) {
    pen.text("No charges.", MARGIN, pen.y, { color: MUTED });
    pen.y -= LINE_HEIGHT + ROW_PADDING;
  }
  for (const line of charges) {
    const wrapped = pen.wrap(line.description, descriptionWidth);
    const height = wrapped.length * LINE_HEIGHT + ROW_PADDING;
    if (pen.ensureRoom(height)) {
      pen.text(pen.fit(`Invoice ${invoice.number}, continued`), MARGIN, pen.y, { size: 9, color: MUTED });
      pen.y -= 24;
      header();
    }
    const first = pen.y;
    wrapped.forEach((text, index) => pen.text(text, MARGIN, first - index * LINE_HEIGHT));
    if (showQuantity) pen.textRight(formatCount(line.quantity), QUANTITY_RIGHT, first, { color: MUTED });
    pen.textRight(line.credits === null ? "—" : formatCount(line.credits), CREDITS_RIGHT, first, { color: MUTED });
    pen.textRight(pen.fit(formatCents(line.amountCents)), AMOUNT_RIGHT, first);
    pen.y = first - (wrapped.length - 1) * LINE_HEIGHT - ROW_PADDING;
    pen.rule(pen.y + 2);
    pen.y -= ROW_PADDING + 9;
  }
}

const SUMMARY_LABEL_X = 300;
const SUMMARY_LABEL_WIDTH = CREDITS_RIGHT - SUMMARY_LABEL_X;

function drawTotals(pen: Pen, invoice: InvoiceDocument): void {
  const discounts = invoice.lines.filter((line) => line.amountCents < 0);
  const rows: { label: string; amount: string }[] = [{ label: "Subtotal", amount: formatCents(invoice.subtotalCents) }];
  for (const line of discounts) rows.push({ label: line.description, amount: formatCents(line.amountCents) });
  // A discount never takes the total below zero (invoiceTotals): say so when it was capped.
  const listed = discounts.reduce((sum, line) => sum - line.amountCents, 0);
  if (listed > invoice.discountCents) {
    rows.push({ label: "Discount beyond the subtotal, not applied", amount: formatCents(listed - invoice.discountCents) });
  } else if (discounts.length === 0 && invoice.discountCents > 0) {
    rows.push({ label: "Discount", amount: `−${formatCents(invoice.discountCents)}` });
  }

  const totalLabel = invoice.status === "PAID" ? "Total paid" : invoice.status === "OPEN" ? "Total due" : "Total";
  const wrappedRows = rows.map((row) => ({ ...row, labelLines: pen.wrap(row.label, SUMMARY_LABEL_WIDTH) }));
  const notes = [statusNotes[invoice.status], "Amounts are in US dollars."].map((note) => pen.wrap(note, RIGHT - MARGIN, { size: 9 }));
  // The totals and the notes under them go to the next page together when they do not fit.
  const rowsHeight = wrappedRows.reduce((sum, row) => sum + row.labelLines.length * LINE_HEIGHT + 6, 0);
  const notesHeight = notes.reduce((sum, lines) => sum + lines.length * 12, 0);
  pen.ensureRoom(Math.min(4 + rowsHeight + 50 + notesHeight, PAGE.height - MARGIN - BOTTOM));

  pen.y -= 4;
  for (const row of wrappedRows) {
    const height = row.labelLines.length * LINE_HEIGHT + 6;
    pen.ensureRoom(height);
    row.labelLines.forEach((text, index) => pen.text(text, SUMMARY_LABEL_X, pen.y - index * LINE_HEIGHT));
    pen.textRight(pen.fit(row.amount), AMOUNT_RIGHT, pen.y);
    pen.y -= height;
  }

  pen.ensureRoom(50);
  pen.rule(pen.y + 4, SUMMARY_LABEL_X, RIGHT);
  pen.y -= 14;
  pen.text(totalLabel, SUMMARY_LABEL_X, pen.y, { size: 12, bold: true });
  pen.textRight(pen.fit(formatCents(invoice.totalCents), { bold: true }), AMOUNT_RIGHT, pen.y, { size: 12, bold: true });
  pen.y -= 36;

  for (const lines of notes) {
    pen.ensureRoom(lines.length * 12);
    for (const text of lines) {
      pen.text(text, MARGIN, pen.y, { size: 9, color: MUTED });
      pen.y -= 12;
    }
  }
}

/** "Meterdesk · Invoice MD-000123" and "Page 1 of 2" at the foot of every page. */
function drawFooters(doc: PDFDocument, fonts: Fonts, invoice: InvoiceDocument, sellerName: string): void {
  const pages = doc.getPages();
  const characters = new Set(fonts.regular.getCharacterSet());
  const fit = (text: string) => fitToCharacterSet(text, (codePoint) => characters.has(codePoint));
  const left = fit(`${sellerName} · Invoice ${invoice.number}`);
  pages.forEach((page, index) => {
    page.drawLine({ start: { x: MARGIN, y: FOOTER_Y + 14 }, end: { x: RIGHT, y: FOOTER_Y + 14 }, thickness: 0.6, color: RULE });
    page.drawText(left, { x: MARGIN, y: FOOTER_Y, size: 8, font: fonts.regular, color: MUTED });
    const right = `Page ${index + 1} of ${pages.length}`;
    page.drawText(right, { x: RIGHT - fonts.regular.widthOfTextAtSize(right, 8), y: FOOTER_Y, size: 8, font: fonts.regular, color: MUTED });
  });
}
