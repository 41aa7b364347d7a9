"use client";

// The form of the signed-in member's email choices: the optional notices as
// checkboxes (every member, viewers too). notification-section.tsx draws the
// rest on the server, with the notices that always reach owners and billing
// admins, which cannot be turned off.
import { useActionState, type ReactNode } from "react";
import { Button } from "@/components/ui/button";
import { CardContent, CardFooter } from "@/components/ui/card";
import type { OptionalNoticeKind } from "@/lib/email/notices";
import { saveNoticePreferencesAction, type NoticePreferencesState } from "./notice-actions";

export function NoticeForm({
  slug,
  preferences,
  optional,
  children,
}: {
  slug: string;
  preferences: Record<OptionalNoticeKind, boolean>;
  /** The optional notices, with their titles and descriptions. */
  optional: { kind: OptionalNoticeKind; title: string; description: string }[];
  /** What is always sent, drawn on the server. */
  children: ReactNode;
}) {
  const [state, formAction, pending] = useActionState<NoticePreferencesState, FormData>(saveNoticePreferencesAction, null);
  const saved = state?.ok ? state.data : null;
  const current = saved ?? preferences;

  return (
    <form action={formAction} aria-label="Email notices">
      <input type="hidden" name="slug" value={slug} />
      <CardContent className="space-y-6">
        <fieldset>
          <legend className="text-sm font-medium text-foreground">Optional emails</legend>
          <div className="mt-3 space-y-3">
            {optional.map(({ kind, title, description }) => (
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
                  <span className="block text-sm text-foreground">{title}</span>
                  <span id={`notice-${kind}-description`} className="block text-[13px] text-muted-foreground">
                    {description}
                  </span>
                </span>
              </label>
            ))}
          </div>
        </fieldset>

        {children}
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
  );
}
