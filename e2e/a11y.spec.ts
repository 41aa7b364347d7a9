import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Page } from "@playwright/test";
import { demo, signIn } from "./fixtures";

// Accessibility (R10): axe finds no serious or critical violation on any
// customer page or public page, at desktop and at phone width.

const WORKSPACE_PAGES = [
  "",
  "/usage",
  "/invoices",
  "/plan",
  "/credits",
  "/credits/ledger",
  "/packages",
  "/api-keys",
  "/notifications",
  "/settings",
];
const PUBLIC_PAGES = ["/pricing", "/sign-in", "/sign-up"];
const WIDTHS = [
  { name: "desktop", width: 1280, height: 800 },
  { name: "phone", width: 390, height: 844 },
];

async function seriousViolations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
  return results.violations
    .filter((violation) => violation.impact === "serious" || violation.impact === "critical")
    .map((violation) => `${violation.id} (${violation.impact}): ${violation.nodes.map((node) => node.target.join(" ")).join(", ")}`);
}

for (const size of WIDTHS) {
  test(`[A11Y] customer pages have no serious or critical axe violations at ${size.name} width`, async ({ page }) => {
    test.setTimeout(180_000);
    await page.setViewportSize(size);
    await signIn(page, demo.owner);
    await page.goto("/w/acme-vision/invoices");
    const invoice = await page.locator("main a[href*='/invoices/MD-']").first().getAttribute("href");
    for (const path of [...WORKSPACE_PAGES.map((p) => `/w/acme-vision${p}`), invoice!]) {
      await page.goto(path);
      await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
      // Charts and the usage data arrive after the first paint.
      await page.waitForLoadState("networkidle");
      expect([path, await seriousViolations(page)]).toEqual([path, []]);
    }
  });

  test(`[A11Y] public pages have no serious or critical axe violations at ${size.name} width`, async ({ page }) => {
    await page.setViewportSize(size);
    for (const path of PUBLIC_PAGES) {
      await page.goto(path);
      await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
      expect([path, await seriousViolations(page)]).toEqual([path, []]);
    }
  });
}
