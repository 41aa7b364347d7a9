// The staff frame (R11): its own header and navigation, visibly not the customer dashboard.
// Everyone on the staff sees Accounts; admins also see Staff (R11: admins manage staff accounts).
import { UsersRound } from "lucide-react";
import Link from "next/link";
import type { ReactNode } from "react";
import { Badge } from "@/components/ui/badge";
import { SkipLink } from "./app-shell";
import { LogoMark } from "./logo";
import { drawerIcons, navIcon } from "./nav-icons";
import type { NavItem } from "./nav-links";
import { SupportMobileNav, SupportNavLinks } from "./support-nav";
import { UserMenu, type ShellUser } from "./user-menu";

/** Drawn like navIcon's icons (muted, the text colour on hover, the accent on the current page). */
const staffIcon = (
  <UsersRound
    aria-hidden
    className="size-4 shrink-0 text-muted-foreground group-hover:text-foreground group-aria-[current=page]:text-primary-soft-foreground"
  />
);

export function supportNavFor(user: ShellUser): NavItem[] {
  const items: NavItem[] = [{ href: "/support", label: "Accounts", icon: navIcon("accounts") }];
  if (user.staffRole === "ADMIN") items.push({ href: "/support/staff", label: "Staff", icon: staffIcon });
  return items;
}

export function SupportShell({ user, children }: { user: ShellUser; children: ReactNode }) {
  const supportNav = supportNavFor(user);
  return (
    <div className="min-h-dvh">
      <SkipLink />
      <header className="sticky top-0 z-40 border-b border-border bg-background/85 backdrop-blur supports-[backdrop-filter]:bg-background/70">
        <div className="flex h-14 items-center gap-3 px-3 sm:px-5">
          <SupportMobileNav items={supportNav} icons={drawerIcons} />
          <Link href="/support" className="flex items-center gap-2.5 rounded-lg p-1">
            <LogoMark />
            <span className="text-[15px] font-semibold tracking-tight">Support console</span>
          </Link>
          <Badge tone="warning" className="hidden sm:inline-flex">
            Staff
          </Badge>
          <div className="ml-auto flex items-center gap-2">
            <UserMenu user={user} showSupportLink={false} />
          </div>
        </div>
      </header>
      <div className="flex">
        <aside className="sticky top-14 hidden h-[calc(100dvh-3.5rem)] w-56 shrink-0 flex-col border-r border-border px-3 py-5 md:flex">
          <SupportNavLinks items={supportNav} />
          <p className="mt-auto px-3 text-xs text-muted-foreground">
            Every view and action here is recorded in the account&rsquo;s audit log. Card numbers and API key secrets are never shown.
          </p>
        </aside>
        <main id="main" className="min-w-0 flex-1 px-4 pb-16 pt-8 sm:px-6 lg:px-10">
          <div className="mx-auto max-w-6xl">{children}</div>
        </main>
      </div>
    </div>
  );
}
