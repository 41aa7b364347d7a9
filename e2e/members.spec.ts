import fs from "node:fs";
import path from "node:path";
import { expect, test, type Page } from "@playwright/test";
import { demo, freshEmail, shoot, signIn, signUp } from "./fixtures";

// The e2e server (scripts/e2e-server.sh) runs from the repository root with the
// default OUTBOX_DIR, so its emails are .eml files here.
const OUTBOX = path.resolve(process.env.OUTBOX_DIR ?? ".data/outbox");

/** Quoted-printable soft line breaks and escapes, as the mail composer writes long lines. */
function decodeQuotedPrintable(raw: string): string {
  return raw.replace(/=\r?\n/g, "").replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

/** The invitation link of the newest .eml addressed to `email`. */
async function invitationLink(email: string): Promise<string> {
  let link: string | null = null;
  await expect
    .poll(
      () => {
        if (!fs.existsSync(OUTBOX)) return null;
        const files = fs
          .readdirSync(OUTBOX)
          .filter((name) => name.endsWith(".eml"))
          .map((name) => path.join(OUTBOX, name))
          .sort((a, b) => fs.statSync(b).mtimeMs - fs.statSync(a).mtimeMs);
        for (const file of files) {
          const text = decodeQuotedPrintable(fs.readFileSync(file, "utf8"));
          if (!text.includes(email)) continue;
          const match = /https?:\/\/[^\s"<>]+\/invite\/[A-Za-z0-9_-]+/.exec(text);
          if (match) {
            link = match[0];
            return link;
          }
        }
        return null;
      },
      { timeout: 30_000, message: `an invitation email to ${email} in ${OUTBOX}` },
    )
    .not.toBeNull();
  return link!;
}

/** The settings page has hydrated: what is typed from now on stays (a form filled before that is reset). */
async function settingsLive(page: Page) {
  await expect(page.getByRole("form", { name: "Billing guardrails" })).toHaveAttribute("data-live", "true");
}

test.describe("members and roles", () => {
  test("[MEMBERS] an owner invites a teammate, who signs up through the emailed link and sees the workspace", async ({ page, browser }) => {
    const invitee = freshEmail("invitee");
    await signIn(page, demo.owner);
    await page.goto("/w/acme-vision/settings");
    await settingsLive(page);
    const form = page.getByRole("form", { name: "Invite member" });
    await form.getByLabel("Email").fill(invitee);
    await form.getByLabel("Role").selectOption("BILLING_ADMIN");
    await form.getByRole("button", { name: "Send invitation" }).click();
    await expect(form.getByText(`Invitation sent to ${invitee}.`)).toBeVisible();
    await expect(page.getByRole("table", { name: "Open invitations" }).getByText(invitee)).toBeVisible();
    await shoot(page, "mem-settings-owner");

    const link = await invitationLink(invitee);
    const { pathname } = new URL(link);

    // The invitee, in a browser that is not signed in.
    const context = await browser.newContext();
    const guest = await context.newPage();
    await guest.goto(pathname);
    await expect(guest.getByRole("heading", { name: "Join Acme Vision" })).toBeVisible();
    await expect(guest.getByText(invitee)).toBeVisible();
    await shoot(guest, "mem-invite-guest");
    await guest.getByRole("link", { name: "Create an account" }).click();
    await expect(guest).toHaveURL(/\/sign-up\?next=/);
    await expect(guest.getByRole("heading", { name: "Create your account to join Acme Vision" })).toBeVisible();
    await expect(guest.getByLabel("Email")).toHaveValue(invitee);
    // Joining asks for no workspace of one's own.
    await expect(guest.getByLabel("Workspace name")).toHaveCount(0);
    await shoot(guest, "mem-invite-sign-up");
    await guest.getByLabel("Name", { exact: true }).fill("Ivy Invitee");
    await guest.getByLabel("Password").fill("invitee-password-123");
    await guest.getByRole("button", { name: "Create account" }).click();

    // Signed in, a member of Acme Vision from the moment the account exists, and of nothing else.
    await expect(guest).toHaveURL(/\/w\/acme-vision$/);
    await guest.goto("/");
    await expect(guest).toHaveURL(/\/w\/acme-vision$/);

    await guest.goto("/w/acme-vision/settings");
    const members = guest.getByRole("table", { name: "Members" });
    await expect(members.getByRole("row", { name: /Ivy Invitee/ })).toContainText(invitee);
    // A billing admin may invite, but changes no roles and removes nobody.
    await expect(guest.getByRole("form", { name: "Invite member" })).toBeVisible();
    await expect(members.getByRole("combobox")).toHaveCount(0);
    await expect(members.getByRole("button", { name: /Remove/ })).toHaveCount(0);

    // The link is used up.
    await guest.goto(pathname);
    await expect(guest.getByText("This invitation has already been used.")).toBeVisible();
    await context.close();

    // The owner sees the new member with the invited role.
    await page.reload();
    await expect(page.getByRole("combobox", { name: "Role of Ivy Invitee" })).toHaveValue("BILLING_ADMIN");
  });

  test("[MEMBERS] someone who already has an account signs in through the link and joins as a viewer", async ({ page, browser }) => {
    // Their own account first, with a workspace of their own.
    const context = await browser.newContext();
    const member = await context.newPage();
    const email = freshEmail("existing");
    await signUp(member, { name: "Eve Existing", email, password: "existing-password-123", workspace: "Eve's lab" });
    await expect(member).toHaveURL(/\/w\/[a-z0-9-]+/);
    await member.context().clearCookies();

    await signIn(page, demo.owner);
    await page.goto("/w/acme-vision/settings");
    await settingsLive(page);
    const form = page.getByRole("form", { name: "Invite member" });
    await form.getByLabel("Email").fill(email);
    await form.getByLabel("Role").selectOption("VIEWER");
    await form.getByRole("button", { name: "Send invitation" }).click();
    await expect(form.getByText(`Invitation sent to ${email}.`)).toBeVisible();

    const { pathname } = new URL(await invitationLink(email));
    await member.goto(pathname);
    await member.getByRole("link", { name: "I already have an account" }).click();
    await expect(member).toHaveURL(/\/sign-in\?callbackUrl=/);
    await member.getByLabel("Email").fill(email);
    await member.getByLabel("Password").fill("existing-password-123");
    await member.getByRole("button", { name: "Sign in", exact: true }).click();
    // Back on the invitation, signed in with the invited address: one click joins.
    await expect(member).toHaveURL(new RegExp(`${pathname}$`));
    await shoot(member, "mem-invite-accept");
    await member.getByRole("button", { name: "Join Acme Vision" }).click();
    await expect(member).toHaveURL(/\/w\/acme-vision$/);
    await expect(member.getByText("Viewer", { exact: true }).first()).toBeVisible();
    await context.close();
  });

  test("[MEMBERS] the last owner cannot be demoted, and the page says why", async ({ page }) => {
    await signIn(page, demo.free);
    await page.goto("/w/free-labs/settings");
    await settingsLive(page);
    const select = page.getByRole("table", { name: "Members" }).getByRole("combobox").first();
    await select.selectOption("VIEWER");
    await expect(page.getByText("A workspace needs at least one owner. Make someone else an owner first.")).toBeVisible();
    await expect(select).toHaveValue("OWNER");
  });

  test("[MEMBERS][VIEWER] a viewer sees the members with no working member controls", async ({ page }) => {
    await signIn(page, demo.viewer);
    await page.goto("/w/acme-vision/settings");
    const members = page.getByRole("table", { name: "Members" });
    await expect(members.getByText("Olivia Owner")).toBeVisible();
    await expect(page.getByRole("form", { name: "Invite member" })).toHaveCount(0);
    await expect(page.getByRole("button", { name: /invite/i })).toHaveCount(0);
    await expect(members.getByRole("combobox")).toHaveCount(0);
    await expect(members.getByRole("button")).toHaveCount(0);
    await shoot(page, "mem-settings-viewer");
  });

  test("[SIGN-UP][PRICING] a plan picked on /pricing that needs a card: the account starts on Free, then the Plan page with it picked", async ({
    page,
  }) => {
    await page.goto("/pricing");
    await page.getByRole("link", { name: "Choose Starter", exact: true }).click();
    await expect(page).toHaveURL(/\/sign-up\?plan=starter_monthly$/);
    await expect(page.getByText("You picked Starter ($30.00 / month). Your workspace starts on Free, with no card.")).toBeVisible();
    await shoot(page, "mem-sign-up-plan");
    await page.getByLabel("Name", { exact: true }).fill("Sam Starter");
    await page.getByLabel("Email").fill(freshEmail("starter"));
    await page.getByLabel("Password").fill("starter-password-123");
    await page.getByLabel("Workspace name").fill("Sam's shop");
    await page.getByRole("button", { name: "Create account" }).click();
    await expect(page).toHaveURL(/\/w\/[a-z0-9-]+\/plan\?plan=starter_monthly$/);
    await expect(page.getByText("Free").first()).toBeVisible();
  });
});
