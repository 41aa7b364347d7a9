// The unsubscribe link in an optional notice's text: says what it turns off,
// for which workspace, and asks once. No sign-in: the signed token is the key.
import { Mail, MailCheck, MailX } from "lucide-react";
import type { Metadata } from "next";
import Link from "next/link";
import { StatusPage } from "@/components/shell/status-page";
import { Button, buttonClassName } from "@/components/ui/button";
import { db } from "@/lib/db";
import { unsubscribeTarget } from "@/lib/db/notices";
import { noticeLabels } from "@/lib/email/notices";
import { ONE_CLICK_UNSUBSCRIBE_PATH, verifyUnsubscribeToken } from "@/lib/email/unsubscribe";

export const metadata: Metadata = { title: "Unsubscribe", robots: { index: false, follow: false } };

export const dynamic = "force-dynamic";

export default async function UnsubscribePage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { token } = await searchParams;
  const claims = typeof token === "string" && token.length <= 200 ? verifyUnsubscribeToken(token) : null;
  const target = claims ? await unsubscribeTarget(await db(), claims) : null;

  if (!claims || !target) {
    return (
      <StatusPage
        icon={MailX}
        title="This link does not work"
        description="It may have been cut short when it was copied, or you are no longer a member of the workspace. Members choose which emails they receive in their workspace's settings."
      >
        <Link href="/sign-in" className={buttonClassName({ variant: "secondary" })}>
          Sign in
        </Link>
      </StatusPage>
    );
  }

  const emails = noticeLabels[claims.kind].emails;
  const settings = `/w/${target.workspaceSlug}/settings`;
  // Owners and billing admins keep the money notices whatever they choose here.
  const moneyNote = target.role === "VIEWER" ? "" : " You will still receive emails about invoices, payments and your workspace's data.";

  if (!target.enabled) {
    return (
      <StatusPage
        icon={MailCheck}
        title="You are unsubscribed"
        description={`You no longer receive ${emails} for ${target.workspaceName}. You can turn them back on at any time in Settings.${moneyNote}`}
      >
        <Link href={settings} className={buttonClassName({ variant: "secondary" })}>
          Open settings
        </Link>
      </StatusPage>
    );
  }

  return (
    <StatusPage
      icon={Mail}
      title="Unsubscribe from these emails?"
      description={`You will no longer receive ${emails} for ${target.workspaceName}.${moneyNote}`}
    >
      <form method="post" action={`${ONE_CLICK_UNSUBSCRIBE_PATH}?token=${encodeURIComponent(token as string)}`}>
        <input type="hidden" name="List-Unsubscribe" value="One-Click" />
        <input type="hidden" name="from" value="page" />
        <Button type="submit">Unsubscribe</Button>
      </form>
      <Link href={settings} className={buttonClassName({ variant: "ghost" })}>
        Choose in Settings
      </Link>
    </StatusPage>
  );
}
