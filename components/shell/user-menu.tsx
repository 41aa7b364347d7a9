// The account menu: who is signed in, the theme, the support console for staff, sign out.
import { LifeBuoy, LogOut } from "lucide-react";
import Link from "next/link";
import { signOutAction } from "@/lib/auth/sign-out";
import { Dropdown } from "@/components/ui/dropdown";
import { DropdownSeparator, dropdownItemClassName } from "@/components/ui/dropdown-items";
import { themeIcons } from "./nav-icons";
import { ThemeMenuGroup } from "./theme-toggle";

export interface ShellUser {
  name: string;
  email: string;
  staffRole: "SUPPORT" | "ADMIN" | null;
}

export function initials(name: string, fallback: string): string {
  const letters = name
    .trim()
    .split(/\s+/)
    .filter(Boolean)
    .slice(0, 2)
    .map((part) => part[0]?.toUpperCase() ?? "")
    .join("");
  return letters || fallback.slice(0, 1).toUpperCase();
}

export function UserMenu({ user, showSupportLink = true }: { user: ShellUser; showSupportLink?: boolean }) {
  return (
    <Dropdown
      align="end"
      triggerLabel="Account menu"
      menuLabel="Account"
      triggerClassName="flex items-center gap-2 rounded-full p-0.5 transition-colors hover:bg-surface-muted"
      panelClassName="w-72"
      trigger={
        <span
          aria-hidden
          className="flex size-8 items-center justify-center rounded-full bg-primary-soft text-xs font-semibold text-primary-soft-foreground ring-1 ring-primary/20"
        >
          {initials(user.name, user.email)}
        </span>
      }
      header={
        <>
          <div className="px-2.5 py-2">
            <p className="truncate text-sm font-medium text-foreground">{user.name}</p>
            <p className="truncate text-[13px] text-muted-foreground">{user.email}</p>
          </div>
          <DropdownSeparator />
        </>
      }
    >
      <ThemeMenuGroup icons={themeIcons} />
      <DropdownSeparator />
      {showSupportLink && user.staffRole ? (
        <Link href="/support" role="menuitem" tabIndex={-1} className={dropdownItemClassName}>
          <LifeBuoy aria-hidden />
          Support console
        </Link>
      ) : null}
      <form action={signOutAction} className="contents">
        <button type="submit" role="menuitem" tabIndex={-1} className={dropdownItemClassName}>
          <LogOut aria-hidden />
          Sign out
        </button>
      </form>
    </Dropdown>
  );
}
