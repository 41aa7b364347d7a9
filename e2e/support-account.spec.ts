import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Page } from "@playwright/test";
import { demo, shoot, signIn } from "./fixtures";

// The support console's account page (R11): the whole account on one page,
// read-only sections with links to each, as support@demo.meterdesk.dev.
// Acme Vision (owner@) and Overdue Robotics (arrears@) are only read here;
// other specs pay arrears@'s invoice meanwhile, so its live state is checked
// against its own history rather than assumed.

const SECTION_HEADINGS = [
  "Account",
  "Plan and periods",
  "Balances",
  "Actions",
  "Ledger",
  "Usage",
  "Invoices",
  "Rate limits and refused calls",
  "Arrears",
  "Billing timeline",
  "Members",
  "API keys",
  "Audit log",
];

async function openAccount(page: Page, email: string, workspace: string) {
  await page.goto(`/support?q=${encodeURIComponent(email)}`);
  await page.getByRole("link", { name: workspace }).click();
  await expect(page.getByRole("heading", { level: 1, name: workspace })).toBeVisible();
}

async function seriousViolations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
  return results.violations
    .filter((violation) => violation.impact === "serious" || violation.impact === "critical")
    .map((violation) => `${violation.id} (${violation.impact}): ${violation.nodes.map((node) => node.target.join(" ")).join(", ")}`);
}

const ledgerRows = (page: Page) => page.getByRole("table", { name: "Ledger entries" }).locator("tbody tr");

