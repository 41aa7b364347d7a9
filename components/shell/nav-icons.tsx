// The side navigation's icons, drawn on the server and handed to the
// navigation (a client component) as elements, so that the browser loads no
// icon code for them. The link's state colours them: muted, the text colour on
// hover, the accent on the current page.
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
