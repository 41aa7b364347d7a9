// The shell's icons, drawn on the server and handed to its client components
// (the navigation, the phone drawer, the theme choice) as elements, so that
// the browser loads no icon code for them. A navigation link's state colours
// its icon: muted, the text colour on hover, the accent on the current page.
import {
  Bell,
  Building2,
  ChartColumn,
  Coins,
  KeyRound,
  LayoutDashboard,
  Layers,
  Menu,
  Monitor,
  Moon,
  Package,
  Receipt,
  Settings,
  Sun,
  X,
  type LucideIcon,
} from "lucide-react";

const icons = {
  overview: LayoutDashboard,
  usage: ChartColumn,
  invoices: Receipt,
  plan: Layers,
  credits: Coins,
  packages: Package,
  "api-keys": KeyRound,
  notifications: Bell,
  settings: Settings,
  accounts: Building2,
} satisfies Record<string, LucideIcon>;

export type NavIconName = keyof typeof icons;

export function navIcon(name: NavIconName) {
  const Icon = icons[name];
  return (
    <Icon
      aria-hidden
      className="size-4 shrink-0 text-muted-foreground group-hover:text-foreground group-aria-[current=page]:text-primary-soft-foreground"
    />
  );
}

/** The phone drawer's open and close icons (MobileNav). */
export const drawerIcons = { open: <Menu aria-hidden />, close: <X aria-hidden /> };

/** The theme choices' icons (ThemeMenuGroup). */
export const themeIcons = {
  light: <Sun aria-hidden className="size-3.5" />,
  dark: <Moon aria-hidden className="size-3.5" />,
  system: <Monitor aria-hidden className="size-3.5" />,
};
