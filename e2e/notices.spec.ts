import { expect, test } from "@playwright/test";
import { demo, signIn } from "./fixtures";

test.describe("email notices", () => {
  test("[EMAIL][SETTINGS] a member turns an optional notice off and it stays off; money notices are not theirs to turn off", async ({
    page,
  }) => {
    // The viewer: optional notices only (invoices and failed payments go to owners and billing admins).
    await signIn(page, demo.viewer);
    await page.goto("/w/acme-vision/settings");
    const section = page.getByRole("form", { name: "Email notices" });
    await expect(section).toBeVisible();
    await expect(page.getByText("Always sent to owners and billing admins")).toHaveCount(0);
    const lowBalance = section.getByRole("checkbox", { name: /Low prepaid balance/ });
    await expect(lowBalance).toBeChecked();
    await lowBalance.uncheck();
    await section.getByRole("button", { name: "Save email choices" }).click();
    await expect(section.getByText("Saved.")).toBeVisible();
    await page.reload();
    await expect(
      page.getByRole("form", { name: "Email notices" }).getByRole("checkbox", { name: /Low prepaid balance/ }),
    ).not.toBeChecked();
    await expect(page.getByRole("form", { name: "Email notices" }).getByRole("checkbox", { name: /Package expiring/ })).toBeChecked();
  });

  test("[EMAIL][UNSUBSCRIBE] a forged unsubscribe link changes nothing and says so", async ({ page }) => {
    await page.goto("/unsubscribe?token=not-a-real-token");
    await expect(page.getByRole("heading", { name: "This link does not work" })).toBeVisible();
    await expect(page.getByRole("button", { name: /unsubscribe/i })).toHaveCount(0);
  });
});
