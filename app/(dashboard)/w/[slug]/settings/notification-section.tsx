// The signed-in member's email choices, drawn on the server: the optional
// notices as checkboxes in a form (notification-settings.tsx) and, for
// owners and billing admins, the notices that always reach them.
import { Card } from "@/components/ui/card";
import { Section } from "@/components/ui/page-header";
import { ALWAYS_SENT_NOTICE_KINDS, OPTIONAL_NOTICE_KINDS, noticeLabels, type OptionalNoticeKind } from "@/lib/email/notices";
import { NoticeForm } from "./notification-settings";

export function NotificationSettings({
  slug,
  preferences,
  receivesMoneyNotices,
}: {
  slug: string;
  preferences: Record<OptionalNoticeKind, boolean>;
  /** Owners and billing admins: the money notices always reach them. */
  receivesMoneyNotices: boolean;
}) {
  const optional = OPTIONAL_NOTICE_KINDS.map((kind) => ({
    kind,
    title: noticeLabels[kind].title,
    description: noticeLabels[kind].description,
  }));
  return (
    <Section title="Email notices" description="Which emails you receive about this workspace. These choices are yours alone.">
      <Card>
        <NoticeForm slug={slug} preferences={preferences} optional={optional}>
          {receivesMoneyNotices ? (
            <div>
              <h3 className="text-sm font-medium text-foreground">Always sent to owners and billing admins</h3>
              <ul className="mt-3 space-y-2">
                {ALWAYS_SENT_NOTICE_KINDS.map((kind) => (
                  <li key={kind} className="text-sm">
                    <span className="text-foreground">{noticeLabels[kind].title}</span>
                    <span className="text-muted-foreground"> — {noticeLabels[kind].description}</span>
                  </li>
                ))}
              </ul>
            </div>
          ) : (
            <p className="text-[13px] text-muted-foreground">
              Invoices, payments and warnings about unpaid invoices are emailed to the workspace&apos;s owners and billing admins.
            </p>
          )}
        </NoticeForm>
      </Card>
    </Section>
  );
}
