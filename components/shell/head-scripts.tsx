"use client";

// Puts the inline scripts that must run before first paint into the
// server-rendered <head> once, without React rendering a <script> on the
// client: the theme (components/shell/theme.ts) and when the web font is used
// (components/shell/fonts.ts). The root layout passes their text, so it is not
// part of this module's client code. They carry the response's CSP nonce
// (lib/http/security-headers.ts): inline scripts without it do not run.
import { useServerInsertedHTML } from "next/navigation";
import { useRef } from "react";

export interface HeadScript {
  id: string;
  source: string;
}

export function HeadScripts({ nonce, scripts }: { nonce?: string; scripts: HeadScript[] }) {
  const inserted = useRef(false);
  useServerInsertedHTML(() => {
    if (inserted.current) return null;
    inserted.current = true;
    return scripts.map(({ id, source }) => <script key={id} id={id} nonce={nonce} dangerouslySetInnerHTML={{ __html: source }} />);
  });
  return null;
}
