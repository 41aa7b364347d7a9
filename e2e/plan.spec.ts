import { expect, test, type Page } from "@playwright/test";
import { freshEmail, shoot, signUp } from "./fixtures";

// Plan changes in the browser (R4.5, R4.6): a new owner of their own (no
// other spec touches it) saves a card, moves Free → Starter → Growth with the
// preview shown before each confirmation and the pro-rata invoice after,
// cancels and undoes it, schedules a downgrade and withdraws it.

async function saveCard(page: Page, base: string) {
  await page.goto(`${base}/credits`);
  await page
    .getByRole("region", { name: "Payment method" })
    .getByRole("button", { name: /Add card|Replace card/ })
    .click();
  await expect(page).toHaveURL(/\/credits\/card\?session=tgss_/);
  await page.getByLabel("Card number").fill("4242 4242 4242 4242");
  await page.getByLabel("Expiry").fill("12/34");
  await page.getByLabel("CVC").fill("123");
  await page.getByLabel("Name on card").fill("Pat Planner");
  await page.getByRole("button", { name: "Save card" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Card saved" })).toBeVisible();
}

test.describe("plan changes", () => {
  test("[PLAN] upgrade with a preview first and the pro-rata invoice after; cancel → undo; downgrade → keep", async ({ page }) => {
    test.setTimeout(120_000);
    await signUp(page, { name: "Pat Planner", email: freshEmail("plan"), password: "a long enough password", workspace: "Plan Co" });
    await expect(page).toHaveURL(/\/w\/[a-z0-9-]+$/);
    const base = new URL(page.url()).pathname;
    await saveCard(page, base);

    // Free → Starter: nothing is charged today; the card pays the fee at each anniversary.
    await page.goto(`${base}/plan`);
    await expect(page.getByTestId("current-plan")).toContainText("Free");
    await shoot(page, "plan-page-free");
    await page.getByRole("button", { name: "Upgrade to Starter", exact: true }).click();
    const toStarter = page.getByRole("dialog", { name: "Switch to Starter" });
    await expect(toStarter.getByTestId("plan-preview")).toBeVisible();
    await expect(toStarter.getByTestId("charged-today")).toHaveText("$0.00");
    await expect(toStarter.getByTestId("next-charges").getByRole("listitem")).toHaveCount(3);
    await expect(toStarter.getByTestId("next-charges")).toContainText("$30.00");
    await toStarter.getByRole("button", { name: "Confirm", exact: true }).click();
    await expect(page.getByRole("dialog", { name: "You are on Starter" })).toContainText("Nothing was charged today.");
    await page.getByRole("button", { name: "Done" }).click();
    await expect(page.getByTestId("current-plan")).toContainText("Starter");

    // Starter → Growth: the preview shows today's invoice (Starter pro rata) and the card, then the same invoice is issued.
    await page.getByRole("button", { name: "Upgrade to Growth", exact: true }).click();
    const toGrowth = page.getByRole("dialog", { name: "Switch to Growth" });
    const lines = toGrowth.getByTestId("preview-lines");
    await expect(lines).toContainText("Starter");
    await expect(toGrowth).toContainText("Visa •••• 4242");
    await expect(toGrowth).toContainText("750,000,000 credits");
    const charged = (await toGrowth.getByTestId("charged-today").textContent())!;
    expect(charged).toMatch(/^\$\d+\.\d{2}$/);
    await expect(toGrowth.getByTestId("preview-total")).toHaveText(charged);
    await shoot(page, "plan-upgrade-preview");
    // A double click confirms once.
    await toGrowth.getByRole("button", { name: /^Confirm/ }).dblclick();
    const upgraded = page.getByRole("dialog", { name: "You are on Growth" });
    await expect(upgraded).toContainText(/Invoice MD-\d{6}/);
    const number = (await upgraded.getByRole("link", { name: /^MD-\d{6}$/ }).textContent())!;
    await expect(upgraded).toContainText(`for ${charged}`);
    await shoot(page, "plan-upgrade-done");
    await upgraded.getByRole("button", { name: "Done" }).click();
    await expect(page.getByTestId("current-plan")).toContainText("Growth");

    await page.goto(`${base}/invoices`);
    const invoices = page.getByRole("table", { name: "Invoices" });
    const row = invoices.getByRole("row").filter({ hasText: number });
    await expect(row).toHaveCount(1);
    await expect(row).toContainText(charged);

    // Cancel: the final invoice, what is dropped and kept, the date; then undo.
    await page.goto(`${base}/plan`);
    await page.getByRole("button", { name: "Cancel plan" }).click();
    const cancel = page.getByRole("alertdialog", { name: "Cancel Growth?" });
    await expect(cancel.getByTestId("cancel-preview")).toContainText("Ends on");
    await expect(cancel).toContainText("Final invoice");
    await expect(cancel).toContainText("prepaid");
    await cancel.getByLabel(/Why are you leaving/).fill("Just trying the undo");
    await shoot(page, "plan-cancel-preview");
    await cancel.getByRole("button", { name: "Cancel at period end" }).click();
    await expect(page.getByRole("dialog", { name: "Cancellation scheduled" })).toContainText("Growth stays active until");
    await page.getByRole("button", { name: "Done" }).click();
    await expect(page.getByText("Your plan is cancelled at the end of this period")).toBeVisible();
    await expect(page.getByRole("button", { name: "Cancel plan" })).toHaveCount(0);
    await shoot(page, "plan-cancel-scheduled");
    await page.getByRole("button", { name: "Undo cancellation" }).click();
    await expect(page.getByText("Your plan is cancelled at the end of this period")).toHaveCount(0);
    await expect(page.getByRole("button", { name: "Cancel plan" })).toBeVisible();

    // A downgrade waits for the period end, is shown, and can be withdrawn.
    await page.getByRole("button", { name: "Switch to Starter", exact: true }).click();
    const down = page.getByRole("dialog", { name: "Switch to Starter" });
    await expect(down.getByTestId("charged-today")).toHaveText("$0.00");
    await expect(down).toContainText("A downgrade starts at the end of your current period.");
    await shoot(page, "plan-downgrade-preview");
    await down.getByRole("button", { name: "Confirm", exact: true }).click();
    await expect(page.getByRole("dialog", { name: "Starter is scheduled" })).toBeVisible();
    await page.getByRole("button", { name: "Done" }).click();
    await expect(page.getByText("Moving to Starter at the end of this period")).toBeVisible();
    await shoot(page, "plan-downgrade-scheduled");
    await page.getByRole("button", { name: "Keep current plan" }).click();
    await expect(page.getByText("Moving to Starter at the end of this period")).toHaveCount(0);
    await expect(page.getByTestId("current-plan")).toContainText("Growth");
  });
});
