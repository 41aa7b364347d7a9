import { cn } from "@/components/ui/cn";

/** The Meterdesk mark: a meter dial in a rounded square. */
export function LogoMark({ className }: { className?: string }) {
  return (
    <svg viewBox="0 0 32 32" aria-hidden className={cn("size-7 shrink-0", className)}>
      <rect width="32" height="32" rx="8" className="fill-primary" />
      <path d="M8.5 21a7.5 7.5 0 1 1 15 0" fill="none" strokeWidth="2.4" strokeLinecap="round" className="stroke-primary-foreground/45" />
      <path d="M16 21l4.6-6.2" fill="none" strokeWidth="2.4" strokeLinecap="round" className="stroke-primary-foreground" />
      <circle cx="16" cy="21" r="2" className="fill-primary-foreground" />
    </svg>
  );
}

export function Logo({ className, label = "Meterdesk" }: { className?: string; label?: string }) {
  return (
    <span className={cn("inline-flex items-center gap-2.5 font-semibold tracking-tight text-foreground", className)}>
      <LogoMark />
      <span className="text-[15px]">{label}</span>
    </span>
  );
}
