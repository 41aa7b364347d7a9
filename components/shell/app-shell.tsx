// The customer dashboard frame: header with workspace switcher and user menu,
// side navigation (a drawer on narrow screens), and the page.
import Link from "next/link";
import type { ReactNode } from "react";
import { Badge } from "@/components/ui/badge";
import { roleLabels, type WorkspaceRole } from "@/lib/auth/roles";
import { LogoMark } from "./logo";
import { MobileNav } from "./mobile-nav";
import { drawerIcons, navIcon } from "./nav-icons";
import { NavLinks, type NavItem } from "./nav-links";
import { UserMenu, type ShellUser } from "./user-menu";
import { WorkspaceSwitcher, type SwitcherWorkspace } from "./workspace-switcher";

export function workspaceNav(slug: string): NavItem[] {
  const base = `/w/${slug}`;
  return [
    { href: base, label: "Overview", icon: navIcon("overview"), exact: true },
    { href: `${base}/usage`, label: "Usage", icon: navIcon("usage") },
    { href: `${base}/invoices`, label: "Invoices", icon: navIcon("invoices") },
    { href: `${base}/plan`, label: "Plan", icon: navIcon("plan") },
    { href: `${base}/credits`, label: "Credits", icon: navIcon("credits") },
    { href: `${base}/packages`, label: "Packages", icon: navIcon("packages") },
    { href: `${base}/api-keys`, label: "API keys", icon: navIcon("api-keys") },
    { href: `${base}/notifications`, label: "Notifications", icon: navIcon("notifications") },
    { href: `${base}/settings`, label: "Settings", icon: navIcon("settings") },
  ];
}

function RoleNote({ role }: { role: WorkspaceRole }) {
  return (
    <div className="rounded-lg border border-border bg-surface-muted/50 px-3 py-2.5 text-xs text-muted-foreground">
      Your role: <Badge className="ml-1">{roleLabels[role]}</Badge>
    </div>
  );
}

export function SkipLink() {
  return (
    <a
      href="#main"
      className="sr-only z-[60] rounded-md bg-primary px-3 py-2 text-sm font-medium text-primary-foreground focus:not-sr-only focus:fixed focus:left-3 focus:top-3"
    >
      Skip to content
    </a>
  );
}

export function AppShell({
  user,
  role,
  workspace,
  workspaces,
  children,
}: {
  user: ShellUser;
  role: WorkspaceRole;
  workspace: SwitcherWorkspace;
  workspaces: SwitcherWorkspace[];
  children: ReactNode;
}) {
  const nav = workspaceNav(workspace.slug);
  return (
    <div className="min-h-dvh">
      <SkipLink />
      <header className="sticky top-0 z-40 border-b border-border bg-background/85 backdrop-blur supports-[backdrop-filter]:bg-background/70">
        <div className="flex h-14 items-center gap-2 px-3 sm:px-5">
          <MobileNav items={nav} label="Workspace" footer={<RoleNote role={role} />} icons={drawerIcons} />
          <Link href={`/w/${workspace.slug}`} className="flex items-center gap-2 rounded-lg p-1" aria-label="Meterdesk home">
            <LogoMark />
            <span className="hidden text-[15px] font-semibold tracking-tight sm:inline">Meterdesk</span>
          </Link>
          <span aria-hidden className="mx-1 hidden h-5 w-px rotate-12 bg-border-strong sm:block" />
          <WorkspaceSwitcher current={workspace} workspaces={workspaces} />
          <div className="ml-auto flex items-center gap-2">
            <UserMenu user={user} />
          </div>
        </div>
      </header>
      <div className="flex">
        <aside className="sticky top-14 hidden h-[calc(100dvh-3.5rem)] w-60 shrink-0 flex-col border-r border-border px-3 py-5 md:flex">
          <NavLinks items={nav} label="Workspace" />
          <div className="mt-auto">
            <RoleNote role={role} />
          </div>
        </aside>
        <main id="main" className="min-w-0 flex-1 px-4 pb-16 pt-8 sm:px-6 lg:px-10">
          <div className="mx-auto max-w-6xl">{children}</div>
        </main>
      </div>
    </div>
  );
}
