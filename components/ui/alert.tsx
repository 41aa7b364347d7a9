import { CircleAlert, CircleCheck, Info, TriangleAlert, type LucideIcon } from "lucide-react";
import type { ReactNode } from "react";
import { cn } from "./cn";

export type AlertTone = "info" | "success" | "warning" | "danger";

const tones: Record<AlertTone, { box: string; icon: LucideIcon; iconColor: string }> = {
  info: { box: "border-info/25 bg-info-soft/60", icon: Info, iconColor: "text-info" },
  success: { box: "border-success/25 bg-success-soft/60", icon: CircleCheck, iconColor: "text-success" },
  warning: { box: "border-warning/30 bg-warning-soft/70", icon: TriangleAlert, iconColor: "text-warning" },
  danger: { box: "border-danger/25 bg-danger-soft/70", icon: CircleAlert, iconColor: "text-danger" },
};

/** An inline message. `live` makes screen readers announce it (form errors). */
export function Alert({
  tone = "info",
  title,
  children,
  live = false,
  className,
  action,
}: {
  tone?: AlertTone;
  title?: ReactNode;
  children?: ReactNode;
  live?: boolean;
  className?: string;
  action?: ReactNode;
}) {
  const { box, icon: Icon, iconColor } = tones[tone];
  return (
    <div role={live ? "alert" : undefined} className={cn("flex items-start gap-3 rounded-lg border px-4 py-3 text-sm", box, className)}>
      <Icon aria-hidden className={cn("mt-0.5 size-4 shrink-0", iconColor)} />
      <div className="min-w-0 flex-1 space-y-0.5">
        {title ? <p className="font-medium text-foreground">{title}</p> : null}
        {children ? <div className="text-foreground/85">{children}</div> : null}
      </div>
      {action ? <div className="shrink-0">{action}</div> : null}
    </div>
  );
}
