"use client";

// The signed-in member's email choices: the optional notices as checkboxes
// (every member, viewers too), and — for owners and billing admins — the
// notices that always reach them, which cannot be turned off.
import { useActionState } from "react";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardFooter } from "@/components/ui/card";
import { Section } from "@/components/ui/page-header";
import { ALWAYS_SENT_NOTICE_KINDS, OPTIONAL_NOTICE_KINDS, noticeLabels, type OptionalNoticeKind } from "@/lib/email/notices";
import { saveNoticePreferencesAction, type NoticePreferencesState } from "./notice-actions";

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
  const [state, formAction, pending] = useActionState<NoticePreferencesState, FormData>(saveNoticePreferencesAction, null);
  const saved = state?.ok ? state.data : null;
  const current = saved ?? preferences;

  return (
    <Section title="Email notices" description="Which emails you receive about this workspace. These choices are yours alone.">
      <Card>
        <form action={formAction} aria-label="Email notices">
          <input type="hidden" name="slug" value={slug} />
          <CardContent className="space-y-6">
            <fieldset>
              <legend className="text-sm font-medium text-foreground">Optional emails</legend>
              <div className="mt-3 space-y-3">
                {OPTIONAL_NOTICE_KINDS.map((kind) => (
                  <label key={kind} className="flex cursor-pointer items-start gap-3">
                    <input
                      type="checkbox"
                      name={kind}
                      defaultChecked={current[kind]}
                      // Re-mounted with the saved value after each save.
                      key={`${kind}-${String(current[kind])}`}
                      aria-describedby={`notice-${kind}-description`}
                      className="mt-0.5 size-4 shrink-0 rounded border-border-strong accent-primary focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-ring"
                    />
                    <span className="min-w-0">
                      <span className="block text-sm text-foreground">{noticeLabels[kind].title}</span>
                      <span id={`notice-${kind}-description`} className="block text-[13px] text-muted-foreground">
                        {noticeLabels[kind].description}
                      </span>
                    </span>
                  </label>
                ))}
              </div>
            </fieldset>

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
          </CardContent>
          <CardFooter>
            <Button type="submit" size="sm" disabled={pending}>
              {pending ? "Saving…" : "Save email choices"}
            </Button>
            <p role="status" className="text-[13px] text-muted-foreground">
              {saved ? "Saved." : state && !state.ok ? state.error : ""}
            </p>
          </CardFooter>
        </form>
      </Card>
    </Section>
  );
}
