import { expect, test } from "@playwright/test";
import { demo, shoot, signIn } from "./fixtures";

// The billing timeline on the Plan page (R10). Free Labs is seeded on the
// latest 31st (lib/db/seed/demo.ts), so its included credits reset on the
// last day of every shorter month (R4.2): the page says the date moved.
// Both workspaces are only read here.

const monthHeading = new Intl.DateTimeFormat("en-US", { month: "long", year: "numeric", timeZone: "UTC" });

/** The last day of the next February whose reset (09:00 UTC, the seed's sign-up hour) is still ahead. */
function nextFebruaryEnd(now: Date): Date {
  for (let year = now.getUTCFullYear(); ; year += 1) {
    const end = new Date(Date.UTC(year, 2, 0, 9));
    if (end > now) return end;
  }
}

test.describe("billing timeline", () => {
  test("[PLAN][TIMELINE] a workspace anchored on the 31st sees its February date moved to the month's last day", async ({ page }) => {
    await signIn(page, demo.free);
    await page.goto("/w/free-labs/plan");
    const timeline = page.getByRole("region", { name: "Billing timeline" });
    await expect(timeline).toBeVisible();

    const february = nextFebruaryEnd(new Date());
    const iso = february.toISOString().slice(0, 10);
    await expect(timeline.getByRole("heading", { level: 3, name: monthHeading.format(february) })).toBeVisible();
    const day = timeline.getByRole("listitem").filter({ has: page.locator(`time[datetime="${iso}"]`) });
    await expect(day).toHaveCount(1);
    await expect(day).toContainText("Included credits reset");
    await expect(day).toContainText("Moved to the last day of the month: February has no 31st.");
    // Free is never charged; months that have a 31st keep it.
    await expect(timeline).not.toContainText("plan fee");
    await expect(timeline.locator('time[datetime$="-31"]').first()).toBeVisible();
    await expect(timeline).not.toContainText(/\bR\d+\.\d+/);
    await shoot(page, "timeline-free");
  });

  test("[PLAN][TIMELINE] the owner's timeline shows the Growth fees with flex, the resets and the package's expiry", async ({ page }) => {
    await signIn(page, demo.owner);
    await page.goto("/w/acme-vision/plan");
    const timeline = page.getByRole("region", { name: "Billing timeline" });
    await expect(page.getByRole("heading", { level: 2, name: "Billing timeline" })).toBeVisible();
    await expect(page.getByText(/^The next 12 charges, with the credit resets, expiries and deadlines around them, through/)).toBeVisible();
    // One item per event inside each day's item: twelve charges, each the Growth fee with its period's flex.
    const charges = timeline.locator('li[data-kind="charge"]');
    await expect(charges).toHaveCount(12);
    await expect(charges.filter({ hasText: "Growth plan fee" }).filter({ hasText: "$300.00 + flex usage" })).toHaveCount(12);
    await expect(timeline.locator('li[data-kind="included_reset"]').first()).toContainText("750M credits");
    await expect(timeline).toContainText("Package expires: 1,000,000 predict · 1 year");
    await expect(timeline).not.toContainText(/\bR\d+\.\d+/);
    await shoot(page, "timeline-owner");
  });
});