test.describe("support console: the whole account", () => {
  test("[SUPPORT][ACCOUNT] support opens Acme Vision and reads every section: the package, the ledger, the usage charts, the audit trail", async ({
    page,
  }) => {
    test.setTimeout(120_000);
    await signIn(page, demo.support);
    await openAccount(page, demo.owner, "Acme Vision");
    const main = page.getByRole("main");
    for (const name of SECTION_HEADINGS) await expect(main.getByRole("heading", { level: 2, name, exact: true })).toBeVisible();

    // The links to each section.
    const sections = page.getByRole("navigation", { name: "Sections of this account" });
    await sections.getByRole("link", { name: "Audit log" }).click();
    await expect(page).toHaveURL(/#audit$/);
    await expect(sections.getByRole("link", { name: "Audit log" })).toHaveAttribute("aria-current", "location");

    // Plan: Growth, and its current period.
    await expect(page.getByTestId("current-plan")).toContainText("Growth");
    await expect(page.getByRole("table", { name: "Billing periods" }).getByText("Current")).toBeVisible();
    // Balances: the seeded one-year package with what is left and its expiry.
    const packages = page.getByRole("table", { name: "Active packages" });
    await expect(packages.getByRole("row").filter({ hasText: "1,000,000 predict · 1 year" })).toContainText(/of 1,000,000 operations/);
    await expect(page.getByRole("table", { name: "Top-ups and grants" })).toContainText("Top-up");
    // The ledger: charged usage with the sources that paid it.
    await expect(ledgerRows(page).first()).toBeVisible();
    await expect(ledgerRows(page).and(page.locator('[data-kind="usage"]')).first().getByRole("list", { name: "Paid from" })).toBeVisible();
    // Usage: 90 days of seeded usage, so the last 30 have operations, drawn as charts.
    const usage = page.getByTestId("support-usage");
    await usage.scrollIntoViewIfNeeded();
    await expect(usage.locator(".recharts-wrapper")).toHaveCount(2);
    await expect(page.getByTestId("usage-operations")).not.toHaveText("0");
    // Invoices: the plan fees of the past periods.
    await expect(page.getByRole("table", { name: "Invoices" }).getByRole("row").filter({ hasText: "Plan fee" }).first()).toBeVisible();
    // Limits: the plan's 15 a second; arrears: good standing.
    await expect(page.locator("#limits")).toContainText("15 requests");
    await expect(page.locator("#arrears")).toContainText("Good standing");
    await expect(page.getByRole("region", { name: "Billing timeline" })).toContainText("Growth plan fee");
    // The audit trail: this very view, by support, newest first.
    const audit = page.getByRole("table", { name: "Audit log" });
    await expect(audit.locator("tbody tr").first()).toContainText("support.view_account");
    await expect(audit.locator("tbody tr").first()).toContainText("Support staff");
    // Support never sees a secret: key prefixes only, no card number.
    await expect(page.getByRole("table", { name: "API keys" }).locator("code").first()).toHaveText(/^mdk_[0-9a-f]+…$/);
    await expect(main).not.toContainText(/4242 4242|secretHash/);
    // Nothing on the page cites a rule number.
    await expect(main).not.toContainText(/\bR\d+\.\d+\b/);

    await page.waitForLoadState("networkidle");
    expect(await seriousViolations(page)).toEqual([]);
    await shoot(page, "support-account-owner");
  });

  test("[SUPPORT][ACCOUNT][LEDGER] support filters the account's ledger and pages it, on the account page", async ({ page }) => {
    await signIn(page, demo.support);
    await openAccount(page, demo.owner, "Acme Vision");
    const accountPath = new URL(page.url()).pathname;

    await page.getByLabel("Kind").selectOption({ label: "Included credits" });
    await page.getByRole("button", { name: "Apply filters" }).click();
    await expect(page).toHaveURL(new RegExp(`${accountPath}\\?kind=included[^#]*#ledger$`));
    await expect(page.getByLabel("Kind")).toHaveValue("included");
    await expect(ledgerRows(page).first()).toBeVisible();
    const kinds = await ledgerRows(page).evaluateAll((rows) => rows.map((row) => row.getAttribute("data-kind")));
    expect(new Set(kinds)).toEqual(new Set(["included"]));

    await page.getByRole("main").getByRole("link", { name: "Clear filters" }).first().click();
    await expect(page).toHaveURL(new RegExp(`${accountPath}#ledger$`));
    await expect(ledgerRows(page)).toHaveCount(25);
    const newest = await ledgerRows(page).first().locator("time").getAttribute("datetime");
    await page.getByRole("link", { name: "Older entries" }).click();
    await expect(page).toHaveURL(/before=.*#ledger$/);
    await expect(page.getByRole("link", { name: "Newer entries" })).toBeVisible();
    await expect(ledgerRows(page)).toHaveCount(25);
    expect(await ledgerRows(page).first().locator("time").getAttribute("datetime")).not.toBe(newest);
    // Still the account page, never the customer's.
    expect(new URL(page.url()).pathname).toBe(accountPath);
  });

  test("[SUPPORT][ACCOUNT][ARREARS] support opens the arrears account: the grace deadline it was given, the overdue invoice, no serious axe violation", async ({
    page,
  }) => {
    await signIn(page, demo.support);
    await openAccount(page, demo.arrears, "Overdue Robotics");

    // The deadline the account was given on entering grace, kept in the audit trail for good.
    const audit = page.getByRole("table", { name: "Audit log" });
    const started = audit.locator('tbody tr[data-action="arrears.grace_started"]');
    await expect(started).toHaveCount(1);
    await expect(started).toContainText("Billing system");
    const deadline = (await started
      .getByText(/^Grace ends at:/)
      .locator("xpath=..")
      .locator("dd")
      .textContent())!.trim();
    expect(deadline).toMatch(/^[A-Z][a-z]{2} \d{1,2}, \d{4}, \d{2}:\d{2} UTC$/);

    const arrears = page.locator("#arrears");
    const paid = await audit.locator('tbody tr[data-action="arrears.restored"]').count();
    if (paid === 0) {
      // Still in grace: the section shows that deadline, and the invoice whose payment failed.
      await expect(arrears).toContainText("Grace period");
      await expect(arrears.getByTestId("grace-ends")).toContainText(deadline);
      await expect(arrears.getByTestId("grace-ends")).toContainText(/(in \d+ days|tomorrow|today)$/);
      await expect(page.getByRole("table", { name: "Overdue invoices" })).toContainText("Your card was declined.");
    } else {
      // The payments spec paid it meanwhile: back in good standing, nothing overdue.
      await expect(arrears).toContainText("Good standing");
      await expect(arrears).toContainText("Nothing: no open invoice has a failed payment");
    }
    await expect(page.getByTestId("current-plan")).toContainText("Starter");

    await page.waitForLoadState("networkidle");
    expect(await seriousViolations(page)).toEqual([]);
    await page.setViewportSize({ width: 390, height: 844 });
    expect(await seriousViolations(page)).toEqual([]);
    await page.setViewportSize({ width: 1280, height: 800 });
    await shoot(page, "support-account-arrears");
  });
});
