import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Page } from "@playwright/test";
import { demo, shoot, signIn } from "./fixtures";

// The price calculator (R12) at /pricing, without signing in, and the last
// month priced on every plan on the Plan page.

const dollars = (text: string) => Math.round(Number(text.replace(/[^0-9.]/g, "")) * 100);
const planCard = (page: Page, code: string) => page.getByTestId(`plan-${code}`);

/** The monthly figure of every plan that serves all of the usage (cards without the "Refuses calls" badge). */
async function servingTotals(page: Page): Promise<Map<string, number>> {
  const totals = new Map<string, number>();
  for (const card of await page.locator("[data-testid^='plan-']").all()) {
    const id = (await card.getAttribute("data-testid"))!;
    if (!id.startsWith("plan-") || id === "plan-total") continue;
    if ((await card.getByText("Refuses calls").count()) > 0) continue;
    totals.set(id.slice("plan-".length), dollars((await card.getByTestId("plan-total").textContent()) ?? ""));
  }
  return totals;
}

async function seriousViolations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
  return results.violations
    .filter((violation) => violation.impact === "serious" || violation.impact === "critical")
    .map((violation) => `${violation.id}: ${violation.nodes.map((node) => node.target.join(" ")).join(", ")}`);
}

test.describe("price calculator", () => {
  test("[PRICING][CALC] typing volumes updates every plan's total as you type; the recommendation is the cheapest shown", async ({
    page,
  }) => {
    await page.goto("/pricing");
    await expect(page.getByText("Calculator coming soon")).toHaveCount(0);
    // No volumes yet: an empty state, not six cards of $0.00.
    await expect(page.getByTestId("estimate-empty")).toBeVisible();

    // 5,000 predictions: 1,000 free, 4,000 × 2,400 credits = 9.6M credits = $4.80 on pay as you go.
    await page.getByLabel("Predictions on images").fill("5,000");
    await expect(planCard(page, "payg").getByTestId("plan-total")).toHaveText(/\$4\.80/);
    await page.getByLabel("Images uploaded").fill("2k");
    await page.getByLabel("Searches").fill("2,000");
    // + 1,000 × 400 + 1,000 × 1,000 credits: 11M credits, $5.50.
    await expect(page.getByTestId("month-credits")).toHaveText("11M credits");
    await expect(planCard(page, "payg").getByTestId("plan-total")).toHaveText(/\$5\.50/);
    await expect(planCard(page, "starter_monthly").getByTestId("plan-total")).toHaveText(/\$30\.00/);
    await expect(planCard(page, "free").getByText("Refuses calls")).toBeVisible();
    await expect(planCard(page, "free").getByTestId("refused-after")).toContainText("refused after");
    await expect(page.getByTestId("recommended-plan")).toHaveText("Pay as you go");

    // A bigger workload: the recommendation moves, and it is the cheapest of the plans that serve it.
    await page.getByRole("button", { name: "Production app" }).click();
    await expect(page.getByLabel("Predictions on images")).toHaveValue("250k");
    await expect(page.getByTestId("recommended-plan")).toHaveText("Growth annual");
    const totals = await servingTotals(page);
    expect(totals.size).toBeGreaterThanOrEqual(5);
    const recommended = dollars((await page.getByTestId("recommended-total").textContent()) ?? "");
    expect(recommended).toBe(Math.min(...totals.values()));
    await expect(planCard(page, "growth_annual").getByTestId("annual-saving")).toHaveText(/Saves \$50\.00 a month against Growth monthly/);
    await expect(page.getByTestId("tier-breakdown").getByRole("cell", { name: "100,001 – 310,000" })).toBeVisible();
    await shoot(page, "calc-production");
  });

  test("[PRICING][CALC][SHARE] the page's link holds every input: opened in a new context it shows the same estimate", async ({
    page,
    browser,
  }) => {
    await page.goto("/pricing");
    await page.getByLabel("Predictions on images").fill("1.2M");
    await page.getByLabel("Video minutes analysed").fill("2,500");
    await page.getByLabel("Frames per second").fill("0.5");
    await page.getByLabel("Searches").fill("40k");
    await page.getByLabel("Training runs").fill("3");
    await expect(page.getByText("75,000 predictions a month at this frame rate.")).toBeVisible();
    await expect(page).toHaveURL(/predictions=1\.2M.*video=2%2C500.*fps=0\.5/);
    const recommended = await page.getByTestId("recommended-total").textContent();
    const plan = await page.getByTestId("recommended-plan").textContent();
    const payg = await planCard(page, "payg").getByTestId("plan-total").textContent();

    const other = await browser.newContext();
    const shared = await other.newPage();
    await shared.goto(page.url());
    await expect(shared.getByLabel("Predictions on images")).toHaveValue("1.2M");
    await expect(shared.getByLabel("Frames per second")).toHaveValue("0.5");
    await expect(shared.getByTestId("recommended-plan")).toHaveText(plan!);
    await expect(shared.getByTestId("recommended-total")).toHaveText(recommended!);
    await expect(planCard(shared, "payg").getByTestId("plan-total")).toHaveText(payg!);
    await other.close();
  });

  test("[PRICING][CALC][INVALID] negative, non-numeric and absurd volumes get a message by the field and the page keeps working", async ({
    page,
  }) => {
    const errors: string[] = [];
    page.on("pageerror", (error) => errors.push(String(error)));
    await page.goto("/pricing?predictions=5000");
    await expect(planCard(page, "payg").getByTestId("plan-total")).toHaveText(/\$4\.80/);

    const searches = page.getByLabel("Searches");
    await searches.fill("-5");
    await expect(page.getByText("Must not be negative.")).toBeVisible();
    await expect(searches).toHaveAttribute("aria-invalid", "true");
    // The last valid estimate stays, with a note; nothing shows NaN.
    await expect(page.getByText("Fix the highlighted field to update the estimate")).toBeVisible();
    await expect(planCard(page, "payg").getByTestId("plan-total")).toHaveText(/\$4\.80/);
    await searches.fill("lots");
    await expect(page.getByText("Enter a number, such as 25,000, 25k or 1.5M.")).toBeVisible();
    await page.getByLabel("Predictions on images").fill("999999999999");
    await expect(page.getByText("Enter at most 10,000,000,000 a month.")).toBeVisible();
    await page.getByLabel("Frames per second").fill("60");
    await expect(page.getByText("Frames per second must be between 0.1 and 30.")).toBeVisible();
    await expect(page.locator("main")).not.toContainText("NaN");
    await shoot(page, "calc-invalid");

    // Corrected, the estimate follows again.
    await searches.fill("");
    await page.getByLabel("Predictions on images").fill("5k");
    await page.getByLabel("Frames per second").fill("1");
    await expect(page.getByText("Fix the highlighted field to update the estimate")).toHaveCount(0);
    await expect(planCard(page, "payg").getByTestId("plan-total")).toHaveText(/\$4\.80/);
    // An invalid link opens with the message, not a crash.
    await page.goto("/pricing?uploads=-1");
    await expect(page.getByText("Must not be negative.")).toBeVisible();
    expect(errors).toEqual([]);
  });

  test("[PRICING][CALC][START] 'Start with' a plan takes the visitor to sign-up with that plan picked", async ({ page }) => {
    await page.goto("/pricing?uploads=50k&predictions=250k&video=1%2C000&searches=150k&training=2");
    await page.getByTestId("recommendation").getByRole("link", { name: "Start with Growth annual" }).click();
    await expect(page).toHaveURL(/\/sign-up\?plan=growth_annual$/);
    await expect(page.getByText(/You picked Growth annual/)).toBeVisible();
  });

  test("[PRICING][CALC][PHONE][A11Y] works at phone width without sideways scrolling, and axe finds no serious violation", async ({
    page,
  }) => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto("/pricing");
    await page.getByRole("button", { name: "Video pipeline" }).click();
    await expect(page.getByTestId("recommended-plan")).toHaveText(/Growth annual/);
    await page.getByLabel("Training runs").fill("x");
    await expect(page.getByText("Enter a number, such as 25,000, 25k or 1.5M.")).toBeVisible();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    expect(await seriousViolations(page)).toEqual([]);
    await page.setViewportSize({ width: 1280, height: 800 });
    expect(await seriousViolations(page)).toEqual([]);
  });

  test("[PLAN][LAST-MONTH] the Plan page prices the workspace's last complete month on every plan", async ({ page }) => {
    await signIn(page, demo.owner);
    await page.goto("/w/acme-vision/plan");
    const section = page.getByTestId("last-month");
    await expect(page.getByRole("heading", { name: "Your last month on every plan" })).toBeVisible();
    await expect(section.getByTestId("recommended-plan")).toBeVisible();
    await expect(section.getByTestId("switch-saving")).toBeVisible();
    await expect(section.getByTestId("plan-growth_monthly").getByText("Your plan")).toBeVisible();
    await shoot(page, "calc-plan-last-month");
    // The same month opens in the public calculator with the same figures.
    const recommended = await section.getByTestId("recommended-total").textContent();
    await section.getByRole("link", { name: "Open in the price calculator" }).click();
    await expect(page).toHaveURL(/\/pricing\?/);
    await expect(page.getByTestId("recommended-total")).toHaveText(recommended!);
  });
});
