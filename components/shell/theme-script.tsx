"use client";

// Puts the theme script into the server-rendered <head> once, so it runs
// before first paint, without React rendering a <script> on the client.
import { useServerInsertedHTML } from "next/navigation";
import { useRef } from "react";
import { themeInitScript } from "./theme";

export function ThemeScript() {
  const inserted = useRef(false);
  useServerInsertedHTML(() => {
    if (inserted.current) return null;
    inserted.current = true;
    return <script id="meterdesk-theme" dangerouslySetInnerHTML={{ __html: themeInitScript }} />;
  });
  return null;
}
