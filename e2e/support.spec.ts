import fs from "node:fs";
import { expect, test } from "@playwright/test";
import { demo, freshEmail, shoot, signIn, signUp } from "./fixtures";

// The support console's actions (R11), as support@demo.meterdesk.dev, on an
// account of the test's own (no demo workspace's balance changes under
// another spec).

test.describe("support console", () => {
  test("[SUPPORT][GRANT] support finds an account by email prefix, previews a grant of 10,000,000 credits, grants it once with a reason; the customer sees it", async ({
    page,
    browser,
  }) => {
    const email = freshEmail("grant");
    await signUp(page, { name: "Gina Granted", email, password: "a long enough password", workspace: "Granted Goods" });
    await expect(page).toHaveURL(/\/w\/[a-z0-9-]+$/);
    const base = new URL(page.url()).pathname;

    const staff = await browser.newContext();
    const console_ = await staff.newPage();
    await signIn(console_, demo.support);
    const prefix = email.split("@")[0]!.slice(0, 18);
    await console_.getByLabel(/search/i).fill(prefix);
    await console_.getByLabel(/search/i).press("Enter");
    await console_.getByRole("link", { name: "Granted Goods" }).click();
    await expect(console_.getByRole("heading", { level: 1, name: "Granted Goods" })).toBeVisible();

    await console_.getByLabel("Credits").fill("10,000,000");
    await console_
      .getByTestId("grant-action")
      .getByLabel(/^Reason/)
      .fill("goodwill for the outage");
    await console_.getByRole("button", { name: "Preview the grant" }).click();
    const preview = console_.getByTestId("grant-preview");
    await expect(preview.getByTestId("grant-preview-after")).toHaveText("10,000,000 credits ≈ $5.00");
    await shoot(console_, "support-grant-preview");
    await console_.getByRole("button", { name: "Grant 10,000,000 credits" }).click();
    await expect(console_.getByText("Granted. Prepaid is now 10,000,000 credits ≈ $5.00.")).toBeVisible();
    await expect(console_.getByRole("button", { name: /^Grant / })).toHaveCount(0);
    await console_.reload();
    const log = console_.getByRole("table", { name: "Audit log" });
    await expect(
      log.getByRole("row").filter({ hasText: "support.grant_prepaid" }).filter({ hasText: "goodwill for the outage" }),
    ).toHaveCount(1);
    await staff.close();

    // The customer's Credits page shows the grant, exactly once.
    await page.goto(`${base}/credits`);
    await expect(page.getByTestId("prepaid-exact")).toHaveText("10,000,000 credits exactly");
  });
});

// The account in arrears of the demo that no other spec changes (arrears@ is paid by the payments spec).
const LATE = { name: "Late Logistics", slug: "late-logistics" };
const keys = () => JSON.parse(fs.readFileSync(".data/e2e/demo-keys.json", "utf8")) as Record<string, string>;

