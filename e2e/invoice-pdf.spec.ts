import fs from "node:fs/promises";
import path from "node:path";
import { expect, test, type Locator } from "@playwright/test";
import { getDocument } from "pdfjs-dist/legacy/build/pdf.mjs";
import { demo, signIn } from "./fixtures";

/** All the text of a PDF, its runs joined by single spaces. */
async function pdfText(bytes: Uint8Array): Promise<string> {
  const standardFontDataUrl = path.join(process.cwd(), "node_modules/pdfjs-dist/standard_fonts/");
  const pdf = await getDocument({ data: new Uint8Array(bytes), standardFontDataUrl, isEvalSupported: false }).promise;
  const runs: string[] = [];
  for (let n = 1; n <= pdf.numPages; n += 1) {
    const content = await (await pdf.getPage(n)).getTextContent();
    for (const item of content.items) if ("str" in item) runs.push(item.str);
  }
  await pdf.destroy();
  return runs.join(" ").replace(/\s+/g, " ");
}

/** Letters and digits only: a line's words, whichever font drew its dashes and arrows. */
const words = (text: string) => text.replace(/[^\p{L}\p{N}]+/gu, " ").trim();

async function cellTexts(row: Locator): Promise<string[]> {
  return (await row.getByRole("cell").allTextContents()).map((text) => text.trim());
}

test.describe("invoice PDF", () => {
  test("[BILLING][PDF] the owner downloads an invoice whose PDF has the page's lines and total", async ({ page }) => {
    await signIn(page, demo.owner);
    await page.getByRole("navigation", { name: "Workspace" }).getByRole("link", { name: "Invoices" }).click();
    const invoices = page.getByRole("table", { name: "Invoices" });
    const number = (await invoices.getByRole("link").first().textContent())?.trim() ?? "";
    expect(number).toMatch(/^MD-\d{6}$/);
    await invoices.getByRole("link", { name: number, exact: true }).click();
    await expect(page.getByRole("heading", { level: 1, name: `Invoice ${number}` })).toBeVisible();

    // What the page says: each line's description and amount, and the total.
    const rows = page.getByRole("table", { name: "Invoice lines" }).locator("tbody tr");
    const lines: { description: string; amount: string }[] = [];
    let total = "";
    for (const row of await rows.all()) {
      const cells = await cellTexts(row);
      const description = cells[0] ?? "";
      const amount = cells.at(-1) ?? "";
      if (description === "Total") total = amount;
      else if (description !== "Discount") lines.push({ description, amount });
    }
    expect(total).toMatch(/^\$[\d,]+\.\d{2}$/);
    expect(lines.length).toBeGreaterThan(0);

    const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "Download PDF" }).click()]);
    expect(download.suggestedFilename()).toBe(`${number}.pdf`);
    const bytes = await fs.readFile(await download.path());
    expect(bytes.subarray(0, 5).toString("latin1")).toBe("%PDF-");

    const text = await pdfText(bytes);
    expect(text).toContain(number);
    expect(text).toMatch(new RegExp(`Total (paid |due )?${total.replace(/[$.]/g, "\\$&")}`));
    for (const line of lines) {
      expect(text).toContain(line.amount);
      expect(words(text)).toContain(words(line.description));
    }
  });

  test("[BILLING][PDF] the PDF of another workspace's invoice is not found", async ({ page }) => {
    await signIn(page, demo.owner);
    await page.goto("/w/acme-vision/invoices");
    const number = (await page.getByRole("table", { name: "Invoices" }).getByRole("link").first().textContent())?.trim() ?? "";
    expect(number).toMatch(/^MD-\d{6}$/);
    const own = await page.request.get(`/w/acme-vision/invoices/${number}/pdf`);
    expect(own.status()).toBe(200);
    expect(own.headers()["content-type"]).toBe("application/pdf");
    expect(own.headers()["cache-control"]).toContain("no-store");

    await page.context().clearCookies();
    await signIn(page, demo.free);
    const theirs = await page.request.get(`/w/acme-vision/invoices/${number}/pdf`);
    expect(theirs.status()).toBe(404);
  });
});
