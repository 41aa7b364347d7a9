"use client";

// The support console's navigation. Its links nest — "Accounts" is /support,
// "Staff" is /support/staff — so the most specific link that matches the
// current page is the current one, and only that one.
import { usePathname } from "next/navigation";
import type { ReactNode } from "react";
import { MobileNav } from "./mobile-nav";
import { isActive, NavLinks, type NavItem } from "./nav-links";

export function currentOnly(items: NavItem[], pathname: string): NavItem[] {
  const current = items.filter((item) => isActive(pathname, item)).sort((a, b) => b.href.length - a.href.length)[0];
  return items.map((item) => (item === current ? item : { ...item, exact: true }));
}

export function SupportNavLinks({ items }: { items: NavItem[] }) {
  return <NavLinks items={currentOnly(items, usePathname())} label="Support" />;
}

export function SupportMobileNav({ items, icons }: { items: NavItem[]; icons: { open: ReactNode; close: ReactNode } }) {
  return <MobileNav items={currentOnly(items, usePathname())} label="Support" icons={icons} />;
}
