"use client";

// Puts the theme script into the server-rendered <head> once, so it runs
// before first paint, without React rendering a <script> on the client. It
// carries the response's CSP nonce (lib/http/security-headers.ts): inline
// scripts without it do not run.
import { useServerInsertedHTML } from "next/navigation";
import { useRef } from "react";
import { themeInitScript } from "./theme";

export function ThemeScript({ nonce }: { nonce?: string }) {
  const inserted = useRef(false);
  useServerInsertedHTML(() => {
    if (inserted.current) return null;
    inserted.current = true;
    return <script id="meterdesk-theme" nonce={nonce} dangerouslySetInnerHTML={{ __html: themeInitScript }} />;
  });
  return null;
}
