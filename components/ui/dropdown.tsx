"use client";

// A menu button (WAI-ARIA menu pattern): the trigger opens a popup whose items
// are role="menuitem" links and buttons (or "menuitemradio"). Arrow keys,
// Home and End move between items; Escape closes and returns focus; Tab or a
// click outside closes. An optional header (e.g. who is signed in) sits above
// the menu, outside it. The items' look is in dropdown-items.tsx, usable from
// server components (a menu's content can be drawn on the server).
import { usePathname } from "next/navigation";
import { useCallback, useEffect, useId, useRef, useState, type KeyboardEvent, type ReactNode } from "react";
import { cn } from "./cn";

const ITEM = '[role="menuitem"], [role="menuitemradio"], [role="menuitemcheckbox"]';

export function Dropdown({
  trigger,
  triggerLabel,
  triggerClassName,
  menuLabel,
  header,
  align = "start",
  panelClassName,
  children,
}: {
  /** The visible content of the trigger button. */
  trigger: ReactNode;
  /** Accessible name of the trigger when its content is not enough. */
  triggerLabel?: string;
  triggerClassName?: string;
  /** Accessible name of the menu. */
  menuLabel: string;
  header?: ReactNode;
  align?: "start" | "end";
  panelClassName?: string;
  children: ReactNode;
}) {
  const [open, setOpen] = useState(false);
  const menuId = useId();
  const rootRef = useRef<HTMLDivElement>(null);
  const buttonRef = useRef<HTMLButtonElement>(null);
  const menuRef = useRef<HTMLDivElement>(null);
  const pathname = usePathname();

  const close = useCallback((returnFocus: boolean) => {
    setOpen(false);
    if (returnFocus) buttonRef.current?.focus();
  }, []);

  // Navigating away closes the menu.
  const [openedAt, setOpenedAt] = useState(pathname);
  if (openedAt !== pathname) {
    setOpenedAt(pathname);
    if (open) setOpen(false);
  }

  useEffect(() => {
    if (!open) return;
    const items = menuItems(menuRef.current);
    (items.find((item) => item.getAttribute("aria-checked") === "true" || item.getAttribute("aria-current")) ?? items[0])?.focus();
    const onPointerDown = (event: PointerEvent) => {
      if (!rootRef.current?.contains(event.target as Node)) setOpen(false);
    };
    document.addEventListener("pointerdown", onPointerDown);
    return () => document.removeEventListener("pointerdown", onPointerDown);
  }, [open]);

  function onMenuKeyDown(event: KeyboardEvent<HTMLDivElement>) {
    if (event.key === "Escape") {
      event.preventDefault();
      close(true);
      return;
    }
    if (event.key === "Tab") {
      setOpen(false);
      return;
    }
    const items = menuItems(menuRef.current);
    if (items.length === 0) return;
    const index = items.indexOf(document.activeElement as HTMLElement);
    const target =
      event.key === "ArrowDown"
        ? items[(index + 1) % items.length]
        : event.key === "ArrowUp"
          ? items[(index - 1 + items.length) % items.length]
          : event.key === "Home"
            ? items[0]
            : event.key === "End"
              ? items[items.length - 1]
              : undefined;
    if (target) {
      event.preventDefault();
      target.focus();
    }
  }

  return (
    <div ref={rootRef} className="relative">
      <button
        ref={buttonRef}
        type="button"
        aria-haspopup="menu"
        aria-expanded={open}
        aria-controls={open ? menuId : undefined}
        aria-label={triggerLabel}
        onClick={() => setOpen((value) => !value)}
        onKeyDown={(event) => {
          if ((event.key === "ArrowDown" || event.key === "ArrowUp") && !open) {
            event.preventDefault();
            setOpen(true);
          }
        }}
        className={triggerClassName}
      >
        {trigger}
      </button>
      {open ? (
        <div
          className={cn(
            "absolute top-full z-50 mt-2 min-w-56 rounded-xl border border-border bg-surface-raised p-1.5 shadow-popover",
            align === "end" ? "right-0" : "left-0",
            panelClassName,
          )}
        >
          {header}
          <div
            ref={menuRef}
            id={menuId}
            role="menu"
            aria-label={menuLabel}
            onKeyDown={onMenuKeyDown}
            onClick={(event) => {
              // Following a link or choosing an action closes the menu.
              if ((event.target as HTMLElement).closest("a[href], [data-menu-close]")) setOpen(false);
            }}
          >
            {children}
          </div>
        </div>
      ) : null}
    </div>
  );
}

function menuItems(menu: HTMLElement | null): HTMLElement[] {
  return Array.from(menu?.querySelectorAll<HTMLElement>(ITEM) ?? []).filter((item) => !item.hasAttribute("disabled"));
}
