// Switch between the workspaces the user belongs to.
import { Check, ChevronsUpDown } from "lucide-react";
import Link from "next/link";
import { cn } from "@/components/ui/cn";
import { Dropdown } from "@/components/ui/dropdown";
import { dropdownItemClassName } from "@/components/ui/dropdown-items";
import { roleLabels, type WorkspaceRole } from "@/lib/auth/roles";

export interface SwitcherWorkspace {
  id: string;
  slug: string;
  name: string;
  role: WorkspaceRole;
}

function WorkspaceAvatar({ name, className }: { name: string; className?: string }) {
  return (
    <span
      aria-hidden
      className={cn(
        "flex size-6 shrink-0 items-center justify-center rounded-md bg-foreground text-[11px] font-semibold text-background",
        className,
      )}
    >
      {name.trim().slice(0, 1).toUpperCase() || "W"}
    </span>
  );
}

export function WorkspaceSwitcher({ current, workspaces }: { current: SwitcherWorkspace; workspaces: SwitcherWorkspace[] }) {
  return (
    <Dropdown
      triggerClassName="flex max-w-[14rem] items-center gap-2 rounded-lg px-2 py-1.5 text-sm font-medium transition-colors hover:bg-surface-muted sm:max-w-xs"
      panelClassName="w-72"
      menuLabel="Workspaces"
      header={<p className="px-2.5 pb-1 pt-1.5 text-xs font-medium text-muted-foreground">Workspaces</p>}
      trigger={
        <>
          <WorkspaceAvatar name={current.name} />
          <span className="truncate">{current.name}</span>
          <span className="sr-only">, switch workspace</span>
          <ChevronsUpDown aria-hidden className="size-3.5 shrink-0 text-muted-foreground" />
        </>
      }
    >
      {workspaces.map((workspace) => {
        const isCurrent = workspace.slug === current.slug;
        return (
          <Link
            key={workspace.id}
            href={`/w/${workspace.slug}`}
            role="menuitem"
            tabIndex={-1}
            aria-current={isCurrent ? "true" : undefined}
            className={dropdownItemClassName}
          >
            <WorkspaceAvatar name={workspace.name} />
            <span className="min-w-0 flex-1">
              <span className="block truncate font-medium">{workspace.name}</span>
              <span className="block text-xs text-muted-foreground">{roleLabels[workspace.role]}</span>
            </span>
            {isCurrent ? (
              <>
                <Check aria-hidden className="text-primary!" />
                <span className="sr-only">(current)</span>
              </>
            ) : null}
          </Link>
        );
      })}
    </Dropdown>
  );
}
