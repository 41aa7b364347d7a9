import { expect, test } from "@playwright/test";
import { demo, freshEmail, shoot, signIn } from "./fixtures";

// Staff accounts (R11 roles): admins manage the staff at /support/staff; support
// staff cannot. The admin acts on a staff member of the test's own making.

test.describe("staff accounts", () => {
  test("[SUPPORT][STAFF] an admin adds a new support staff member with a reason; they appear in the table and the history, and can reach the console", async ({
    page,
    browser,
  }) => {
    await signIn(page, demo.admin);
    const nav = page.getByRole("navigation", { name: "Support" });
    await nav.getByRole("link", { name: "Staff" }).click();
    await expect(page).toHaveURL(/\/support\/staff$/);
    await expect(page.getByRole("heading", { level: 1, name: "Staff" })).toBeVisible();
    await expect(nav.getByRole("link", { name: "Staff" })).toHaveAttribute("aria-current", "page");
    await expect(nav.getByRole("link", { name: "Accounts" })).not.toHaveAttribute("aria-current", "page");

    const email = freshEmail("staff");
    const password = "a long enough password";
    await page.getByRole("button", { name: "Add staff member" }).click();
    const dialog = page.getByRole("dialog", { name: "Add staff member" });
    await dialog.getByLabel("Email").fill(email.toUpperCase());
    await dialog.getByRole("button", { name: "Continue" }).click();
    await expect(dialog.getByTestId("staff-candidate")).toContainText("No account uses this email yet");
    await dialog.getByLabel("Name", { exact: true }).fill("Nia Newstaff");
    await dialog.getByLabel("Initial password").fill(password);
    await expect(dialog.getByRole("radio", { name: "Support" })).toBeChecked();
    await dialog.getByLabel(/^Reason/).fill("joins the support team");
    await expect(dialog.getByTestId("add-staff-effect")).toContainText("A new account is created for Nia Newstaff");
    await shoot(page, "support-staff-add");
    await dialog.getByRole("button", { name: "Add as support staff" }).click();

    await expect(page.getByRole("alert").filter({ hasText: "Nia Newstaff was added as support staff." })).toBeVisible();
    await expect(dialog).toHaveCount(0);
    const row = page.getByRole("table", { name: "Staff members" }).getByRole("row").filter({ hasText: email });
    await expect(row).toHaveCount(1);
    await expect(row).toContainText("Nia Newstaff");
    await expect(row).toContainText("Support");
    await expect(row).toContainText("Never");
    const history = page.getByRole("table", { name: "Staff history" }).getByRole("row").filter({ hasText: email });
    await expect(history).toHaveCount(1);
    await expect(history).toContainText("Added as");
    await expect(history).toContainText("New account");
    await expect(history).toContainText("joins the support team");
    await expect(history).toContainText(demo.admin);
    await shoot(page, "support-staff");

    // The new staff member signs in with the initial password and lands in the console, without the Staff link.
    const theirs = await browser.newContext();
    const newcomer = await theirs.newPage();
    await signIn(newcomer, email, password);
    await expect(newcomer).toHaveURL(/\/support$/);
    await expect(newcomer.getByRole("heading", { level: 1, name: "Support console" })).toBeVisible();
    const theirNav = newcomer.getByRole("navigation", { name: "Support" });
    await expect(theirNav.getByRole("link", { name: "Accounts" })).toBeVisible();
    await expect(theirNav.getByRole("link", { name: "Staff" })).toHaveCount(0);

    // Made an admin: their next page has the Staff link.
    await page.getByRole("button", { name: "Change the role of Nia Newstaff" }).click();
    const change = page.getByRole("dialog", { name: "Change Nia Newstaff's role" });
    await expect(change.getByTestId("change-role-effect")).toContainText("will be able to add, change and remove staff accounts");
    await change.getByLabel(/^Reason/).fill("leads the night shift");
    await shoot(page, "support-staff-change-role");
    await change.getByRole("button", { name: "Make admin" }).click();
    await expect(page.getByRole("alert").filter({ hasText: "Nia Newstaff is now an admin." })).toBeVisible();
    await expect(page.getByRole("table", { name: "Staff members" }).getByRole("row").filter({ hasText: email })).toContainText("Admin");
    await newcomer.reload();
    await expect(theirNav.getByRole("link", { name: "Staff" })).toBeVisible();

    // Removed from staff (with a reason, after a confirmation that says what happens): the console is closed to them at once.
    await page.getByRole("button", { name: "Remove Nia Newstaff from staff" }).click();
    const confirm = page.getByRole("alertdialog", { name: "Remove Nia Newstaff from staff?" });
    await expect(confirm.getByTestId("remove-staff-effect")).toContainText("loses the support console at once");
    await confirm.getByLabel(/^Reason/).fill("left the team");
    await confirm.getByRole("button", { name: "Remove from staff" }).click();
    await expect(page.getByRole("alert").filter({ hasText: "Nia Newstaff is no longer staff." })).toBeVisible();
    await expect(page.getByRole("table", { name: "Staff members" }).getByRole("row").filter({ hasText: email })).toHaveCount(0);
    await expect(
      page.getByRole("table", { name: "Staff history" }).getByRole("row").filter({ hasText: email }).filter({ hasText: "left the team" }),
    ).toContainText("Removed from staff");
    const after = await newcomer.goto("/support");
    expect(after?.status()).toBe(403);
    await theirs.close();
  });

  test("[SUPPORT][STAFF] support staff get 403 on the staff page and have no Staff link", async ({ page }) => {
    await signIn(page, demo.support);
    await expect(page).toHaveURL(/\/support$/);
    const nav = page.getByRole("navigation", { name: "Support" });
    await expect(nav.getByRole("link", { name: "Accounts" })).toBeVisible();
    await expect(nav.getByRole("link", { name: "Staff" })).toHaveCount(0);
    const response = await page.goto("/support/staff");
    expect(response?.status()).toBe(403);
    await expect(page.getByRole("heading", { name: "You don't have access to this page" })).toBeVisible();
  });
});
