import fs from "node:fs";
import { expect, test, type Page } from "@playwright/test";
import { demo, freshEmail, shoot, signIn, signUp } from "./fixtures";

// The demo seed wrote one key per demo workspace here (R13).
const keys = () => JSON.parse(fs.readFileSync(".data/e2e/demo-keys.json", "utf8")) as Record<string, string>;

/** A new owner with a Free workspace of their own: nothing else touches it. Returns /w/<slug>. */
async function newOwner(page: Page, tag: string): Promise<string> {
  await signUp(page, { name: "Paco Package", email: freshEmail(tag), password: "a long enough password", workspace: `Pkg ${tag}` });
  await expect(page).toHaveURL(/\/w\/[a-z0-9-]+$/);
  return new URL(page.url()).pathname;
}

async function saveCard(page: Page, base: string) {
  await page.goto(`${base}/credits`);
  await page.getByRole("region", { name: "Payment method" }).getByRole("button", { name: "Add card" }).click();
  await expect(page).toHaveURL(/\/credits\/card\?session=tgss_/);
  await page.getByLabel("Card number").fill("4242 4242 4242 4242");
  await page.getByLabel("Expiry").fill("12/34");
  await page.getByLabel("CVC").fill("123");
  await page.getByLabel("Name on card").fill("Paco Package");
  await page.getByRole("button", { name: "Save card" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Card saved" })).toBeVisible();
}

test.describe("packages and flex billing", () => {
  test("[PACKAGES][BUY] an owner buys a package once, sees its quota, switches auto-renewal and renews it", async ({ page, browser }) => {
    const base = await newOwner(page, "pkg");
    await page.goto(`${base}/packages`);
    await expect(page.getByText("No active packages")).toBeVisible();

    // No card yet: the dialog asks for one and cannot be confirmed.
    await page.getByRole("button", { name: "Buy 100,000 predict · 1 month" }).click();
    const buy = page.getByRole("dialog", { name: "Buy 100,000 predict · 1 month" });
    await expect(buy.getByText("Add a card first")).toBeVisible();
    await expect(buy.getByRole("button", { name: "Pay $100.00" })).toBeDisabled();
    await buy.getByRole("button", { name: "Cancel" }).click();

    await saveCard(page, base);
    await page.goto(`${base}/packages`);
    await page.getByRole("button", { name: "Buy 100,000 predict · 1 month" }).click();
    await expect(buy).toContainText("100,000 predict operations");
    await expect(buy).toContainText("Visa •••• 4242");
    await expect(buy).toContainText("$100.00");
    await shoot(page, "pkg-buy-dialog");
    // A double click is one purchase.
    await buy.getByRole("button", { name: "Pay $100.00" }).dblclick();
    const added = page.getByRole("dialog", { name: "Package added" });
    await expect(added).toContainText(/\$100\.00 charged to Visa •••• 4242 · invoice MD-\d{6}/);
    const invoice = (await added.getByRole("link", { name: /^MD-\d{6}$/ }).textContent())!;
    await added.getByRole("button", { name: "Done" }).click();

    const active = page.getByRole("region", { name: /^100,000 predict · 1 month, until / });
    await expect(active).toHaveCount(1);
    await expect(active.getByTestId("package-remaining")).toContainText("100,000 of 100,000 predict operations left");
    await expect(active.getByText("Expires")).toBeVisible();
    await shoot(page, "pkg-active");

    // Auto-renewal on: the badge follows; the action request is kept to replay as someone else.
    const autoRenew = active.getByRole("switch", { name: "Auto-renew 100,000 predict · 1 month" });
    await expect(autoRenew).toHaveAttribute("aria-checked", "false");
    const [actionRequest] = await Promise.all([
      page.waitForRequest((request) => request.method() === "POST" && Boolean(request.headers()["next-action"])),
      autoRenew.click(),
    ]);
    await expect(active.getByText("Auto-renews")).toBeVisible();
    await page.reload();
    await expect(autoRenew).toHaveAttribute("aria-checked", "true");
    await expect(active).toContainText(/another is bought for \$100\.00 with the card on file/);

    // Renew now: another of the same package, stacked.
    await active.getByRole("button", { name: "Renew 100,000 predict · 1 month" }).click();
    const renew = page.getByRole("dialog", { name: "Renew 100,000 predict · 1 month" });
    await expect(renew).toContainText("buys another of this package now");
    await shoot(page, "pkg-renew-dialog");
    await renew.getByRole("button", { name: "Pay $100.00" }).click();
    await page.getByRole("dialog", { name: "Package added" }).getByRole("button", { name: "Done" }).click();
    await expect(page.getByRole("region", { name: /^100,000 predict · 1 month, until / })).toHaveCount(2);
    await shoot(page, "pkg-active-two");

    // The invoices are paid.
    await page.goto(`${base}/invoices`);
    const row = page.getByRole("table", { name: "Invoices" }).getByRole("row").filter({ hasText: invoice });
    await expect(row).toContainText("Paid");
    await expect(row).toContainText("$100.00");

    // A member of another workspace (the demo viewer) replaying the switch is refused and changes nothing.
    const other = await browser.newContext();
    const stranger = await other.newPage();
    await signIn(stranger, demo.viewer);
    const headers = actionRequest.headers();
    const response = await stranger.request.post(`${base}/packages`, {
      headers: { "next-action": headers["next-action"]!, "content-type": headers["content-type"]!, accept: "text/x-component" },
      data: actionRequest.postDataBuffer()!,
    });
    expect(response.status()).toBeGreaterThanOrEqual(400);
    await other.close();
    await page.goto(`${base}/packages`);
    await expect(page.getByRole("switch", { name: "Auto-renew 100,000 predict · 1 month" }).first()).toHaveAttribute(
      "aria-checked",
      "true",
    );
  });

  test("[FLEX][OFF] with flex off, a call that needs flex gets 402 / 11100 through the API and charges nothing", async ({
    page,
    request,
    browser,
  }) => {
    // PAYG Studio: pay as you go with a card; no other spec depends on its flex setting.
    const key = keys()[demo.payg]!;
    const train = (runs: number) =>
      request.post("/api/v1/operations", { headers: { authorization: `Key ${key}` }, data: { type: "train", runs } });
    const balance = async () => (await (await request.get("/api/v1/balance", { headers: { authorization: `Key ${key}` } })).json()).balance;
    // One training run (20M credits) more than the prepaid balance covers: the last one needs flex.
    const justPastPrepaid = async () => Number(BigInt((await balance()).prepaid) / 20_000_000n) + 1;

    await signIn(page, demo.payg);
    await page.goto("/w/payg-studio/credits");
    const flex = page.getByRole("region", { name: "Flex billing" });
    await expect(flex.getByText("Off", { exact: true })).toBeVisible();
    await expect(flex.getByTestId("flex-explanation")).toContainText("402");
    await expect(flex.getByTestId("flex-explanation")).toContainText("11100");

    // On: the same call is paid, partly by flex.
    await flex.getByRole("button", { name: "Turn on flex" }).click();
    const turnOn = page.getByRole("dialog", { name: "Turn on flex billing?" });
    await turnOn.getByRole("button", { name: "Turn on flex" }).click();
    await expect(flex.getByText("On", { exact: true })).toBeVisible();
    const paid = await train(await justPastPrepaid());
    expect(paid.status()).toBe(200);
    expect(BigInt((await paid.json()).usage.sources.flex)).toBeGreaterThan(0n);

    // Off, after reading what it means.
    await flex.getByRole("button", { name: "Turn off flex" }).click();
    const turnOff = page.getByRole("dialog", { name: "Turn off flex billing?" });
    await expect(turnOff).toContainText("HTTP 402 with status code 11100");
    await shoot(page, "pkg-flex-off-dialog");
    await turnOff.getByRole("button", { name: "Turn off flex" }).click();
    await expect(turnOff).toHaveCount(0);
    await expect(flex.getByText("Off", { exact: true })).toBeVisible();
    await shoot(page, "pkg-flex-off");

    // A thousand runs need flex whatever the automatic top-up (started by the call above) has added by now.
    const before = await balance();
    const refused = await train(1000);
    expect(refused.status()).toBe(402);
    expect((await refused.json()).status.code).toBe(11100);
    expect((await balance()).flex_used).toBe(before.flex_used);

    // The Usage page explains it: refused because flex is off, what the client got, what to do.
    await page.goto("/w/payg-studio/usage");
    const refusals = page.getByRole("table", { name: "Refused calls" });
    // Refusals are written in the background every few seconds.
    await expect(async () => {
      await page.reload();
      await expect(refusals.getByRole("row").filter({ hasText: "Out of credits, flex off" })).toContainText("402 · 11100", {
        timeout: 1000,
      });
    }).toPass({ timeout: 20_000 });
    await expect(refusals.getByRole("row").filter({ hasText: "Out of credits, flex off" })).toContainText("Turn flex billing on");

    // A viewer (of Acme Vision) sees the flex card and its explanation without the switch.
    const viewerContext = await browser.newContext({ viewport: { width: 390, height: 844 } });
    const viewer = await viewerContext.newPage();
    await signIn(viewer, demo.viewer);
    await viewer.goto("/w/acme-vision/credits");
    const viewerFlex = viewer.getByRole("region", { name: "Flex billing" });
    await expect(viewerFlex.getByTestId("flex-explanation")).toBeVisible();
    await expect(viewerFlex.getByRole("button")).toHaveCount(0);
    await shoot(viewer, "pkg-flex-viewer");
    await viewerContext.close();
  });
});
