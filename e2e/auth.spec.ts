import { expect, test } from "@playwright/test";
import { demo, formAlert, freshEmail, signIn, signUp } from "./fixtures";

test.describe("sign-up, sign-in and sign-out", () => {
  test("[AUTH][SIGN-UP] a new user signs up and lands on a Free workspace", async ({ page }) => {
    const email = freshEmail("signup");
    await signUp(page, { name: "Nora New", email, password: "correct horse battery", workspace: "Nora Robotics" });
    await expect(page).toHaveURL(/\/w\/nora-robotics/);
    await expect(page.getByRole("heading", { level: 1, name: "Overview" })).toBeVisible();
    await expect(page.getByTestId("current-plan")).toContainText("Free");
  });

  test("[AUTH][SIGN-UP] invalid email, short password and a taken email are refused and create nothing", async ({ page }) => {
    await signUp(page, { name: "Ivy", email: "not-an-email", password: "long enough pass", workspace: "Ivy Co" });
    await expect(page.getByText("Enter a valid email address", { exact: false })).toBeVisible();
    await expect(page).toHaveURL(/\/sign-up/);

    const shortEmail = freshEmail("short");
    await signUp(page, { name: "Ivy", email: shortEmail, password: "short", workspace: "Ivy Co" });
    await expect(page.getByText("Use at least 10 characters.")).toBeVisible();
    await expect(page).toHaveURL(/\/sign-up/);

    await signUp(page, { name: "Olivia Again", email: demo.owner, password: "another long password", workspace: "Copy" });
    await expect(page.getByText("An account with this email already exists", { exact: false })).toBeVisible();
    await expect(page).toHaveURL(/\/sign-up/);

    // Nothing was created: the refused short-password account cannot sign in…
    await page.goto("/sign-in");
    await page.getByLabel("Email").fill(shortEmail);
    await page.getByLabel("Password").fill("short");
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await expect(formAlert(page)).toContainText("Wrong email or password.");
    // …and the owner's password did not change.
    await signIn(page, demo.owner);
    await expect(page).toHaveURL(/\/w\/acme-vision/);
  });

  test("[AUTH][SIGN-IN] a wrong password shows an error and does not sign in", async ({ page }) => {
    await page.goto("/sign-in");
    await page.getByLabel("Email").fill(demo.free);
    await page.getByLabel("Password").fill("not the password");
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await expect(formAlert(page)).toContainText("Wrong email or password.");
    await page.goto("/w/free-labs");
    await expect(page).toHaveURL(/\/sign-in/);
  });

  test("[AUTH][LOCKOUT] five wrong passwords lock the account for a while", async ({ page }) => {
    const email = freshEmail("lock");
    await signUp(page, { name: "Lena Lock", email, password: "the right password", workspace: "Lock Co" });
    await expect(page).toHaveURL(/\/w\//);
    await page.context().clearCookies();
    await page.goto("/sign-in");
    for (let attempt = 1; attempt <= 5; attempt += 1) {
      await page.getByLabel("Email").fill(email);
      await page.getByLabel("Password").fill(`wrong ${attempt}`);
      await page.getByRole("button", { name: "Sign in", exact: true }).click();
      await expect(formAlert(page)).toBeVisible();
    }
    await expect(formAlert(page)).toContainText("Too many failed sign-in attempts");
    // Even the right password is refused while locked.
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Password").fill("the right password");
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await expect(formAlert(page)).toContainText("Too many failed sign-in attempts");
    await expect(page).toHaveURL(/\/sign-in/);
  });

  test("[AUTH][SIGN-IN] the owner signs in and sees the dashboard with the workspace's plan", async ({ page }) => {
    await signIn(page, demo.owner);
    await expect(page).toHaveURL(/\/w\/acme-vision$/);
    await expect(page.getByRole("heading", { level: 1, name: "Overview" })).toBeVisible();
    await expect(page.getByTestId("current-plan")).toContainText("Growth");
    const nav = page.getByRole("navigation", { name: "Workspace" });
    for (const item of ["Overview", "Usage", "Invoices", "Plan", "Credits", "Packages", "API keys", "Settings"]) {
      await expect(nav.getByRole("link", { name: item })).toBeVisible();
    }
  });

  test("[AUTH][SIGN-OUT] signing out ends the session", async ({ page }) => {
    await signIn(page, demo.payg);
    await expect(page).toHaveURL(/\/w\/payg-studio/);
    await page.getByRole("button", { name: /account menu/i }).click();
    await page.getByRole("menuitem", { name: "Sign out" }).click();
    await expect(page).toHaveURL(/\/sign-in/);
    await page.goto("/w/payg-studio");
    await expect(page).toHaveURL(/\/sign-in/);
  });
});
