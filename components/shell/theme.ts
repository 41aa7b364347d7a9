// Light / dark / system theme. The preference lives in localStorage; the
// resolved theme is the data-theme attribute on <html> that globals.css keys on.

export type ThemePreference = "light" | "dark" | "system";

export const THEME_STORAGE_KEY = "meterdesk-theme";

/**
 * Runs inline in <head> before first paint (app/layout.tsx), so a dark page
 * never flashes light. Kept tiny and dependency-free; it follows the system
 * setting live while the preference is "system".
 */
export const themeInitScript = `(function(){try{var k=${JSON.stringify(THEME_STORAGE_KEY)},d=document.documentElement,m=window.matchMedia("(prefers-color-scheme: dark)");var apply=function(){var p=localStorage.getItem(k);var t=p==="light"||p==="dark"?p:(m.matches?"dark":"light");d.setAttribute("data-theme",t);d.style.colorScheme=t;};apply();m.addEventListener("change",apply);window.addEventListener("storage",function(e){if(e.key===k)apply();});}catch(e){}})();`;

export function readThemePreference(): ThemePreference {
  try {
    const stored = window.localStorage.getItem(THEME_STORAGE_KEY);
    return stored === "light" || stored === "dark" ? stored : "system";
  } catch {
    return "system";
  }
}

export function applyThemePreference(preference: ThemePreference): void {
  try {
    if (preference === "system") window.localStorage.removeItem(THEME_STORAGE_KEY);
    else window.localStorage.setItem(THEME_STORAGE_KEY, preference);
  } catch {
    // Storage can be disabled (private mode); the choice then lasts for this page only.
  }
  const resolved = preference === "system" ? (window.matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light") : preference;
  document.documentElement.setAttribute("data-theme", resolved);
  document.documentElement.style.colorScheme = resolved;
  window.dispatchEvent(new Event(THEME_CHANGE_EVENT));
}

/** Fired on window when the preference changes in this tab. */
export const THEME_CHANGE_EVENT = "meterdesk-theme-change";
