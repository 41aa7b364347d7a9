"use client";

// Below the md breakpoint the side navigation folds into a drawer behind a menu button.
import { usePathname } from "next/navigation";
import { useEffect, useId, useRef, useState, type ReactNode } from "react";
import { createPortal } from "react-dom";
import { Button } from "@/components/ui/button";
import { NavLinks, type NavItem } from "./nav-links";

export function MobileNav({
  items,
  label,
  footer,
  icons,
}: {
  items: NavItem[];
  label: string;
  footer?: ReactNode;
  /** The open and close icons, drawn by the server (drawerIcons in nav-icons.tsx). */
  icons: { open: ReactNode; close: ReactNode };
}) {
  const [open, setOpen] = useState(false);
  const drawerId = useId();
  const closeRef = useRef<HTMLButtonElement>(null);
  const pathname = usePathname();

  const [openedAt, setOpenedAt] = useState(pathname);
  if (openedAt !== pathname) {
    setOpenedAt(pathname);
    if (open) setOpen(false);
  }

  useEffect(() => {
    if (!open) return;
    closeRef.current?.focus();
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.key === "Escape") setOpen(false);
    };
    document.addEventListener("keydown", onKeyDown);
    const overflow = document.body.style.overflow;
    document.body.style.overflow = "hidden";
    return () => {
      document.removeEventListener("keydown", onKeyDown);
      document.body.style.overflow = overflow;
    };
  }, [open]);

  return (
    <div className="md:hidden">
      <Button
        variant="ghost"
        size="icon"
        aria-label="Open navigation"
        aria-expanded={open}
        aria-controls={open ? drawerId : undefined}
        onClick={() => setOpen(true)}
      >
        {icons.open}
      </Button>
      {/* Portalled: the header's backdrop-filter would otherwise contain the fixed overlay. */}
      {open
        ? createPortal(
            <div className="fixed inset-0 z-50 md:hidden" id={drawerId} role="dialog" aria-modal="true" aria-label="Navigation">
              <button
                type="button"
                tabIndex={-1}
                aria-hidden
                className="absolute inset-0 bg-black/40 backdrop-blur-[2px]"
                onClick={() => setOpen(false)}
              />
              <div className="absolute inset-y-0 left-0 flex w-72 max-w-[85vw] flex-col border-r border-border bg-surface p-4 shadow-popover">
                <div className="mb-4 flex justify-end">
                  <Button ref={closeRef} variant="ghost" size="icon" aria-label="Close navigation" onClick={() => setOpen(false)}>
                    {icons.close}
                  </Button>
                </div>
                <NavLinks items={items} label={label} onNavigate={() => setOpen(false)} />
                {footer ? <div className="mt-auto pt-4">{footer}</div> : null}
              </div>
            </div>,
            document.body,
          )
        : null}
    </div>
  );
}
