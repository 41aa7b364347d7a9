import fs from "node:fs";
import { expect, test, type Page } from "@playwright/test";
import { demo, freshEmail, shoot, signIn, signUp } from "./fixtures";

/**
 * page.goto that waits for the page to settle first and tries once more if a late client-side
 * refresh of the previous page aborted it (net::ERR_ABORTED).
 */
async function open(page: Page, url: string) {
  await page.waitForLoadState("networkidle");
  try {
    await page.goto(url);
  } catch (error) {
    if (!String(error).includes("ERR_ABORTED")) throw error;
    await page.goto(url);
  }
}

// The demo seed wrote one key per demo workspace here (R13).
const keys = () => JSON.parse(fs.readFileSync(".data/e2e/demo-keys.json", "utf8")) as Record<string, string>;

const DEMO_NOTE = "Demo payments: use 4242 4242 4242 4242 (succeeds) or 4000 0000 0000 0002 (declined)";

/** A new owner with a Free workspace of their own: nothing else touches its balance. Returns /w/<slug>. */
async function newOwner(page: Page, tag: string): Promise<string> {
  await signUp(page, { name: "Paula Payer", email: freshEmail(tag), password: "a long enough password", workspace: `Pay ${tag}` });
  await expect(page).toHaveURL(/\/w\/[a-z0-9-]+$/);
  return new URL(page.url()).pathname;
}

/** Saves a card through the test gateway's own form, starting from the Credits page's card button. */
async function saveCard(page: Page, start: () => Promise<void>, number: string) {
  await start();
  await expect(page).toHaveURL(/\/credits\/card\?session=tgss_/);
  await expect(page.getByText(DEMO_NOTE)).toBeVisible();
  await page.getByLabel("Card number").fill(number);
  await page.getByLabel("Expiry").fill("12/34");
  await page.getByLabel("CVC").fill("123");
  await page.getByLabel("Name on card").fill("Paula Payer");
  await page.getByRole("button", { name: "Save card" }).click();
  await expect(page).toHaveURL(/\/credits(\?|$)/);
  await expect(page.getByRole("status").filter({ hasText: "Card saved" })).toBeVisible();
  await expect(page.getByTestId("card-on-file")).toContainText(number.slice(-4));
}

const cardButton = (page: Page) =>
  page.getByRole("region", { name: "Payment method" }).getByRole("button", { name: /Add card|Replace card/ });

/** The exact prepaid balance the Credits page shows. */
async function prepaid(page: Page): Promise<bigint> {
  const text = await page.getByTestId("prepaid-exact").textContent();
  return BigInt(text!.replace(/\D/g, ""));
}

