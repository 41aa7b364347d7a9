import { expect, test, type Page } from "@playwright/test";
import { demo, shoot, signIn } from "./fixtures";

// The ledger explorer under Credits (R10, R5): the demo owner's 90 days of
// usage, included credits, its top-up and its package, newest first, filtered
// by a plain GET form and paged by cursor. Other specs may add entries to the
// same workspace meanwhile, so nothing here counts them.

const LEDGER = "/w/acme-vision/credits/ledger";

const table = (page: Page) => page.getByRole("table", { name: "Ledger entries" });
const rows = (page: Page) => table(page).locator("tbody tr");
const kinds = (page: Page) => rows(page).evaluateAll((trs) => trs.map((tr) => tr.getAttribute("data-kind")));
const firstInstant = (page: Page) => rows(page).first().locator("time").getAttribute("datetime");

/** The page itself never scrolls sideways at phone width: the table scrolls inside its card. */
async function fitsPhone(page: Page) {
  const size = page.viewportSize();
  await page.setViewportSize({ width: 390, height: 844 });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  if (size) await page.setViewportSize(size);
  expect(overflow).toBeLessThanOrEqual(0);
}

test.describe("the ledger explorer", () => {
  test("[CREDITS][LEDGER] an owner opens the ledger from Credits, filters by kind and pages older and back", async ({ page }) => {
    await signIn(page, demo.owner);
    await page.goto("/w/acme-vision/credits");
    await page.getByRole("link", { name: "View the full ledger" }).click();
    await expect(page).toHaveURL(LEDGER);
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Ledger");
    // A page of Credits: its navigation item stays the current one.
    await expect(page.getByRole("navigation", { name: "Workspace" }).getByRole("link", { name: "Credits" })).toHaveAttribute(
      "aria-current",
      "page",
    );

    await expect(rows(page)).toHaveCount(50);
    await expect(page.getByRole("status").filter({ hasText: "The newest 50 entries" })).toBeVisible();
    // Charged usage shows the sources that paid it.
    const usage = rows(page).and(page.locator('[data-kind="usage"]')).first();
    await expect(usage.getByRole("list", { name: "Paid from" })).toBeVisible();
    await expect(page.getByRole("link", { name: "Newer entries" })).toHaveCount(0);
    await fitsPhone(page);
    await shoot(page, "ledger-owner");

    // Filter by a kind: only that kind, and the form shows the choice.
    await page.getByLabel("Kind").selectOption({ label: "Included credits" });
    await page.getByRole("button", { name: "Apply filters" }).click();
    await expect(page).toHaveURL(/kind=included/);
    await expect(page.getByLabel("Kind")).toHaveValue("included");
    await expect(rows(page).first()).toBeVisible();
    expect(new Set(await kinds(page))).toEqual(new Set(["included"]));
    await expect(rows(page).first()).toContainText("Included credits");
    await shoot(page, "ledger-filtered");

    // A filter that matches nothing, and the way out of it.
    await page.getByLabel("Kind").selectOption({ label: "Corrections" });
    await page.getByRole("button", { name: "Apply filters" }).click();
    await expect(page.getByText("No ledger entries match these filters")).toBeVisible();
    await shoot(page, "ledger-empty");
    await page.getByRole("main").getByRole("link", { name: "Clear filters" }).last().click();
    await expect(page).toHaveURL(LEDGER);
    await expect(rows(page)).toHaveCount(50);

    // Older entries, then back.
    const newest = await firstInstant(page);
    await page.getByRole("link", { name: "Older entries" }).click();
    await expect(page).toHaveURL(/before=/);
    await expect(page.getByRole("link", { name: "Newer entries" })).toBeVisible();
    await expect(rows(page)).toHaveCount(50);
    expect(await firstInstant(page)).not.toBe(newest);
    await shoot(page, "ledger-older");
    await page.getByRole("link", { name: "Newer entries" }).click();
    await expect(page).toHaveURL(/after=/);
    await expect(page.getByRole("status").filter({ hasText: "The newest 50 entries" })).toBeVisible();
    await expect(page.getByRole("link", { name: "Newer entries" })).toHaveCount(0);
    await expect(page.getByRole("link", { name: "Older entries" })).toBeVisible();
  });

  test("[CREDITS][LEDGER] a link edited by hand gets a message, not an error page", async ({ page }) => {
    await signIn(page, demo.owner);
    const response = await page.goto(`${LEDGER}?kind=refund&from=2026-13-01`);
    expect(response?.status()).toBe(200);
    const alert = page.getByRole("main").getByText("These filters could not be used");
    await expect(alert).toBeVisible();
    await expect(page.getByRole("main")).toContainText("Choose a kind from the list.");
    await expect(page.getByLabel("From", { exact: true })).toHaveAttribute("aria-invalid", "true");
    await shoot(page, "ledger-invalid");

    await page.goto(`${LEDGER}?before=notacursor`);
    await expect(page.getByText("This page link is not valid")).toBeVisible();
    await page.getByRole("link", { name: "Newest entries" }).click();
    await expect(rows(page)).toHaveCount(50);
  });

  test("[CREDITS][LEDGER][VIEWER] a viewer reads the ledger and filters it", async ({ page }) => {
    await signIn(page, demo.viewer);
    await page.goto("/w/acme-vision/credits");
    await page.getByRole("link", { name: "View the full ledger" }).click();
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Ledger");
    await expect(rows(page).first()).toBeVisible();
    await page.getByLabel("Kind").selectOption({ label: "Usage" });
    await page.getByLabel("Source").selectOption({ label: "Included" });
    await page.getByRole("button", { name: "Apply filters" }).click();
    await expect(page).toHaveURL(/kind=usage/);
    expect(new Set(await kinds(page))).toEqual(new Set(["usage"]));
    await expect(rows(page).first().getByRole("list", { name: "Paid from" })).toContainText("Included");
    await shoot(page, "ledger-viewer");
  });
});
