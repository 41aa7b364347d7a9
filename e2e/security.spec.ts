import { expect, test, type Page } from "@playwright/test";
import { DEMO_PASSWORD, demo, formAlert, freshEmail, signIn, signUp } from "./fixtures";

/** Collects the CSP violations the page reports, from before its first script runs. */
async function recordCspViolations(page: Page) {
  await page.addInitScript(() => {
    const seen: { directive: string; blocked: string }[] = [];
    (window as unknown as { __cspViolations: typeof seen }).__cspViolations = seen;
    document.addEventListener("securitypolicyviolation", (event) => {
      seen.push({ directive: event.effectiveDirective, blocked: event.blockedURI });
    });
  });
  return () => page.evaluate(() => (window as unknown as { __cspViolations: { directive: string; blocked: string }[] }).__cspViolations);
}

test.describe("security in the browser", () => {
  for (const [spelling, callbackUrl] of [
    ["a tab", "%2F%09%2Fevil.example%2Fpwn"],
    ["a newline", "%2F%0A%2Fevil.example%2Fpwn"],
    ["a tab and a backslash", "%2F%09%5Cevil.example%2Fpwn"],
    ["another origin", "https%3A%2F%2Fevil.example%2Fpwn"],
  ]) {
    test(`[SECURITY][REDIRECT] signing in with a callbackUrl hiding ${spelling} stays on our origin`, async ({ page, baseURL }) => {
      // Were the form to follow it, the browser would leave for evil.example; keep that offline.
      await page.route(
        (url) => url.hostname.endsWith("evil.example"),
        (route) => route.fulfill({ status: 200, contentType: "text/html", body: "<h1>pwned</h1>" }),
      );
      await page.goto(`/sign-in?callbackUrl=${callbackUrl}`);
      await page.getByLabel("Email").fill(demo.free);
      await page.getByLabel("Password").fill(DEMO_PASSWORD);
      await page.getByRole("button", { name: "Sign in", exact: true }).click();
      await expect(page).toHaveURL(/\/w\/free-labs$/);
      expect(new URL(page.url()).origin).toBe(new URL(baseURL!).origin);
      await expect(page.getByRole("heading", { level: 1, name: "Overview" })).toBeVisible();
    });
  }

  test("[SECURITY][REDIRECT] a callbackUrl of our own is followed after signing in", async ({ page }) => {
    await page.goto(`/sign-in?callbackUrl=${encodeURIComponent("/w/free-labs/usage")}`);
    await page.getByLabel("Email").fill(demo.free);
    await page.getByLabel("Password").fill(DEMO_PASSWORD);
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await expect(page).toHaveURL(/\/w\/free-labs\/usage$/);
  });

  test("[SECURITY][CSP] an inline script added to the page does not run; the app's own scripts do", async ({ page }) => {
    const violations = await recordCspViolations(page);
    await signIn(page, demo.owner);
    await page.goto("/w/acme-vision/usage");
    // The page's own scripts ran: hydrated, the chart (Recharts, loaded lazily) is drawn…
    await expect(page.getByRole("heading", { level: 1, name: "Usage" })).toBeVisible();
    // Recharts loads lazily, after the page: on a busy machine that can take a while.
    await expect(page.locator("svg.recharts-surface").first()).toBeVisible({ timeout: 30_000 });
    await expect.poll(() => page.locator(".recharts-bar-rectangle").count()).toBeGreaterThan(0);
    // …and none of them was blocked.
    expect(await violations()).toEqual([]);

    await page.evaluate(() => {
      const script = document.createElement("script");
      script.textContent = "window.__pwned = 1";
      document.body.append(script);
    });
    await expect.poll(async () => (await violations()).length).toBeGreaterThan(0);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(await violations()).toEqual([{ directive: "script-src-elem", blocked: "inline" }]);

    // Still interactive: the theme switch in the account menu works (the menu stays open).
    await page.getByRole("button", { name: /account menu/i }).click();
    await page.getByRole("menuitemradio", { name: "Dark" }).click();
    await expect(page.locator("html")).toHaveAttribute("data-theme", "dark");
    await page.getByRole("menuitemradio", { name: "Light" }).click();
    await expect(page.locator("html")).toHaveAttribute("data-theme", "light");
  });

  test("[SECURITY][CSP] the theme script and the forms run under the policy (sign-up, sign-in, settings)", async ({ page }) => {
    const violations = await recordCspViolations(page);
    await page.addInitScript(() => window.localStorage.setItem("meterdesk-theme", "dark"));
    await page.goto("/sign-in");
    // The inline theme script carries the nonce: the saved theme applies before React.
    await expect(page.locator("html")).toHaveAttribute("data-theme", "dark");
    const email = freshEmail("csp");
    await signUp(page, { name: "Cass Policy", email, password: "a long enough password", workspace: "Policy Works" });
    await expect(page).toHaveURL(/\/w\/policy-works/);
    await page.goto(page.url().replace(/\/w\/([^/]+).*$/, "/w/$1/settings"));
    await expect(page.getByRole("heading", { level: 1, name: "Settings" })).toBeVisible();
    expect(await violations()).toEqual([]);
  });

  test("[SECURITY][NAMES] a workspace name with a text-direction override is refused at sign-up and at rename", async ({ page }) => {
    const email = freshEmail("names");
    await signUp(page, { name: "Nell Names", email, password: "a long enough password", workspace: "Invoices\u202Egnp.exe" });
    await expect(page.getByText("Use letters, numbers, spaces and punctuation only", { exact: false })).toBeVisible();
    await expect(page).toHaveURL(/\/sign-up/);

    await page.getByLabel("Workspace name").fill("Nell Names Co");
    await page.getByRole("button", { name: /create account/i }).click();
    await expect(page).toHaveURL(/\/w\/nell-names-co/);
    const settings = page.url().replace(/\/w\/([^/]+).*$/, "/w/$1/settings");
    await page.goto(settings);
    const form = page.getByRole("form", { name: "Workspace name" });
    await form.getByLabel("Workspace name").fill("Support\u202Edenifer");
    await form.getByRole("button", { name: "Save name" }).click();
    await expect(form.getByText("Use letters, numbers, spaces and punctuation only", { exact: false })).toBeVisible();
    await page.goto(settings);
    await expect(page.getByRole("form", { name: "Workspace name" }).getByLabel("Workspace name")).toHaveValue("Nell Names Co");
  });

  test("[SECURITY][404] an unknown invoice answers 404 in the browser too", async ({ page }) => {
    await signIn(page, demo.owner);
    const response = await page.goto("/w/acme-vision/invoices/NO-SUCH-INVOICE");
    expect(response?.status()).toBe(404);
    await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();
  });

  test("[SECURITY][SESSION] after signing out, the old session cookie opens nothing", async ({ page, browser }) => {
    await signIn(page, demo.payg);
    const cookies = await page.context().cookies();
    await page.getByRole("button", { name: /account menu/i }).click();
    await page.getByRole("menuitem", { name: "Sign out" }).click();
    await expect(page).toHaveURL(/\/sign-in/);

    const thief = await browser.newContext();
    await thief.addCookies(cookies);
    const stolen = await thief.newPage();
    expect(await (await stolen.request.get("/api/auth/session")).json()).toEqual({});
    await stolen.goto("/w/payg-studio");
    await expect(stolen).toHaveURL(/\/sign-in/);
    await expect(formAlert(stolen)).toHaveCount(0);
    await thief.close();
  });
});
