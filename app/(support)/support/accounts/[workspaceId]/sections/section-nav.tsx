"use client";

// The account page's section links, stuck under the header while the long
// page scrolls. Plain anchors (they work without JavaScript); in the browser
// the link of the section being read is marked as the current one.
import { useEffect, useRef, useState } from "react";
import { cn } from "@/components/ui/cn";

/** A section is being read once its top has passed this far down the window (the header and these links). */
const READING_LINE = 150;

export function SectionNav({ sections }: { sections: readonly { id: string; label: string }[] }) {
  const [current, setCurrent] = useState<string | null>(null);
  const list = useRef<HTMLUListElement>(null);

  useEffect(() => {
    let frame = 0;
    const update = () => {
      frame = 0;
      let reading: string | null = null;
      for (const section of sections) {
        const element = document.getElementById(section.id);
        if (element && element.getBoundingClientRect().top <= READING_LINE) reading = section.id;
      }
      // At the very bottom the last sections may never reach the line: the last one is being read.
      if (window.innerHeight + window.scrollY >= document.documentElement.scrollHeight - 2) reading = sections.at(-1)?.id ?? reading;
      setCurrent(reading);
    };
    const onScroll = () => {
      if (!frame) frame = requestAnimationFrame(update);
    };
    update();
    window.addEventListener("scroll", onScroll, { passive: true });
    window.addEventListener("resize", onScroll);
    return () => {
      window.removeEventListener("scroll", onScroll);
      window.removeEventListener("resize", onScroll);
      if (frame) cancelAnimationFrame(frame);
    };
  }, [sections]);

  // Keep the current link in view when the links scroll sideways (narrow screens), without moving the page.
  useEffect(() => {
    const strip = list.current;
    const link = current ? strip?.querySelector<HTMLElement>(`a[href="#${current}"]`) : null;
    if (!strip || !link) return;
    const left = link.offsetLeft - strip.offsetLeft;
    if (left < strip.scrollLeft || left + link.offsetWidth > strip.scrollLeft + strip.clientWidth) {
      strip.scrollTo({ left: Math.max(0, left - 16), behavior: "smooth" });
    }
  }, [current]);

  return (
    <nav
      aria-label="Sections of this account"
      className="sticky top-14 z-30 -mx-1 mb-2 bg-background/90 px-1 py-2 backdrop-blur supports-[backdrop-filter]:bg-background/75"
    >
      <ul
        ref={list}
        className="flex gap-1 overflow-x-auto rounded-xl border border-border bg-surface p-1 shadow-card [scrollbar-width:thin]"
      >
        {sections.map((section) => {
          const active = section.id === current;
          return (
            <li key={section.id} className="shrink-0">
              <a
                href={`#${section.id}`}
                aria-current={active ? "location" : undefined}
                className={cn(
                  "block rounded-lg px-2.5 py-1.5 text-[13px] font-medium whitespace-nowrap transition-colors",
                  "focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-ring",
                  active
                    ? "bg-primary-soft text-primary-soft-foreground"
                    : "text-muted-foreground hover:bg-surface-muted hover:text-foreground",
                )}
              >
                {section.label}
              </a>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
