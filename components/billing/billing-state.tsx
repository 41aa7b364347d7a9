// The arrears state of a workspace (R8.3–R8.5) as a badge and, when it
// matters, a banner that says what is refused and until when.
import Link from "next/link";
import { Badge } from "@/components/ui/badge";
import { Alert } from "@/components/ui/alert";
import type { BillingState } from "@/lib/generated/prisma/enums";
import { DateText, formatDate } from "./dates";
import { billingStateLabels } from "./labels";

export interface BillingStateInfo {
  billingState: BillingState;
  graceEndsAt: Date | null;
  retentionEndsAt: Date | null;
}

/** The deadline of the current state: the end of grace, or of retention. */
export function billingDeadline(info: BillingStateInfo): Date | null {
  if (info.billingState === "GRACE") return info.graceEndsAt;
  if (info.billingState === "RETENTION") return info.retentionEndsAt;
  return null;
}

export function BillingStateBadge({ info }: { info: BillingStateInfo }) {
  const { label, tone } = billingStateLabels[info.billingState];
  const deadline = billingDeadline(info);
  return (
    <Badge tone={tone} dot>
      {label}
      {deadline ? <span className="font-normal">· until {formatDate(deadline)}</span> : null}
    </Badge>
  );
}

export function BillingStateBanner({ info, payHref }: { info: BillingStateInfo; payHref?: string }) {
  if (info.billingState === "GRACE") {
    return (
      <Alert tone="warning" title="A payment failed: your workspace is in its grace period">
        Until <strong className="font-medium">{info.graceEndsAt ? <DateText date={info.graceEndsAt} /> : "the end of grace"}</strong>, calls
        that need flex or pay-as-you-go credits are refused; included, package and prepaid credits still work. Pay the open invoice or top
        up to restore full service.
        {payHref ? (
          <>
            {" "}
            <Link href={payHref} className="font-medium text-foreground underline underline-offset-2">
              See invoices
            </Link>
          </>
        ) : null}
      </Alert>
    );
  }
  if (info.billingState === "RETENTION") {
    return (
      <Alert tone="danger" title="Service is suspended: all metered calls are refused">
        Your data is kept until{" "}
        <strong className="font-medium">{info.retentionEndsAt ? <DateText date={info.retentionEndsAt} /> : "the end of retention"}</strong>.
        After that, API keys and usage records are deleted and cannot be recovered. Pay the open invoice to restore service.
      </Alert>
    );
  }
  if (info.billingState === "DELETED") {
    return (
      <Alert tone="danger" title="This workspace's data was deleted">
        API keys and usage records were removed after the retention period. Invoices and the audit trail are kept.
      </Alert>
    );
  }
  return null;
}
