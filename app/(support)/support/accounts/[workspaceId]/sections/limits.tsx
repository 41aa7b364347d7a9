// Rate limits (R9.3) and refused calls (R2.4, R9.4): what applies now, the
// plan's own limits, support's overrides with their reason, who set them and
// when, then the calls refused in the last days minute by minute, with the
// status the client was answered.
import { Activity, Gauge } from "lucide-react";
import { DateText } from "@/components/billing/dates";
import { refusalLabels } from "@/components/billing/labels";
import { Badge } from "@/components/ui/badge";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { TBody, THead, Table, Td, Th, Tr } from "@/components/ui/table";
import type { AccountRateLimits, RefusedCalls } from "@/lib/db/queries/support-account";
import { formatCount } from "@/lib/money";

const windowNouns = { SECOND: "second", HOUR: "hour" } as const;

const minuteFormat = new Intl.DateTimeFormat("en-US", { dateStyle: "medium", timeStyle: "short", hourCycle: "h23", timeZone: "UTC" });

export function RateLimitsPanel({ data }: { data: AccountRateLimits }) {
  return (
    <Card>
      <CardHeader>
        <CardTitle as="h3">Limits that apply</CardTitle>
      </CardHeader>
      <CardContent className="space-y-5">
        {data.effective.length === 0 ? (
          <p className="text-sm text-muted-foreground">No rate limit: calls are not throttled.</p>
        ) : (
          <ul className="grid gap-4 sm:grid-cols-2">
            {data.effective.map((limit) => {
              const plan = data.planLimits.find((row) => row.window === limit.window);
              return (
                <li key={limit.window} className="rounded-lg border border-border px-4 py-3">
                  <div className="flex items-center justify-between gap-2">
                    <p className="text-[13px] font-medium text-muted-foreground">Per {windowNouns[limit.window]}</p>
                    {limit.source === "override" ? <Badge tone="warning">Custom</Badge> : <Badge>Plan</Badge>}
                  </div>
                  <p className="mt-1 text-xl font-semibold tracking-tight tabular-nums">
                    {formatCount(limit.limit)} <span className="text-sm font-normal text-muted-foreground">requests</span>
                  </p>
                  <p className="mt-0.5 text-[13px] text-muted-foreground">
                    {limit.source === "override"
                      ? plan
                        ? `Custom; ${data.planName ?? "the plan"} allows ${formatCount(plan.limit)}`
                        : `Custom; ${data.planName ?? "the plan"} sets no limit per ${windowNouns[limit.window]}`
                      : `Set by ${data.planName ?? "the plan"}`}
                  </p>
                </li>
              );
            })}
          </ul>
        )}
        {data.overrides.length === 0 ? (
          <p className="flex items-center gap-2 text-[13px] text-muted-foreground">
            <Gauge aria-hidden className="size-4 shrink-0" />
            No custom limits: support has not overridden the plan&apos;s limits.
          </p>
        ) : (
          <div>
            <h4 className="mb-2 text-[13px] font-semibold">Custom limits set by support</h4>
            <Table label="Custom rate limits">
              <THead>
                <tr>
                  <Th>Window</Th>
                  <Th align="right">Limit</Th>
                  <Th>Reason</Th>
                  <Th>Set by</Th>
                  <Th>Set on</Th>
                </tr>
              </THead>
              <TBody>
                {data.overrides.map((row) => (
                  <Tr key={row.window}>
                    <Td className="whitespace-nowrap">Per {windowNouns[row.window]}</Td>
                    <Td numeric className="whitespace-nowrap font-medium">
                      {formatCount(row.limit)}
                    </Td>
                    <Td className="text-muted-foreground">{row.reason || "—"}</Td>
                    <Td className="whitespace-nowrap">
                      {row.setBy ? (row.setBy.email ?? <span className="font-mono text-[12px]">{row.setBy.id}</span>) : "—"}
                    </Td>
                    <Td className="whitespace-nowrap text-muted-foreground">
                      <DateText date={row.createdAt} withTime />
                    </Td>
                  </Tr>
                ))}
              </TBody>
            </Table>
          </div>
        )}
      </CardContent>
    </Card>
  );
}

export function RefusedCallsPanel({ data, days }: { data: RefusedCalls; days: number }) {
  return (
    <div>
      <h3 className="mb-1 text-sm font-semibold tracking-tight">Refused calls</h3>
      <p className="mb-3 text-sm text-muted-foreground">
        {data.totalCalls === 0
          ? `The last ${days} days, by the minute.`
          : `${formatCount(data.totalCalls)} ${data.totalCalls === 1 ? "call" : "calls"} refused in the last ${days} days${
              data.minutes.length < data.totalMinutes
                ? `; the latest ${formatCount(data.minutes.length)} minutes of ${formatCount(data.totalMinutes)}`
                : ""
            }. Refused calls are neither counted nor charged.`}
      </p>
      {data.totalCalls === 0 ? (
        <EmptyState compact icon={Activity} title="No refused calls" description={`No call was refused in the last ${days} days.`} />
      ) : (
        <div className="space-y-4">
          <ul className="flex flex-wrap gap-2" aria-label="Refusals by reason">
            {data.reasons.map((row) => (
              <li key={row.reason} className="rounded-lg border border-border bg-surface px-3 py-1.5 text-[13px] shadow-card">
                <span className="font-medium">{refusalLabels[row.reason]?.label ?? row.reason}</span>{" "}
                <span className="tabular-nums text-muted-foreground">{formatCount(row.calls)}</span>
              </li>
            ))}
          </ul>
          <Table label="Refused calls">
            <THead>
              <tr>
                <Th>Minute (UTC)</Th>
                <Th>Reason</Th>
                <Th>Answered</Th>
                <Th align="right">Calls</Th>
              </tr>
            </THead>
            <TBody>
              {data.minutes.map((row) => (
                <Tr key={`${row.minute.toISOString()}-${row.reason}`}>
                  <Td className="whitespace-nowrap tabular-nums">
                    <time dateTime={row.minute.toISOString()}>{minuteFormat.format(row.minute)}</time>
                  </Td>
                  <Td>
                    {refusalLabels[row.reason]?.label ?? row.reason}
                    <code className="ml-2 font-mono text-[12px] text-muted-foreground">{row.reason}</code>
                  </Td>
                  <Td className="whitespace-nowrap font-mono text-[13px]">{refusalLabels[row.reason]?.status ?? "—"}</Td>
                  <Td numeric>{formatCount(row.count)}</Td>
                </Tr>
              ))}
            </TBody>
          </Table>
        </div>
      )}
    </div>
  );
}
