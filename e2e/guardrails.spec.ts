import { expect, test } from "@playwright/test";
import { demo, shoot, signIn } from "./fixtures";

// The billing guardrails on the settings page (R14): the preview of last
// period follows what is typed, a bad amount is refused by its field and
// nothing is saved, and a saved alert that the balance has already crossed
// reaches the workspace's notification list through the billing run.

test.describe("billing guardrails", () => {
  test("[GUARDRAILS][PREVIEW] the preview of last period follows what the owner types: alert days, the cap, the alerts switched off", async ({
    page,
  }) => {
    await signIn(page, demo.owner);
    await page.goto("/w/acme-vision/settings#guardrails");
    const form = page.getByRole("form", { name: "Billing guardrails" });
    await expect(form).toHaveAttribute("data-live", "true");
    const preview = page.getByTestId("guardrail-preview");
    await expect(form).toBeVisible();
    await expect(page.getByRole("heading", { name: "Last period, with these settings" })).toBeVisible();
    // Seeded with the included alerts on and a flex alert: the preview dates them from last period's usage.
    await expect(form.getByRole("switch", { name: "Included credits alerts" })).toHaveAttribute("aria-checked", "true");
    await expect(preview.getByText(/Emails at 50% on [A-Z][a-z]{2} \d{1,2}/)).toBeVisible();

    // Last period's own figures: the seeded flex alert was not passed, since prepaid paid for everything past the included credits.
    const spend = (await page.getByText(/flex came to \$[\d,.]+ and auto top-ups to \$[\d,.]+\./).textContent())!;
    expect(spend).toMatch(/flex came to \$0\.00/);
    await expect(preview.getByText("Flex never passed that amount: no email.")).toBeVisible();

    // A prepaid alert far above the balance would have been sent the day the period began.
    const prepaid = form.getByLabel("Email when prepaid credits fall below");
    await expect(preview.getByText("Off.").first()).toBeVisible();
    await prepaid.fill("5000");
    await expect(preview.getByText(/^An email on [A-Z][a-z]{2} \d{1,2}, when prepaid fell below 10,000,000,000 credits\.$/)).toBeVisible();
    await prepaid.fill("1");
    await expect(preview.getByText("Prepaid never fell that low: no email.")).toBeVisible();

    // With no flex last period, even a $0 cap would have refused nothing.
    const cap = form.getByLabel("Monthly spend cap on flex and auto top-ups");
    await expect(cap).toHaveValue("");
    await expect(preview.getByText("No cap: nothing would have been refused.")).toBeVisible();
    await cap.fill("0");
    await expect(preview.getByText("Not reached: no call would have been refused.")).toBeVisible();
    await shoot(page, "settings-guardrails-preview");

    // Turning the included alerts off takes them out of the preview.
    await form.getByRole("switch", { name: "Included credits alerts" }).click();
    await expect(preview.getByText(/Emails at 50%/)).toHaveCount(0);
    await cap.fill("");
    await expect(preview.getByText("No cap: nothing would have been refused.")).toBeVisible();
    await prepaid.fill("");
    // Nothing was saved: a reload shows the seeded settings.
    await page.reload();
    await expect(
      page.getByRole("form", { name: "Billing guardrails" }).getByRole("switch", { name: "Included credits alerts" }),
    ).toHaveAttribute("aria-checked", "true");
  });

  test("[GUARDRAILS][INVALID] an amount that is not dollars gets a message by its field and nothing is saved", async ({ page }) => {
    await signIn(page, demo.owner);
    await page.goto("/w/acme-vision/settings");
    const form = page.getByRole("form", { name: "Billing guardrails" });
    await expect(form).toHaveAttribute("data-live", "true");
    const flex = form.getByLabel("Email when flex this period passes");
    const before = await flex.inputValue();
    await flex.fill("lots");
    await form.getByRole("button", { name: "Save guardrails" }).click();
    await expect(form.getByText("Enter an amount in dollars, such as 50, or leave it empty.")).toBeVisible();
    await expect(form.getByText("Guardrails saved.")).toHaveCount(0);
    await page.reload();
    await expect(page.getByRole("form", { name: "Billing guardrails" }).getByLabel("Email when flex this period passes")).toHaveValue(
      before,
    );
  });

  test("[GUARDRAILS][ALERT] a prepaid alert above the balance is saved, and the billing run lists it under Notifications", async ({
    page,
  }) => {
    test.setTimeout(150_000);
    await signIn(page, demo.owner);
    await page.goto("/w/acme-vision/settings");
    const form = page.getByRole("form", { name: "Billing guardrails" });
    await expect(form).toHaveAttribute("data-live", "true");
    const prepaid = form.getByLabel("Email when prepaid credits fall below");
    // Acme Vision holds about $300 of prepaid credits: an alert at $5,000 has been crossed already.
    await prepaid.fill("5000");
    await expect(form.getByText("10,000,000,000 credits")).toBeVisible();
    await form.getByRole("button", { name: "Save guardrails" }).click();
    await expect(form.getByText("Guardrails saved.")).toBeVisible();
    await page.reload();
    await expect(page.getByRole("form", { name: "Billing guardrails" }).getByLabel("Email when prepaid credits fall below")).toHaveValue(
      "5000",
    );

    // The billing run checks the alerts every minute; the notice is listed whether or not anyone is emailed.
    await page.getByRole("navigation").getByRole("link", { name: "Notifications" }).first().click();
    await expect(page.getByRole("heading", { level: 1, name: "Notifications" })).toBeVisible();
    await expect
      .poll(
        async () => {
          await page.reload();
          return page
            .getByRole("list", { name: "Notifications" })
            .getByText(/prepaid/i)
            .count();
        },
        { timeout: 120_000, intervals: [5_000] },
      )
      .toBeGreaterThan(0);
    await shoot(page, "notifications");

    // Put the alert back as it was, for the other tests on this workspace.
    await page.goto("/w/acme-vision/settings");
    const again = page.getByRole("form", { name: "Billing guardrails" });
    await expect(again).toHaveAttribute("data-live", "true");
    await again.getByLabel("Email when prepaid credits fall below").fill("");
    await again.getByRole("button", { name: "Save guardrails" }).click();
    await expect(again.getByText("Guardrails saved.")).toBeVisible();
  });
});
