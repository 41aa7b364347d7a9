import fs from "node:fs";
import { expect, test, type Page } from "@playwright/test";
import { demo, freshEmail, shoot, signIn, signUp } from "./fixtures";

// Usage insight (R10): the range picker refetches and the totals follow; the
// CSV of a range holds exactly the rows and totals the page shows; the Growth
// workspace has a forecast to the period end and a new one says why it has
// none; the Overview shows the next charge.

const total = async (page: Page, id: string) => BigInt((await page.getByTestId(id).getAttribute("data-value"))!);
const isoDay = (daysAgo: number) => new Date(Date.now() - daysAgo * 86_400_000).toISOString().slice(0, 10);

test.describe("usage insight", () => {
  test("[USAGE][RANGE][CSV] changing the range refetches; the CSV of a range has the page's rows and totals", async ({ page }) => {
    await signIn(page, demo.owner);
    await page.goto("/w/acme-vision/usage");
    const label = page.getByTestId("range-label");
    await expect(label).toBeVisible();
    await expect(page.getByRole("button", { name: "30 days" })).toHaveAttribute("aria-pressed", "true");
    const month = await total(page, "total-operations");
    expect(month).toBeGreaterThan(0n);
    await shoot(page, "usage-30d");

    // Seven days: a new request, other totals.
    const before = await label.textContent();
    const [response] = await Promise.all([
      page.waitForResponse((r) => r.url().includes("/usage/data?") && r.url().includes("range=7d")),
      page.getByRole("button", { name: "7 days" }).click(),
    ]);
    expect(response.status()).toBe(200);
    await expect(label).not.toHaveText(before!);
    await expect.poll(() => total(page, "total-operations")).toBeLessThan(month);

    // A past week that no other test's calls can change, then its CSV.
    await page.getByRole("button", { name: "Custom" }).click();
    const custom = page.getByRole("form", { name: "Custom range" });
    await custom.getByLabel("From").fill(isoDay(12));
    await custom.getByLabel("To").fill(isoDay(6));
    await Promise.all([
      page.waitForResponse((r) => r.url().includes("range=custom")),
      custom.getByRole("button", { name: "Show range" }).click(),
    ]);
    await expect(page.getByRole("table", { name: "Credits by source" })).toBeVisible();
    const operations = await total(page, "total-operations");
    const credits = await total(page, "total-credits");
    expect(operations).toBeGreaterThan(0n);
    await shoot(page, "usage-custom");

    const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "Download CSV" }).click()]);
    expect(download.suggestedFilename()).toMatch(/^usage-acme-vision-\d{4}-\d{2}-\d{2}-to-\d{4}-\d{2}-\d{2}\.csv$/);
    const [header, ...rows] = fs
      .readFileSync((await download.path())!, "utf8")
      .trimEnd()
      .split("\r\n")
      .map((line) => line.split(","));
    expect(header).toEqual([
      "hour_utc",
      "local_time",
      "operation_type",
      "operations",
      "credits",
      "included_credits",
      "package_credits",
      "prepaid_credits",
      "flex_credits",
    ]);
    const sum = (column: string) => rows.reduce((acc, row) => acc + BigInt(row[header!.indexOf(column)]!), 0n);
    expect(sum("operations")).toBe(operations);
    expect(sum("credits")).toBe(credits);
    // Every row is an hour of the chosen days.
    const days = new Set(rows.map((row) => row[1]!.slice(0, 10)));
    expect([...days].every((day) => day >= isoDay(12) && day <= isoDay(6))).toBe(true);
  });

  test("[USAGE][FORECAST] the Growth workspace has a forecast to the period end; a new workspace says why it has none", async ({
    page,
    browser,
  }) => {
    await signIn(page, demo.owner);
    await page.goto("/w/acme-vision/usage");
    const forecast = page.getByRole("region", { name: "Forecast" });
    await expect(forecast).toContainText("Expected bill for this period");
    await expect(forecast.getByTestId("forecast-total")).toHaveText(/^\$[\d,]+\.\d{2}$/);
    await page.getByRole("button", { name: "This period" }).click();
    await expect(page.getByText("the dashed line is the forecast to the end of the period")).toBeVisible();
    await shoot(page, "usage-period-forecast");
    await page.goto("/w/acme-vision");
    await expect(page.getByRole("region", { name: "Next charge" }).getByTestId("next-charge-amount")).toHaveText(/^≈ \$[\d,]+\.\d{2}$/);
    await shoot(page, "usage-overview");

    const context = await browser.newContext();
    const newcomer = await context.newPage();
    await signUp(newcomer, { name: "Nia New", email: freshEmail("usage"), password: "newcomer-password-123", workspace: "Nia's lab" });
    await expect(newcomer).toHaveURL(/\/w\/[a-z0-9-]+$/);
    const base = new URL(newcomer.url()).pathname;
    await newcomer.goto(`${base}/usage`);
    await expect(newcomer.getByTestId("forecast-absent")).toHaveText(
      "No forecast yet. There is no usage in the last 7 days to project from.",
    );
    await expect(newcomer.getByText("No usage in this range.").first()).toBeVisible();
    await context.close();
  });
});