test.describe("support console on an account in arrears", () => {
  test("[SUPPORT][ACTIONS] support finds the account by email prefix and invoice number, grants credits, sets a custom limit, extends grace and voids the overdue invoice — each previewed, each seen where the customer looks", async ({
    page,
    browser,
    request,
  }) => {
    test.setTimeout(120_000);
    const key = keys()[demo.late]!;
    const balance = async () =>
      (await (await request.get("/api/v1/balance", { headers: { authorization: `Bearer ${key}` } })).json()) as {
        balance: { prepaid: string };
        rate_limits: { per_second: number | null };
      };
    /** `count` metering calls at once; how many the rate limit refused. */
    const burst = async (count: number) => {
      const replies = await Promise.all(
        Array.from({ length: count }, () =>
          request.post("/api/v1/operations", { headers: { authorization: `Key ${key}` }, data: { type: "search", inputs: 1 } }),
        ),
      );
      return replies.filter((reply) => reply.status() === 429).length;
    };

    await signIn(page, demo.support);
    const search = async (query: string) => {
      await page.goto("/support");
      await page.getByLabel(/search/i).fill(query);
      await page.getByLabel(/search/i).press("Enter");
      await expect(page.getByRole("link", { name: LATE.name })).toBeVisible();
    };
    await search("late@");
    await page.getByRole("link", { name: LATE.name }).click();
    await expect(page.getByRole("heading", { level: 1, name: LATE.name })).toBeVisible();
    const accountUrl = page.url();
    const invoiceNumber = (await page
      .getByRole("table", { name: "Invoices" })
      .first()
      .getByText(/^MD-\d{6}$/)
      .first()
      .textContent())!;
    await search(invoiceNumber);
    await page.goto(accountUrl);

    // Grant 10,000,000 credits: the API's balance has them.
    const prepaidBefore = BigInt((await balance()).balance.prepaid);
    await page.getByLabel("Credits").fill("10,000,000");
    await page
      .getByTestId("grant-action")
      .getByLabel(/^Reason/)
      .fill("goodwill for the outage");
    await page.getByRole("button", { name: "Preview the grant" }).click();
    await expect(page.getByTestId("grant-preview")).toBeVisible();
    await page.getByRole("button", { name: "Grant 10,000,000 credits" }).click();
    await expect(page.getByText(/^Granted\. Prepaid is now/)).toBeVisible();
    expect(BigInt((await balance()).balance.prepaid)).toBe(prepaidBefore + 10_000_000n);

    // The plan allows 15 requests a second: 40 at once are partly refused. A custom 30 a second admits 20 at once.
    expect(await burst(40)).toBeGreaterThan(0);
    const limit = page.getByTestId("rate-limit-action");
    await limit.getByLabel("Requests per second").fill("30");
    await limit.getByLabel(/^Reason/).fill("launch week");
    await limit.getByRole("button", { name: "Preview the limit" }).click();
    await expect(limit.getByTestId("rate-limit-preview-second")).toHaveText("15 requests per second → 30 requests per second");
    await shoot(page, "support-rate-limit-preview");
    await limit.getByRole("button", { name: "Apply the limit" }).click();
    await expect(limit.getByText(/^Applied\. The API now allows 30 requests per second/)).toBeVisible();
    await expect.poll(async () => (await balance()).rate_limits.per_second).toBe(30);
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    expect(await burst(20)).toBe(0);

    // Extend grace by 10 days: the customer's Overview shows the new deadline.
    const customer = await browser.newContext();
    const overview = await customer.newPage();
    await signIn(overview, demo.late);
    await overview.goto(`/w/${LATE.slug}`);
    const banner = overview.getByTestId("arrears-banner");
    await expect(banner).toContainText("your workspace is in its grace period");
    const grace = page.getByTestId("grace-action");
    await grace.getByLabel("Extend by (days)").fill("10");
    await grace.getByLabel(/^Reason/).fill("waiting for the customer's new card");
    await grace.getByRole("button", { name: "Preview the new deadline" }).click();
    const newDeadline = (await grace.getByTestId("grace-preview-after").textContent())!.split(" → ")[1]!.replace(/, \d\d:\d\d UTC$/, "");
    await grace.getByRole("button", { name: "Extend by 10 days" }).click();
    await expect(grace.getByText(/^Extended\. Grace now ends/)).toBeVisible();
    await overview.reload();
    await expect(banner).toContainText(`Pay by ${newDeadline} to keep your service`);

    // Void the overdue invoice: nothing is overdue any more, and the customer's banner is gone.
    const voiding = page.getByTestId("void-action");
    await voiding.getByLabel(/^Reason/).fill("billed twice by mistake");
    await voiding.getByRole("button", { name: "Preview the void" }).click();
    await expect(voiding.getByTestId("void-preview-standing")).toHaveText("Back in good standing: nothing overdue is left");
    await shoot(page, "support-void-preview");
    await voiding.getByRole("button", { name: /^Void MD-\d{6}$/ }).click();
    await expect(voiding.getByText(/is void\. The account is back in good standing\.$/)).toBeVisible();
    await overview.reload();
    await expect(overview.getByTestId("arrears-banner")).toHaveCount(0);
    await customer.close();

    // Every action is in the audit log, with its reason.
    await page.reload();
    const log = page.getByRole("table", { name: "Audit log" });
    for (const [action, reason] of [
      ["support.grant_prepaid", "goodwill for the outage"],
      ["support.set_rate_limit", "launch week"],
      ["support.extend_grace", "waiting for the customer's new card"],
      ["support.void_invoice", "billed twice by mistake"],
    ]) {
      await expect(log.getByRole("row").filter({ hasText: action! }).filter({ hasText: reason! })).toHaveCount(1);
    }
  });
});
