import { expect, test, type Page } from "@playwright/test";
import { demo, shoot, signIn } from "./fixtures";

// A viewer reads every page of the workspace and can change nothing of it
// (R10): where an owner has a button, the viewer has none and is told why.
// The one form a viewer keeps is their own email choices; controls that only
// choose what to look at (a range, the ledger's filters) are marked
// data-view-control and change nothing. (That the actions
// themselves refuse a viewer, whatever the page shows, is proven call by
// call in tests/integration/action-access.test.ts and by replaying an
// owner's request in access.spec.ts.)

const PAGES = [
  { path: "", heading: "Overview" },
  { path: "/usage", heading: "Usage" },
  { path: "/credits", heading: "Credits" },
  { path: "/credits/ledger", heading: "Ledger" },
  { path: "/packages", heading: "Packages" },
  { path: "/plan", heading: "Plan" },
  { path: "/invoices", heading: "Invoices" },
  { path: "/api-keys", heading: "API keys" },
  { path: "/notifications", heading: "Notifications" },
  { path: "/settings", heading: "Settings" },
];

/** Every enabled control in the page's main area, outside the member's own email choices and the view controls. */
async function enabledControls(page: Page): Promise<string[]> {
  return page.locator("main").evaluate((main) =>
    [...main.querySelectorAll<HTMLElement>("button, input:not([type=hidden]), select, textarea, [role=switch], [contenteditable=true]")]
      .filter((el) => !el.closest('form[aria-label="Email notices"], [data-view-control]'))
      .filter((el) => !(el as HTMLButtonElement).disabled && el.getAttribute("aria-disabled") !== "true")
      .map((el) => (el.getAttribute("aria-label") ?? el.textContent ?? el.tagName).trim()),
  );
}

test.describe("a viewer", () => {
  test("[ACCESS][VIEWER] sees every page with every change the owner could make taken away", async ({ page, browser }) => {
    test.setTimeout(120_000);
    const ownerContext = await browser.newContext();
    const owner = await ownerContext.newPage();
    await signIn(owner, demo.owner);
    await signIn(page, demo.viewer);

    const firstInvoice = async (who: Page) => {
      await who.goto("/w/acme-vision/invoices");
      return (await who.locator("main a[href*='/invoices/']").first().getAttribute("href"))!;
    };
    const pages = [...PAGES.map((p) => ({ ...p, url: `/w/acme-vision${p.path}` }))];
    pages.push({ path: "/invoices/[number]", heading: "", url: await firstInvoice(page) });

    const ownerOnly: string[] = [];
    for (const entry of pages) {
      const ownerResponse = await owner.goto(entry.url);
      expect(ownerResponse?.status()).toBe(200);
      // The load event can come before the streamed page replaces its loading skeleton: wait for the page itself.
      await expect(owner.getByRole("heading", { level: 1 })).toBeVisible();
      const ownerControls = await enabledControls(owner);

      const response = await page.goto(entry.url);
      expect([entry.path, response?.status()]).toEqual([entry.path, 200]);
      const heading = page.getByRole("heading", { level: 1 });
      await expect(heading).toBeVisible();
      if (entry.heading) await expect(heading).toHaveText(entry.heading);
      expect([entry.path, await enabledControls(page)]).toEqual([entry.path, []]);
      if (ownerControls.length > 0) {
        ownerOnly.push(entry.path);
        await expect(page.getByText("You have view-only access")).toBeVisible();
      }
      await shoot(page, `viewer${entry.path.replaceAll(/[/[\]]+/g, "-") || "-overview"}`);
    }
    // The pages where an owner changes billing, keys and members: the viewer's are all read-only above.
    expect(ownerOnly).toEqual(["/credits", "/packages", "/plan", "/api-keys", "/settings"]);

    // Their own email choices stay theirs to save.
    await page.goto("/w/acme-vision/settings");
    const notices = page.getByRole("form", { name: "Email notices" });
    await expect(notices.getByRole("button", { name: "Save email choices" })).toBeEnabled();
    await ownerContext.close();
  });
});
