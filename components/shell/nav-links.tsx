"use client";

// The side navigation of both shells. Icons are named, not passed, because a
// server layout cannot hand components to a client component.
import {
  Building2,
  ChartColumn,
  Coins,
  KeyRound,
  LayoutDashboard,
  Layers,
  Package,
  Receipt,
  Settings,
  type LucideIcon,
} from "lucide-react";
import Link from "next/link";
import { usePathname } from "next/navigation";
import { cn } from "@/components/ui/cn";

const icons = {
  overview: LayoutDashboard,
  usage: ChartColumn,
  invoices: Receipt,
  plan: Layers,
  credits: Coins,
  packages: Package,
  "api-keys": KeyRound,
  settings: Settings,
  accounts: Building2,
} satisfies Record<string, LucideIcon>;

export type NavIcon = keyof typeof icons;

export interface NavItem {
  href: string;
  label: string;
  icon: NavIcon;
  /** Active only on this exact path (the Overview is a prefix of every page). */
  exact?: boolean;
}

export function isActive(pathname: string, item: NavItem): boolean {
  if (item.exact) return pathname === item.href;
  return pathname === item.href || pathname.startsWith(`${item.href}/`);
}

export function NavLinks({ items, label, onNavigate }: { items: NavItem[]; label: string; onNavigate?: () => void }) {
  const pathname = usePathname();
  return (
    <nav aria-label={label}>
      <ul className="space-y-0.5">
        {items.map((item) => {
          const Icon = icons[item.icon];
          const active = isActive(pathname, item);
          return (
            <li key={item.href}>
              <Link
                href={item.href}
                aria-current={active ? "page" : undefined}
                onClick={onNavigate}
                className={cn(
                  "group flex items-center gap-3 rounded-lg px-3 py-2 text-sm font-medium transition-colors",
                  active
                    ? "bg-primary-soft text-primary-soft-foreground"
                    : "text-muted-foreground hover:bg-surface-muted hover:text-foreground",
                )}
              >
                <Icon
                  aria-hidden
                  className={cn(
                    "size-4 shrink-0",
                    active ? "text-primary-soft-foreground" : "text-muted-foreground group-hover:text-foreground",
                  )}
                />
                {item.label}
              </Link>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
