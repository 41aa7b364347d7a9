import { expect, test } from "@playwright/test";

// components/shell/fonts.ts: Inter is fetched after a first visit's load (the
// fallback paints first), and a later visit uses it from the first paint.
test("[SHELL][FONT] a first visit paints in the fallback and swaps to Inter after load; the next visit starts in Inter", async ({
  page,
}) => {
  await page.addInitScript(() => {
    document.addEventListener("DOMContentLoaded", () => {
      (window as unknown as { __fontsAtParse: boolean }).__fontsAtParse = document.documentElement.hasAttribute("data-fonts");
    });
  });
  const fontsAtParse = () => page.evaluate(() => (window as unknown as { __fontsAtParse: boolean }).__fontsAtParse);
  // Computed styles and the CSS variable quote family names differently.
  const unquoted = (family: string) => family.replace(/["']/g, "");
  const bodyFont = async () => unquoted(await page.evaluate(() => getComputedStyle(document.body).fontFamily));

  await page.goto("/pricing");
  expect(await fontsAtParse()).toBe(false);
  await expect(page.locator("html")).toHaveAttribute("data-fonts", "");
  const inter = await page.evaluate(() => getComputedStyle(document.documentElement).getPropertyValue("--font-inter-latin").trim());
  expect(inter).not.toBe("");
  // Loaded, and first in the body's stack (before the fallback face).
  expect(await page.evaluate((family) => document.fonts.check(`1em ${family}`), inter)).toBe(true);
  expect((await bodyFont()).startsWith(unquoted(inter))).toBe(true);
  expect(await page.evaluate(() => window.localStorage.getItem("meterdesk-fonts"))).toBe("1");

  await page.goto("/sign-in");
  expect(await fontsAtParse()).toBe(true);
  expect((await bodyFont()).startsWith(unquoted(inter))).toBe(true);
});
