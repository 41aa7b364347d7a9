import { expect, test } from "@playwright/test";
import { demo, signIn } from "./fixtures";

test.describe("billing history", () => {
  test("[BILLING][INVOICES] the owner sees the plan fees in arrears and opens one with its lines", async ({ page }) => {
    await signIn(page, demo.owner);
    await page.getByRole("navigation", { name: "Workspace" }).getByRole("link", { name: "Invoices" }).click();
    await expect(page.getByRole("heading", { level: 1, name: "Invoices" })).toBeVisible();
    const table = page.getByRole("table", { name: "Invoices" });
    await expect(table.getByRole("row").filter({ hasText: "Plan fee" }).first()).toBeVisible();
    const number = await table.getByRole("link").last().textContent();
    expect(number).toMatch(/^MD-\d{6}$/);
    await table.getByRole("link", { name: number! }).click();
    await expect(page.getByRole("heading", { level: 1, name: `Invoice ${number}` })).toBeVisible();
    const lines = page.getByRole("table", { name: "Invoice lines" });
    // R4.2: the fee of the period that ended, in arrears, $300.00 for Growth, in plain words.
    const fee = lines.getByRole("row").filter({ hasText: "billed at the end of the period" }).first();
    await expect(fee).toContainText("$300.00");
    // Customers never read a rule number.
    await expect(lines).not.toContainText(/\bR\d+\.\d+/);
    await expect(page.getByText("Paid", { exact: true }).first()).toBeVisible();
  });

  test("[BILLING][BALANCES] the Free workspace's included credits are nearly used up (R13), the owner's come from the ledger", async ({
    page,
  }) => {
    await signIn(page, demo.free);
    await expect(page.getByTestId("current-plan")).toContainText("Free");
    // Less than a fifth of the 5M monthly credits is left: shown in thousands, not millions.
    await expect(page.getByRole("region", { name: "Included" })).toContainText(/\d{1,3}(\.\d)?K credits/);
    await page.context().clearCookies();
    await signIn(page, demo.owner);
    await expect(page.getByRole("region", { name: "Packages" })).toContainText("1 active");
    await expect(page.getByRole("region", { name: "Prepaid" })).toContainText(/\d+(\.\d)?M credits/);
  });
});
