import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Page } from "@playwright/test";
import { demo, shoot, signIn } from "./fixtures";

// The support console's search as staff type (R11): results appear without
// pressing Enter, the address keeps the query, and the JSON route behind it
// answers staff only. The arrears account may be paid by another spec while
// this one runs, so its state is checked against what the server answered.

const stateLabels: Record<string, { label: string; deadline: boolean }> = {
  GOOD: { label: "Good standing", deadline: false },
  GRACE: { label: "Grace period", deadline: true },
  RETENTION: { label: "Retention period", deadline: true },
  DELETED: { label: "Data deleted", deadline: false },
};

const isSearchApi = (url: URL) => url.pathname === "/api/support/search";

/** Types like a person (no Enter) and resolves with the search answer the page fetched for `query`. */
async function typeAndWaitForAnswer(page: Page, query: string) {
  const box = page.getByLabel("Search accounts");
  await box.fill("");
  const answered = page.waitForResponse(
    (response) => response.url().includes("/api/support/search?") && new URL(response.url()).searchParams.get("q") === query,
  );
  await box.pressSequentially(query, { delay: 40 });
  const response = await answered;
  expect(response.status()).toBe(200);
  return (await response.json()) as { accounts: { name: string; billingState: string; matched: { field: string; value: string } }[] };
}

test.describe("support search", () => {
  test("[SUPPORT][SEARCH] staff type the start of an email and an invoice number and see the account, its state and why it matched; a reload keeps the search", async ({
    page,
  }) => {
    await signIn(page, demo.support);
    await expect(page).toHaveURL(/\/support/);
    await expect(page.getByText("Search for an account")).toBeVisible();

    const answer = await typeAndWaitForAnswer(page, "arrears@");
    const found = answer.accounts.find((account) => account.name === "Overdue Robotics");
    expect(found?.matched).toEqual({ field: "email", value: demo.arrears });
    const table = page.getByRole("table", { name: "Matching accounts" });
    const row = table.getByRole("row").filter({ has: page.getByRole("link", { name: "Overdue Robotics" }) });
    await expect(row).toBeVisible();
    await expect(row).toContainText(demo.arrears);
    await expect(row).toContainText("Email");
    await expect(row).toContainText("Starter");
    const state = stateLabels[found!.billingState]!;
    await expect(row.getByText(state.label, { exact: true })).toBeVisible();
    await expect(row.getByText(/^until /)).toHaveCount(state.deadline ? 1 : 0);
    await expect(page.getByRole("status").filter({ hasText: "matching" })).toContainText("matching “arrears@”");
    await expect(page).toHaveURL(/[?&]q=arrears%40/);
    await shoot(page, "support-search-email");
    // The box, the status line and the results hold up to axe.
    const axe = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
    expect(axe.violations.filter((violation) => violation.impact === "serious" || violation.impact === "critical")).toEqual([]);

    // From the box, the down arrow reaches the results.
    await page.getByLabel("Search accounts").press("ArrowDown");
    await expect(table.getByRole("link").first()).toBeFocused();

    // A reload (or a shared link) shows the same search, rendered by the server.
    await page.reload();
    await expect(page.getByLabel("Search accounts")).toHaveValue("arrears@");
    await expect(row).toBeVisible();

    // One of its invoice numbers, read from its account page, finds it too, in any case.
    await row.getByRole("link", { name: "Overdue Robotics" }).click();
    await expect(page.getByRole("heading", { level: 1, name: "Overdue Robotics" })).toBeVisible();
    const number = (await page
      .getByText(/^MD-\d{6}$/)
      .first()
      .textContent())!.trim();
    await page.goto("/support");
    const byInvoice = await typeAndWaitForAnswer(page, number.toLowerCase());
    expect(byInvoice.accounts.map((account) => account.name)).toEqual(["Overdue Robotics"]);
    await expect(table.getByRole("row")).toHaveCount(2);
    await expect(row).toContainText("Invoice");
    await expect(row).toContainText(number);
    await shoot(page, "support-search-invoice");

    // Something that matches nothing says so; Escape clears the box and the address.
    await typeAndWaitForAnswer(page, "no-such-account-zq");
    await expect(page.getByText("No accounts match")).toBeVisible();
    await page.getByLabel("Search accounts").press("Escape");
    await expect(page.getByText("Search for an account")).toBeVisible();
    await expect(page).toHaveURL(/\/support$/);
  });

  test("[SUPPORT][SEARCH] while a search runs the page says so, and a failed search says what to do and can be tried again", async ({
    page,
  }) => {
    await signIn(page, demo.support);
    await expect(page).toHaveURL(/\/support/);
    const box = page.getByLabel("Search accounts");
    const status = page.locator("#account-search-status");

    // A slow answer: the status says it is searching until the rows arrive.
    await page.route(isSearchApi, async (route) => {
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      await route.continue();
    });
    await box.pressSequentially("late@", { delay: 40 });
    await expect(status).toHaveText("Searching…");
    await expect(page.getByRole("link", { name: "Late Logistics" })).toBeVisible();
    await page.unrouteAll({ behavior: "wait" });

    // A failing server: after the retries, what happened and what to do, with a way to try again.
    await page.route(isSearchApi, (route) =>
      route.fulfill({ status: 500, contentType: "application/json", body: JSON.stringify({ error: "The search failed on the server." }) }),
    );
    await box.fill("");
    await box.pressSequentially("overdue", { delay: 40 });
    const failure = page.getByRole("alert").filter({ hasText: "The search did not finish" });
    await expect(failure).toBeVisible({ timeout: 15_000 });
    await expect(failure).toContainText("The search failed on the server. Try again in a moment");
    await expect(status).toHaveText("");
    await shoot(page, "support-search-error");
    await page.unrouteAll({ behavior: "wait" });
    await failure.getByRole("button", { name: "Try again" }).click();
    await expect(page.getByRole("link", { name: "Overdue Robotics" })).toBeVisible();
  });

  test("[SUPPORT][SEARCH] without JavaScript the page renders the search of its address and the form searches by GET", async ({
    page,
    browser,
  }) => {
    await signIn(page, demo.support);
    const noScript = await browser.newContext({ javaScriptEnabled: false, storageState: await page.context().storageState() });
    const plain = await noScript.newPage();
    await plain.goto("/support?q=arrears%40");
    const table = plain.getByRole("table", { name: "Matching accounts" });
    await expect(table.getByRole("link", { name: "Overdue Robotics" })).toBeVisible();
    await plain.getByLabel("Search accounts").fill("overdue rob");
    await plain.getByRole("button", { name: "Search", exact: true }).click();
    await expect(plain).toHaveURL(/[?&]q=overdue\+rob/);
    await expect(table.getByRole("row").filter({ hasText: "Name" }).getByRole("link", { name: "Overdue Robotics" })).toBeVisible();
    await noScript.close();
  });

  test("[SUPPORT][SEARCH] the search's JSON answers 401 to the signed-out and 403 to a customer", async ({ page, playwright, baseURL }) => {
    const anonymous = await playwright.request.newContext({ baseURL });
    const signedOut = await anonymous.get("/api/support/search?q=arrears%40");
    expect(signedOut.status()).toBe(401);
    expect(await signedOut.json()).toEqual({ error: expect.stringMatching(/sign in/i) });
    await anonymous.dispose();

    await signIn(page, demo.free);
    const customer = await page.request.get("/api/support/search?q=arrears%40");
    expect(customer.status()).toBe(403);
    expect(await customer.json()).toEqual({ error: "Only support staff can search accounts." });
  });
});
