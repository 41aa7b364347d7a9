"use client";

// What the guardrails being typed would have done in the last complete period
// (R14.3), recomputed in the browser from that period's hourly usage.
import { BellRing, CalendarClock, Gauge, History, Wallet } from "lucide-react";
import { useMemo, type ReactNode } from "react";
import { formatDate, formatDateRange } from "@/components/billing/dates";
import { parseHistory, previewGuardrails, type SerializedHistory } from "@/lib/billing/guardrail-preview";
import type { GuardrailSettings } from "@/lib/billing/guardrails";
import { formatCents, formatCount } from "@/lib/money";

const day = (date: Date) => formatDate(date).replace(/, \d{4}$/, "");

function Row({ icon, title, children }: { icon: ReactNode; title: string; children: ReactNode }) {
  return (
    <li className="flex gap-3 py-3 first:pt-0 last:pb-0">
      <span aria-hidden className="mt-0.5 grid size-7 shrink-0 place-items-center rounded-md bg-surface-muted text-muted-foreground">
        {icon}
      </span>
      <div className="min-w-0 space-y-0.5">
        <p className="text-sm font-medium text-foreground">{title}</p>
        <div className="text-[13px] leading-relaxed text-muted-foreground">{children}</div>
      </div>
    </li>
  );
}

const Strong = ({ children }: { children: ReactNode }) => <span className="font-medium text-foreground tabular-nums">{children}</span>;

export function GuardrailPreviewPanel({ history, settings }: { history: SerializedHistory | null; settings: GuardrailSettings }) {
  const parsed = useMemo(() => (history ? parseHistory(history) : null), [history]);
  const preview = useMemo(() => (parsed ? previewGuardrails(parsed, settings) : null), [parsed, settings]);

  return (
    <section
      aria-labelledby="guardrail-preview-title"
      className="rounded-lg border border-border bg-surface-muted/40 p-4"
      aria-live="polite"
    >
      <div className="mb-3 flex items-center gap-2">
        <History aria-hidden className="size-4 text-muted-foreground" />
        <h3 id="guardrail-preview-title" className="text-sm font-semibold text-foreground">
          Last period, with these settings
        </h3>
      </div>
      {!parsed || !preview ? (
        <p className="text-[13px] text-muted-foreground">
          Nothing to show yet: once your first billing period ends, this shows on which day each alert would have been sent and when the cap
          would have started refusing calls.
        </p>
      ) : (
        <>
          <p className="mb-3 text-[13px] text-muted-foreground">
            {formatDateRange(parsed.start, new Date(parsed.end.getTime() - 1))} · flex came to{" "}
            <Strong>{formatCents(preview.flexCents)}</Strong> and auto top-ups to <Strong>{formatCents(preview.autoTopUpCents)}</Strong>.
          </p>
          <ul className="divide-y divide-border" data-testid="guardrail-preview">
            <Row icon={<BellRing className="size-4" />} title="Included credits alerts">
              {!settings.includedAlerts ? (
                "Off."
              ) : parsed.includedAllotment === 0n ? (
                "Your plan had no included credits last period."
              ) : preview.included.length === 0 ? (
                "Less than half the included credits were used: no email."
              ) : (
                <>
                  {preview.included.map((level, i) => (
                    <span key={level.percent}>
                      {i > 0 ? ", " : "Emails at "}
                      <Strong>{level.percent}%</Strong> on <Strong>{day(level.at)}</Strong>
                    </span>
                  ))}
                  .
                </>
              )}
            </Row>
            <Row icon={<Wallet className="size-4" />} title="Prepaid credits alert">
              {settings.prepaidBelowCredits === null ? (
                "Off."
              ) : preview.prepaidBelowAt ? (
                <>
                  An email on <Strong>{day(preview.prepaidBelowAt)}</Strong>, when prepaid fell below{" "}
                  {formatCount(settings.prepaidBelowCredits)} credits.
                </>
              ) : (
                "Prepaid never fell that low: no email."
              )}
            </Row>
            <Row icon={<CalendarClock className="size-4" />} title="Flex alert">
              {settings.flexAboveCredits === null ? (
                "Off."
              ) : preview.flexAboveAt ? (
                <>
                  An email on <Strong>{day(preview.flexAboveAt)}</Strong>, when flex passed {formatCount(settings.flexAboveCredits)}{" "}
                  credits.
                </>
              ) : (
                "Flex never passed that amount: no email."
              )}
            </Row>
            <Row icon={<Gauge className="size-4" />} title="Spend cap">
              {!preview.cap ? (
                "No cap: nothing would have been refused."
              ) : (
                <>
                  {preview.cap.refusingFrom ? (
                    <>
                      Reached on <Strong>{day(preview.cap.refusingFrom)}</Strong>; from then on about{" "}
                      <Strong>{formatCount(preview.cap.refusedCalls)}</Strong>{" "}
                      {preview.cap.refusedCalls === 1n ? "call that needed" : "calls that needed"} flex would have been refused.
                    </>
                  ) : (
                    "Not reached: no call would have been refused."
                  )}
                  {preview.cap.stoppedTopUps > 0 ? (
                    <>
                      {" "}
                      Auto top-up would have stopped at the cap:{" "}
                      <Strong>
                        {preview.cap.stoppedTopUps} {preview.cap.stoppedTopUps === 1 ? "top-up" : "top-ups"} (
                        {formatCents(preview.cap.stoppedTopUpCents)})
                      </Strong>{" "}
                      not charged.
                    </>
                  ) : null}
                </>
              )}
            </Row>
          </ul>
        </>
      )}
    </section>
  );
}