test.describe("payments", () => {
  test("[PAYMENTS][TOP-UP] an owner saves a 4242 card, buys $20 once, sets auto top-up; a declined card grants nothing", async ({
    page,
  }) => {
    // A long story (sign-up, card, top-up, auto top-up, a declined card): more than the default minute on a busy machine.
    test.setTimeout(120_000);
    const base = await newOwner(page, "topup");
    await open(page, `${base}/credits`);
    await expect(page.getByTestId("prepaid-exact")).toHaveText("0 credits exactly");

    // No card yet: buying asks for one first.
    await page.getByRole("button", { name: "Buy credits" }).click();
    const buy = page.getByRole("dialog", { name: "Buy prepaid credits" });
    await expect(buy.getByText("Add a card first")).toBeVisible();
    await expect(buy.getByRole("button", { name: "Pay $20.00" })).toBeDisabled();
    await buy.getByRole("button", { name: "Cancel" }).click();

    await saveCard(page, () => cardButton(page).click(), "4242 4242 4242 4242");
    const before = await prepaid(page);

    // $20 → exactly 40,000,000 credits, shown before paying; a double click is one top-up.
    await page.getByRole("button", { name: "Buy credits" }).click();
    await expect(buy.getByRole("radio", { name: "$20" })).toBeChecked();
    await expect(buy.getByTestId("top-up-credits")).toHaveText("40,000,000 credits");
    await expect(buy).toContainText("Visa •••• 4242");
    await buy.getByRole("button", { name: "Pay $20.00" }).dblclick();
    const added = page.getByRole("dialog", { name: "Credits added" });
    await expect(added).toContainText(/Added 40,000,000 credits · receipt MD-\d{6}/);
    const receipt = (await added.getByRole("link", { name: /^MD-\d{6}$/ }).textContent())!;
    await added.getByRole("button", { name: "Done" }).click();
    await expect.poll(() => prepaid(page)).toBe(before + 40_000_000n);

    // The receipt is an invoice, paid, with the credits in plain words.
    await open(page, `${base}/invoices`);
    const invoices = page.getByRole("table", { name: "Invoices" });
    await expect(invoices.getByRole("row").filter({ hasText: "Top-up receipt" })).toHaveCount(1);
    const row = invoices.getByRole("row").filter({ hasText: receipt });
    await expect(row).toContainText("Paid");
    await expect(row).toContainText("$20.00");
    await row.getByRole("link", { name: receipt }).click();
    await expect(page.getByRole("table", { name: "Invoice lines" })).toContainText("40,000,000 credits for $20.00");

    // Auto top-up: below $5 of prepaid, add $25, at most 3 times a month (prepaid is above it: nothing is charged now).
    await open(page, `${base}/credits`);
    await page.getByRole("button", { name: "Set up auto top-up" }).click();
    const auto = page.getByRole("dialog", { name: "Automatic top-up" });
    await expect(auto.getByRole("switch", { name: "Top up automatically" })).toHaveAttribute("aria-checked", "true");
    await auto.getByLabel("When prepaid credits fall below").fill("5");
    await expect(auto).toContainText("10,000,000 credits");
    await auto.getByLabel("Add", { exact: true }).fill("25");
    await auto.getByLabel("At most, times a month").fill("3");
    await expect(auto.getByText("No automatic top-ups this month.")).toBeVisible();
    await auto.getByRole("button", { name: "Save" }).click();
    await expect(auto).toBeHidden();
    const settings = page.getByRole("region", { name: "Auto top-up" });
    await expect(settings.getByText("On", { exact: true })).toBeVisible();
    await expect(page.getByTestId("auto-top-up-summary")).toContainText("$25.00, at most 3 times a month");
    await page.reload();
    await expect(page.getByTestId("auto-top-up-summary")).toContainText("10M credits ≈ $5.00");

    // A declining card: a clear message, nothing granted, no receipt.
    await saveCard(page, () => cardButton(page).click(), "4000 0000 0000 0002");
    const beforeDecline = await prepaid(page);
    await page.getByRole("button", { name: "Buy credits" }).click();
    await buy.getByText("Other", { exact: true }).click();
    await buy.getByLabel("Custom amount").fill("50");
    await expect(buy.getByTestId("top-up-credits")).toHaveText("100,000,000 credits");
    await buy.getByRole("button", { name: "Pay $50.00" }).click();
    const declined = buy.getByRole("alert").filter({ hasText: "The payment did not go through" });
    await expect(declined).toContainText("Your card was declined.");
    await expect(declined).toContainText("Nothing was charged and no credits were added.");
    await buy.getByRole("button", { name: "Cancel" }).click();
    await page.reload();
    expect(await prepaid(page)).toBe(beforeDecline);
    await open(page, `${base}/invoices`);
    await expect(page.getByRole("table", { name: "Invoices" }).getByRole("row").filter({ hasText: "Top-up receipt" })).toHaveCount(1);
  });

  test("[PAYMENTS][3DS] a card that needs authentication is confirmed on the bank's page, then the credits arrive", async ({ page }) => {
    const base = await newOwner(page, "threeds");
    await open(page, `${base}/credits`);
    await saveCard(page, () => cardButton(page).click(), "4000 0027 6000 3184");
    await page.getByRole("button", { name: "Buy credits" }).click();
    const buy = page.getByRole("dialog", { name: "Buy prepaid credits" });
    await buy.getByRole("button", { name: "Pay $20.00" }).click();
    await expect(buy.getByRole("alert")).toContainText("Your bank asks you to confirm this payment");
    await buy.getByRole("link", { name: "Confirm the payment" }).click();
    await expect(page.getByRole("heading", { level: 1, name: "Confirm this payment" })).toBeVisible();
    await expect(page.getByRole("main")).toContainText("40,000,000 prepaid credits");
    await page.getByRole("button", { name: "Confirm $20.00" }).click();
    await expect(page).toHaveURL(new RegExp(`${base}/credits`));
    await expect(page.getByRole("status").filter({ hasText: "Payment confirmed: credits added" })).toBeVisible();
    await expect(page.getByTestId("prepaid-exact")).toHaveText("40,000,000 credits exactly");
  });

  test("[PAYMENTS][ARREARS] the arrears account pays its open invoice: the banner goes away and flex works again", async ({
    page,
    request,
  }) => {
    const key = keys()[demo.arrears]!;
    // Four training runs are more than the Starter plan's included credits: the rest needs flex.
    const needsFlex = () =>
      request.post("/api/v1/operations", { headers: { authorization: `Key ${key}` }, data: { type: "train", runs: 4 } });
    const refused = await needsFlex();
    expect(refused.status()).toBe(402);
    expect((await refused.json()).status.code).toBe(11101);

    await signIn(page, demo.arrears);
    const banner = page.getByTestId("arrears-banner");
    await expect(banner).toContainText("your workspace is in its grace period");
    await expect(banner).toContainText(/The payment of invoice MD-\d{6} for \$[\d,.]+ failed: Your card was declined/);
    await expect(banner).toContainText("Calls that would need flex credits are refused");

    // Cancelling now would carry the unpaid invoice on the final one: the preview says so, and nothing is confirmed.
    const overdue = (await banner.textContent())!.match(/invoice (MD-\d{6})/)![1]!;
    await open(page, "/w/overdue-robotics/plan");
    await page.getByRole("button", { name: "Cancel plan" }).click();
    const cancel = page.getByRole("alertdialog", { name: "Cancel Starter?" });
    await expect(cancel.getByTestId("carried-over")).toContainText(`Invoice ${overdue}`);
    await shoot(page, "pay-cancel-carried-over");
    await cancel.getByRole("button", { name: "Keep my plan" }).click();
    await open(page, "/w/overdue-robotics");

    // The declining card on file fails again, and says so.
    await banner.getByRole("button", { name: "Pay now" }).click();
    const pay = page.getByRole("dialog", { name: /^Pay invoice MD-\d{6}$/ });
    await expect(pay).toContainText("Visa •••• 0002");
    await pay.getByRole("button", { name: /^Pay \$/ }).click();
    await expect(pay.getByRole("alert")).toContainText("Your card was declined.");
    await pay.getByRole("button", { name: "Cancel" }).click();
    await expect(banner).toBeVisible();

    await saveCard(page, () => banner.getByRole("button", { name: "Update card" }).click(), "4242 4242 4242 4242");
    // The server's billing run (every minute) also charges a new card for what is overdue: whichever comes first pays.
    // When the run wins, the page refreshes and the banner goes, possibly between seeing the button and clicking it.
    await page.reload();
    const payNow = banner.getByRole("button", { name: "Pay now" });
    const opened =
      (await payNow.isVisible()) &&
      (await payNow.click({ timeout: 5_000 }).then(
        () => true,
        () => false,
      ));
    if (opened) {
      await pay.getByRole("button", { name: /^Pay \$/ }).click();
      await expect(page.getByText(/Payment received: invoice MD-\d{6} is paid|is already paid|being paid/)).toBeVisible();
    }
    await page.reload();
    await expect(page.getByTestId("arrears-banner")).toHaveCount(0);
    await open(page, "/w/overdue-robotics/invoices");
    await expect(page.getByRole("table", { name: "Invoices" }).getByRole("row").filter({ hasText: "Open" })).toHaveCount(0);

    const allowed = await needsFlex();
    expect((await allowed.json()).status?.code).not.toBe(11101);
    expect(allowed.status()).toBe(200);
  });

  test("[PAYMENTS][VIEWER] a viewer sees the Credits page with no working buy, card or auto top-up controls", async ({ page, browser }) => {
    // The owner starts replacing the card; that server-action request is what a viewer would have to send.
    const ownerContext = await browser.newContext();
    const owner = await ownerContext.newPage();
    await signIn(owner, demo.owner);
    await owner.goto("/w/acme-vision/credits");
    const [actionRequest] = await Promise.all([
      owner.waitForRequest((request) => request.method() === "POST" && Boolean(request.headers()["next-action"])),
      cardButton(owner).click(),
    ]);
    await expect(owner).toHaveURL(/\/credits\/card\?session=/);
    const actionHeaders = actionRequest.headers();
    const actionBody = actionRequest.postDataBuffer()!;
    await ownerContext.close();

    await signIn(page, demo.viewer);
    await page.goto("/w/acme-vision/credits");
    await expect(page.getByRole("heading", { level: 1, name: "Credits" })).toBeVisible();
    await expect(page.getByText("You have view-only access")).toBeVisible();
    await expect(page.getByTestId("prepaid-exact")).toBeVisible();
    await expect(page.getByTestId("card-on-file")).toContainText("4242");
    await expect(page.getByText("Only owners and billing admins can change the card.")).toBeVisible();
    for (const name of ["Buy credits", "Add card", "Replace card", "Set up auto top-up", "Change auto top-up", "Pay now"]) {
      await expect(page.getByRole("button", { name })).toHaveCount(0);
    }

    // Replaying the owner's action with the viewer's session is refused.
    const response = await page.request.post("/w/acme-vision/credits", {
      headers: { "next-action": actionHeaders["next-action"]!, "content-type": actionHeaders["content-type"]!, accept: "text/x-component" },
      data: actionBody,
    });
    expect(response.status()).toBe(403);
  });
});
