import { expect, test } from "@playwright/test";
import { demo, freshEmail, shoot, signIn, signUp } from "./fixtures";

// The support console's actions (R11), as support@demo.meterdesk.dev, on an
// account of the test's own (no demo workspace's balance changes under
// another spec).

test.describe("support console", () => {
  test("[SUPPORT][GRANT] support finds an account by email prefix, previews a grant of 10,000,000 credits, grants it once with a reason; the customer sees it", async ({
    page,
    browser,
  }) => {
    const email = freshEmail("grant");
    await signUp(page, { name: "Gina Granted", email, password: "a long enough password", workspace: "Granted Goods" });
    await expect(page).toHaveURL(/\/w\/[a-z0-9-]+$/);
    const base = new URL(page.url()).pathname;

    const staff = await browser.newContext();
    const console_ = await staff.newPage();
    await signIn(console_, demo.support);
    const prefix = email.split("@")[0]!.slice(0, 18);
    await console_.getByLabel(/search/i).fill(prefix);
    await console_.getByLabel(/search/i).press("Enter");
    await console_.getByRole("link", { name: "Granted Goods" }).click();
    await expect(console_.getByRole("heading", { level: 1, name: "Granted Goods" })).toBeVisible();

    await console_.getByLabel("Credits").fill("10,000,000");
    await console_.getByLabel(/^Reason/).fill("goodwill for the outage");
    await console_.getByRole("button", { name: "Preview the grant" }).click();
    const preview = console_.getByTestId("grant-preview");
    await expect(preview.getByTestId("grant-preview-after")).toHaveText("10,000,000 credits ≈ $5.00");
    await shoot(console_, "support-grant-preview");
    await console_.getByRole("button", { name: "Grant 10,000,000 credits" }).click();
    await expect(console_.getByText("Granted. Prepaid is now 10,000,000 credits ≈ $5.00.")).toBeVisible();
    await expect(console_.getByRole("button", { name: /^Grant / })).toHaveCount(0);
    await console_.reload();
    const log = console_.getByRole("table", { name: "Audit log" });
    await expect(
      log.getByRole("row").filter({ hasText: "support.grant_prepaid" }).filter({ hasText: "goodwill for the outage" }),
    ).toHaveCount(1);
    await staff.close();

    // The customer's Credits page shows the grant, exactly once.
    await page.goto(`${base}/credits`);
    await expect(page.getByTestId("prepaid-exact")).toHaveText("10,000,000 credits exactly");
  });
});
