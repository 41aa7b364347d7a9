import { Eye } from "lucide-react";
import type { ReactNode } from "react";

/** R10: viewers change nothing; pages with changes tell them so once. */
export function ViewOnlyNote() {
  return (
    <p className="inline-flex items-center gap-2 rounded-lg border border-border bg-surface-muted/60 px-3 py-1.5 text-[13px] text-muted-foreground">
      <Eye aria-hidden className="size-3.5" />
      You have view-only access
    </p>
  );
}

/**
 * The actions of a page for people who may change billing, or the view-only
 * note for everyone else. The page decides with can(role, "manage-billing").
 */
export function ManagerActions({ canManage, children }: { canManage: boolean; children: ReactNode }) {
  return canManage ? <>{children}</> : <ViewOnlyNote />;
}
