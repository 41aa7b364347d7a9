// A full-page message for errors and missing or forbidden pages.
import type { ComponentType, ReactNode } from "react";
import { LogoMark } from "./logo";

export function StatusPage({
  code,
  icon: Icon,
  title,
  description,
  children,
}: {
  code?: string;
  /** A lucide icon, or any icon that takes a className. */
  icon: ComponentType<{ className?: string; "aria-hidden"?: boolean }>;
  title: string;
  description: ReactNode;
  children?: ReactNode;
}) {
  return (
    <main id="main" className="flex min-h-dvh flex-col items-center justify-center px-4 py-16 text-center">
      <LogoMark className="mb-10 size-8 opacity-90" />
      <span className="flex size-12 items-center justify-center rounded-full bg-surface-muted ring-1 ring-border">
        <Icon aria-hidden className="size-5 text-muted-foreground" />
      </span>
      {code ? <p className="mt-5 font-mono text-xs font-medium tracking-widest text-muted-foreground">{code}</p> : null}
      <h1 className="mt-2 text-2xl font-semibold tracking-tight">{title}</h1>
      <div className="mt-2 max-w-md text-sm text-muted-foreground text-pretty">{description}</div>
      {children ? <div className="mt-8 flex flex-wrap items-center justify-center gap-3">{children}</div> : null}
    </main>
  );
}
