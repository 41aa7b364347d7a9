"use client";

// Light / Dark / System as menu radio items (the theme lives in the account menu).
import { useId, useSyncExternalStore, type ReactNode } from "react";
import { cn } from "@/components/ui/cn";
import { THEME_CHANGE_EVENT, THEME_STORAGE_KEY, applyThemePreference, readThemePreference, type ThemePreference } from "./theme";

const options: { value: ThemePreference; label: string }[] = [
  { value: "light", label: "Light" },
  { value: "dark", label: "Dark" },
  { value: "system", label: "System" },
];

function subscribe(onChange: () => void): () => void {
  const onStorage = (event: StorageEvent) => {
    if (event.key === THEME_STORAGE_KEY) onChange();
  };
  window.addEventListener(THEME_CHANGE_EVENT, onChange);
  window.addEventListener("storage", onStorage);
  return () => {
    window.removeEventListener(THEME_CHANGE_EVENT, onChange);
    window.removeEventListener("storage", onStorage);
  };
}

export function useThemePreference(): ThemePreference {
  return useSyncExternalStore(subscribe, readThemePreference, () => "system" as const);
}

/** `icons`: one per choice, drawn by the server (themeIcons in nav-icons.tsx). */
export function ThemeMenuGroup({ icons }: { icons: Record<ThemePreference, ReactNode> }) {
  const preference = useThemePreference();
  const labelId = useId();
  return (
    <div role="group" aria-labelledby={labelId} className="px-2.5 py-1.5">
      <p id={labelId} className="mb-1.5 text-xs font-medium text-muted-foreground">
        Theme
      </p>
      <div className="grid grid-cols-3 gap-1 rounded-lg bg-surface-muted p-1">
        {options.map(({ value, label }) => {
          const checked = preference === value;
          return (
            <button
              key={value}
              type="button"
              role="menuitemradio"
              aria-checked={checked}
              tabIndex={-1}
              onClick={() => applyThemePreference(value)}
              className={cn(
                "flex items-center justify-center gap-1.5 rounded-md px-2 py-1.5 text-xs font-medium transition-colors",
                "focus-visible:outline-offset-1",
                checked ? "bg-surface text-foreground shadow-card" : "text-muted-foreground hover:text-foreground",
              )}
            >
              {icons[value]}
              {label}
            </button>
          );
        })}
      </div>
    </div>
  );
}
